using System.Text;
using Herald.Events;
using Herald.Storage;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Storage;

/// <summary>MemoryStorage and FileStorage queries, fed by a real publisher and by hand-written lines.</summary>
public sealed class StorageTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An envelope line at <paramref name="secondsAfterT0"/>.</summary>
    internal static string Line(string type, double secondsAfterT0, string? correlation = null, int n = 0)
    {
        string time = (T0.ToUnixTimeMilliseconds() / 1000.0 + secondsAfterT0).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        string meta = correlation is null ? "null" : "\"" + correlation + "\"";
        return "{\"id\":\"evt_" + type.Split('.')[0] + "_" + n + "\",\"type\":\"" + type + "\",\"source\":\"test\",\"target\":null,\"timestamp\":" + time
            + ",\"payload\":{\"n\":" + n + "},\"meta\":{\"correlation_id\":" + meta + ",\"version\":\"1.0\"}}";
    }

    private static byte[] Batch(params string[] lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

    private static readonly string[] Mixed =
    [
        Line("loop.tick", 0, n: 0),
        Line("loop.health", 1, n: 1),
        Line("loop.tick", 2, "c-1", n: 2),
        Line("console.result", 3, "c-1", n: 3),
        Line("loop.tick", 4, n: 4),
        Line("loop.failure", 5, n: 5),
    ];

    public static TheoryData<string, string> Queries => new()
    {
        { "type=loop.tick", "0,2,4" },
        { "type=loop.*", "0,1,2,4,5" },
        { "since=2", "2,3,4,5" },
        { "until=2", "0,1" },
        { "since=1 until=4", "1,2,3" },
        { "correlation=c-1", "2,3" },
        { "type=loop.tick correlation=c-1", "2" },
        { "limit=2", "0,1" },
        { "type=loop.tick limit=2", "0,2" },
        { "type=nothing.here", "" },
    };

    private static EventQuery Parse(string text)
    {
        var query = EventQuery.All;
        foreach (string part in text.Split(' '))
        {
            string[] kv = part.Split('=');
            query = kv[0] switch
            {
                "type" => query with { Type = kv[1] },
                "since" => query with { Since = T0.AddSeconds(double.Parse(kv[1])) },
                "until" => query with { Until = T0.AddSeconds(double.Parse(kv[1])) },
                "correlation" => query with { CorrelationId = kv[1] },
                "limit" => query with { Limit = int.Parse(kv[1]) },
                _ => throw new ArgumentException(part),
            };
        }
        return query;
    }

    private static string Numbers(IEnumerable<StoredEvent> events) => string.Join(',', events.Select(e => e.Id.Split('_')[^1]));

    [Theory]
    [MemberData(nameof(Queries))]
    public void Memory_storage_answers_type_time_correlation_and_limit_queries(string query, string expected)
    {
        var memory = new MemoryStorage();
        memory.Store(Batch(Mixed));
        Assert.Equal(expected, Numbers(memory.Retrieve(Parse(query))));
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void File_storage_answers_the_same_queries(string query, string expected)
    {
        var file = new FileStorage(Path.Combine(_dir, "events.jsonl"));
        file.Store(Batch(Mixed[..3]));
        file.Store(Batch(Mixed[3..]));
        Assert.Equal(expected, Numbers(file.Retrieve(Parse(query))));
    }

    [Fact]
    public void Memory_storage_is_a_bounded_ring_that_keeps_the_newest()
    {
        var memory = new MemoryStorage(capacity: 3);
        memory.Store(Batch(Enumerable.Range(0, 5).Select(i => Line("loop.tick", i, n: i)).ToArray()));

        Assert.Equal("2,3,4", Numbers(memory.Retrieve(EventQuery.All)));
        Assert.Equal(3, memory.Count);
        Assert.Equal(2, memory.Evicted);
        Assert.Equal("3,4", Numbers(memory.Retrieve(EventQuery.All with { Since = T0.AddSeconds(3) })));
    }

    [Fact]
    public void Malformed_lines_are_skipped_counted_and_reported_with_their_line_numbers()
    {
        string path = Path.Combine(_dir, "events.jsonl");
        File.WriteAllText(path, string.Join('\n',
            Line("loop.tick", 0, n: 0),
            "{\"id\":\"x\",\"type\":\"loop.tick\"", // truncated
            "",
            "[1,2]",
            """{"id":"evt_a","timestamp":1}""",
            Line("loop.tick", 1, n: 1) + "\r",
            Line("loop.tick", 2, n: 2)) /* no final newline: still read */);
        var malformed = new List<MalformedLine>();

        Assert.Equal("0,1,2", Numbers(new FileStorage(path).Read(EventQuery.All, malformed.Add)));
        Assert.Equal([2L, 4L, 5L], malformed.Select(m => m.LineNumber));
        Assert.StartsWith("invalid JSON", malformed[0].Reason, StringComparison.Ordinal);
        Assert.Equal("not a JSON object", malformed[1].Reason);
        Assert.Equal("no string 'type'", malformed[2].Reason);

        var memory = new MemoryStorage();
        memory.Store(Encoding.UTF8.GetBytes(File.ReadAllText(path)));
        Assert.Equal(3, memory.Count);
        Assert.Equal(3, memory.Malformed);
    }

    [Fact]
    public async Task A_publisher_listener_fills_memory_storage_with_redacted_envelopes()
    {
        var memory = new MemoryStorage();
        await using (var publisher = TelemetryPublisher.Create(Options(), new Herald.Tests.Runtime.RecordingTransport()))
        {
            using IDisposable listening = publisher.AddListener(memory.StoreAsync);
            using (Correlation.Begin("run-7"))
                publisher.Emit(new ConsoleResult { Tick = 1, Command = "spawn", Status = ConsoleResultStatus.Ok, DurationMs = 0.5, Issuer = "alice" });
            for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            await Eventually(() => memory.Count == 11, "the listener to store 11 events");
        }

        StoredEvent console = Assert.Single(memory.Retrieve(EventQuery.All with { CorrelationId = "run-7" }));
        Assert.Equal("console.result", console.Type);
        Assert.DoesNotContain("alice", console.Json, StringComparison.Ordinal); // x-redact, before any listener
        Assert.Equal(10, memory.Retrieve(EventQuery.All with { Type = "loop.tick" }).Count());
        Assert.InRange(console.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

#if NET10_0_OR_GREATER // net10.0 only: the Townlet sample (Simulation.Snapshot) is a net10.0 application (Herald.Tests.csproj)
    [Fact]
    public async Task File_storage_reads_what_the_file_transport_wrote()
    {
        string path = Path.Combine(_dir, "events.jsonl");
        await using (var publisher = TelemetryPublisher.Create(new TelemetryOptions { Transport = new TransportOptions { Type = "file", FilePath = path } }))
        {
            for (int i = 0; i < 1_000; i++) publisher.Emit(Tick(i));
            publisher.Emit(new LoopHealth { Tick = 1_000, Status = LoopHealthStatus.Ok, DurationMs = 1, FailureCount = 0, Transport = Townlet.Sim.Simulation.Snapshot(publisher.TransportStatus) });
        }

        var storage = new FileStorage(path);
        Assert.Equal(1_000, storage.Retrieve(new EventQuery { Type = "loop.tick" }).Count());
        StoredEvent health = Assert.Single(storage.Retrieve(new EventQuery { Type = "loop.health" }));
        Assert.Equal(1_001, health.LineNumber);
        Assert.Equal(5, storage.Retrieve(new EventQuery { Limit = 5 }).Count());
    }
#endif

    [Fact]
    public void A_limited_read_of_a_large_file_reads_only_what_it_needs()
    {
        string path = Path.Combine(_dir, "big.jsonl");
        using (var writer = new StreamWriter(path))
            for (int i = 0; i < 100_000; i++) writer.WriteLine(Line("loop.tick", i * 0.001, n: i)); // ~20 MB

        var storage = new FileStorage(path);
        Assert.Equal(10, storage.Read(new EventQuery { Limit = 10 }).Count()); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(10, storage.Read(new EventQuery { Limit = 10 }).Count());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(new FileInfo(path).Length > 15_000_000);
        Assert.True(allocated < 200_000, $"a 10-event read allocated {allocated:N0} bytes"); // one 64 KiB line buffer + 10 events
    }

    [Fact]
    public async Task Follow_returns_existing_lines_then_lines_appended_later_but_never_a_half_written_one()
    {
        string path = Path.Combine(_dir, "live.jsonl");
        File.WriteAllText(path, Line("loop.tick", 0, n: 0) + "\n");
        var storage = new FileStorage(path);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<StoredEvent>();
        Task following = Task.Run(async () =>
        {
            await foreach (StoredEvent e in storage.FollowAsync(new EventQuery { Type = "loop.tick", Limit = 3 }, TimeSpan.FromMilliseconds(20), cancellationToken: cts.Token))
                lock (seen) seen.Add(e);
        });

        await Eventually(() => { lock (seen) return seen.Count == 1; }, "the existing line");
        string second = Line("loop.tick", 1, n: 1);
        using (var append = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            append.Write(Encoding.UTF8.GetBytes(Line("loop.health", 1, n: 9) + "\n" + second[..40]));
            append.Flush();
            await Task.Delay(200);
            lock (seen) Assert.Single(seen); // the half line is held back
            append.Write(Encoding.UTF8.GetBytes(second[40..] + "\n" + Line("loop.tick", 2, n: 2) + "\n"));
        }
        await following.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("0,1,2", Numbers(seen));
        Assert.Equal([1L, 3L, 4L], seen.Select(e => e.LineNumber));
    }
}
