using System.Text;
using System.Text.Json;
using Herald.Transports;

namespace Herald.Tests.Transports;

/// <summary>The CloudEvents batch format against envelopes the runtime can write: deep free-form payloads, trace ids W3C calls invalid.</summary>
public sealed class CloudEventsFaultTests
{
    private static string Line(string payload, string meta = """{"correlation_id":null,"trace_id":null,"span_id":null,"version":"1.0"}""")
        => $$"""{"id":"evt_app_1","type":"app.event","source":"s","target":null,"timestamp":1703001234.567,"payload":{{payload}},"meta":{{meta}}}""";

    private static JsonElement[] Render(params string[] lines)
    {
        ReadOnlyMemory<byte> body = HttpBatchFormats.Render(HttpBatchFormat.CloudEvents, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
        using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4096 });
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>Free-form JSON is written at any depth (JsonDocument's defaults already give 66 levels in the line).</summary>
    [Theory]
    [InlineData(64)]
    [InlineData(2000)]
    public void A_payload_nested_deeper_than_64_levels_is_rendered_as_it_is(int depth)
    {
        string details = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        string payload = "{\"message\":\"deep\",\"details\":" + details + "}";
        JsonElement cloudEvent = Assert.Single(Render(Line(payload)));
        Assert.Equal(payload, cloudEvent.GetProperty("data").GetRawText());
    }

    /// <summary>
    /// W3C Trace Context: an all-zero trace id or parent id is invalid, and the ids are lowercase hex of a fixed length.
    /// An activity can carry such ids (a traceparent header of zeros is parsed into one): no traceparent then, as storage reads them as null.
    /// </summary>
    [Theory]
    [InlineData("00000000000000000000000000000000", "b7ad6b7169203331")]
    [InlineData("0af7651916cd43dd8448eb211c80319c", "0000000000000000")]
    [InlineData("0AF7651916CD43DD8448EB211C80319C", "b7ad6b7169203331")]
    [InlineData("0af7651916cd43dd8448eb211c80319", "b7ad6b7169203331")]
    [InlineData("0af7651916cd43dd8448eb211c80319c", "b7ad6b716920333g")]
    public void An_invalid_trace_context_gets_no_traceparent(string traceId, string spanId)
    {
        JsonElement cloudEvent = Assert.Single(Render(Line("{}", $$"""{"correlation_id":null,"trace_id":"{{traceId}}","span_id":"{{spanId}}","trace_flags":1,"version":"1.0"}""")));
        Assert.False(cloudEvent.TryGetProperty("traceparent", out JsonElement traceparent), traceparent.ToString());
    }
}
