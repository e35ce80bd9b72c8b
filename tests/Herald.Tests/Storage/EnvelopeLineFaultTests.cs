using System.Text;
using Herald.Storage;

namespace Herald.Tests.Storage;

/// <summary>Storage reads every line the runtime writes, whatever its payload holds.</summary>
public sealed class EnvelopeLineFaultTests
{
    /// <summary>Free-form JSON is written as given: a JsonDocument parsed with its defaults nests 64 deep, 66 in the line.</summary>
    [Theory]
    [InlineData(64)]
    [InlineData(3000)]
    public void A_line_whose_payload_nests_deeper_than_64_levels_is_an_envelope(int depth)
    {
        string details = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        string line = "{\"id\":\"evt_app_1\",\"type\":\"app.event\",\"source\":\"s\",\"target\":null,\"timestamp\":1703001234.567,\"payload\":{\"details\":"
            + details + "},\"meta\":{\"correlation_id\":\"req-1\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"b7ad6b7169203331\",\"trace_flags\":1,\"version\":\"1.0\"}}";
        StoredEvent? stored = EnvelopeLine.TryParse(Encoding.UTF8.GetBytes(line), 1, out string? error);
        Assert.Null(error);
        Assert.NotNull(stored);
        Assert.Equal(("evt_app_1", "req-1", "0af7651916cd43dd8448eb211c80319c"), (stored.Id, stored.CorrelationId, stored.TraceId?.ToHexString()));
    }
}
