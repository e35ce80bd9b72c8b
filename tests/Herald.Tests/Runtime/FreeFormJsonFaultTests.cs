using System.Text.Json;
using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>
/// Free-form JSON as users build it: a <see cref="JsonElement"/> parsed from indented text keeps its line breaks in its
/// raw text, and an envelope is one line of NDJSON whatever its payload holds.
/// </summary>
public sealed class FreeFormJsonFaultTests
{
    [Fact]
    public async Task Indented_free_form_json_stays_on_one_envelope_line()
    {
        const string Indented = "{\n  \"zone\": \"north\",\r\n\t\"ids\": [1,\n 2],\n  \"text\": \"a  b\",\n  \"nested\": { \"k\" : [ ] }\n}";
        using JsonDocument details = JsonDocument.Parse(Indented);
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            publisher.Emit(new AppEvent { Source = "indented", Message = "m", Details = details.RootElement });
            publisher.Emit(new AppEvent { Source = "plain", Message = "m" });
            await publisher.FlushAsync();
            status = publisher.TransportStatus;
        }
        Assert.Equal((2L, 0L, 0), (status.PayloadsFlushedTotal, status.DroppedMessages, status.WorkerRestartCount));
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(2, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        JsonElement written = first.RootElement.GetProperty("payload").GetProperty("details");
        Assert.Equal("""{"zone":"north","ids":[1,2],"text":"a  b","nested":{"k":[]}}""", written.GetRawText());
        Assert.True(JsonElement.DeepEquals(details.RootElement, written));
    }
}
