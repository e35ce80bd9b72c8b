using System.Diagnostics;
using System.Text;
using Herald.Storage;
using Herald.Tests.Runtime;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Storage;

/// <summary>
/// Storage reads Herald envelope 1.1 lines (with <c>meta.trace_id</c>, <c>span_id</c>, <c>trace_flags</c>) and charter 1.0
/// lines (without them) alike; a trace value W3C does not allow reads as null, the line stays an envelope.
/// </summary>
public sealed class TraceContextStorageTests : IDisposable
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string SpanId = "b7ad6b7169203331";
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-trace-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Line(string meta, int n = 0)
        => "{\"id\":\"evt_loop_" + n + "\",\"type\":\"loop.tick\",\"source\":\"test\",\"target\":null,\"timestamp\":1800000000.5,\"payload\":{\"n\":" + n + "},\"meta\":" + meta + "}";

    private static StoredEvent Stored(string line)
    {
        var storage = new MemoryStorage();
        storage.Store(Encoding.UTF8.GetBytes(line + "\n"));
        Assert.Equal(0, storage.Malformed);
        return Assert.Single(storage.Retrieve(EventQuery.All));
    }

    [Fact]
    public void A_1_1_line_gives_the_trace_context_and_1_0_and_untraced_lines_give_none()
    {
        StoredEvent traced = Stored(Line($"{{\"correlation_id\":\"req-1\",\"trace_id\":\"{TraceId}\",\"span_id\":\"{SpanId}\",\"trace_flags\":1,\"version\":\"1.0\"}}"));
        Assert.Equal((ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), ActivityTraceFlags.Recorded, "req-1"),
            (traced.TraceId!.Value, traced.SpanId!.Value, traced.TraceFlags!.Value, traced.CorrelationId));

        foreach (string meta in new[]
        {
            "{\"correlation_id\":\"req-1\",\"trace_id\":null,\"span_id\":null,\"version\":\"1.0\"}", // 1.1, no activity
            "{\"correlation_id\":\"req-1\",\"version\":\"1.0\"}",                                      // charter 1.0
        })
        {
            StoredEvent stored = Stored(Line(meta));
            Assert.Equal("req-1", stored.CorrelationId);
            Assert.Equal((null, null, null), (stored.TraceId, stored.SpanId, stored.TraceFlags));
        }
    }

    public static TheoryData<string, string, string, bool, bool, bool> Hostile => new()
    {
        // trace_id, span_id, trace_flags → which of the three are read
        { "\"" + TraceId.ToUpperInvariant() + "\"", "\"" + SpanId + "\"", "1", false, false, false },       // upper case: not W3C
        { "\"" + TraceId[..31] + "\"", "\"" + SpanId + "\"", "1", false, false, false },                    // too short
        { "\"" + TraceId + "0\"", "\"" + SpanId + "\"", "1", false, false, false },                         // too long
        { "\"" + TraceId[..31] + "g\"", "\"" + SpanId + "\"", "1", false, false, false },                   // not hex
        { "\"" + new string('0', 32) + "\"", "\"" + SpanId + "\"", "1", false, false, false },              // all zeros: invalid
        { "7", "\"" + SpanId + "\"", "1", false, false, false },                                            // not a string
        { "{\"a\":[1]}", "\"" + SpanId + "\"", "1", false, false, false },
        { "\"\\uD800" + TraceId[1..] + "\"", "\"" + SpanId + "\"", "1", false, false, false },              // a lone surrogate
        { "\"" + TraceId + "\"", "\"" + SpanId[..15] + "\"", "1", true, false, true },                      // span too short
        { "\"" + TraceId + "\"", "\"" + new string('0', 16) + "\"", "1", true, false, true },
        { "\"" + TraceId + "\"", "null", "1", true, false, true },
        { "\"" + TraceId + "\"", "\"" + SpanId + "\"", "256", true, true, false },                          // flags are one byte
        { "\"" + TraceId + "\"", "\"" + SpanId + "\"", "-1", true, true, false },
        { "\"" + TraceId + "\"", "\"" + SpanId + "\"", "1.5", true, true, false },
        { "\"" + TraceId + "\"", "\"" + SpanId + "\"", "\"01\"", true, true, false },
        { "\"\\u0030" + TraceId[1..] + "\"", "\"\\u0062" + SpanId[1..] + "\"", "1", true, true, true },    // escaped hex digits are still hex
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_trace_value_W3C_does_not_allow_reads_as_null_and_the_line_is_still_an_envelope(string traceId, string spanId, string flags, bool hasTrace, bool hasSpan, bool hasFlags)
    {
        StoredEvent stored = Stored(Line($"{{\"correlation_id\":\"req-1\",\"trace_id\":{traceId},\"span_id\":{spanId},\"trace_flags\":{flags},\"version\":\"1.0\"}}"));
        Assert.Equal("req-1", stored.CorrelationId);
        Assert.Equal((hasTrace, hasSpan, hasFlags), (stored.TraceId.HasValue, stored.SpanId.HasValue, stored.TraceFlags.HasValue));
        if (hasTrace) Assert.Equal(TraceId, stored.TraceId!.Value.ToHexString());
        if (hasSpan) Assert.Equal(SpanId, stored.SpanId!.Value.ToHexString());
    }

    [Fact]
    public void A_span_and_flags_without_a_trace_are_not_read()
    {
        StoredEvent stored = Stored(Line($"{{\"correlation_id\":null,\"span_id\":\"{SpanId}\",\"trace_flags\":1,\"version\":\"1.0\"}}"));
        Assert.Equal((null, null, null), (stored.TraceId, stored.SpanId, stored.TraceFlags));
    }

    [Fact]
    public async Task What_the_publisher_writes_reads_back_from_a_file_beside_1_0_lines()
    {
        using var traced = new TracedActivities();
        var transport = new RecordingTransport();
        Activity activity;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            using (activity = traced.Start()) publisher.Emit(Tick(1));
            publisher.Emit(Tick(2));
            await publisher.FlushAsync();
        }
        string path = Path.Combine(_dir, "events.jsonl");
        File.WriteAllLines(path, [StorageTests.Line("loop.tick", 0, "c-1", n: 0), .. transport.Lines]);
        var malformed = new List<MalformedLine>();
        StoredEvent[] events = new FileStorage(path).Read(EventQuery.All, malformed.Add).ToArray();

        Assert.Empty(malformed);
        Assert.Equal(3, events.Length);
        Assert.Equal((null, null, null), (events[0].TraceId, events[0].SpanId, events[0].TraceFlags)); // charter 1.0
        Assert.Equal((activity.TraceId, activity.SpanId, ActivityTraceFlags.Recorded), (events[1].TraceId!.Value, events[1].SpanId!.Value, events[1].TraceFlags!.Value));
        Assert.Equal((null, null, null), (events[2].TraceId, events[2].SpanId, events[2].TraceFlags));
    }
}
