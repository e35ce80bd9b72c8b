using System.Text.Json;
using Herald.Events;
using Herald.Tests.Transports;

namespace Herald.Tests.Faults;

/// <summary>
/// A real HTTP collector (Kestrel on loopback) that goes away and comes back, or answers 503 for good: block mode
/// loses nothing across a restart longer than its retry budget, the drop modes stop hammering a dead collector, and
/// <c>FlushAsync</c> is bounded.
/// </summary>
public sealed class CollectorOutageTests
{
    private static TelemetryOptions Http(string url, BackpressureMode mode, int retryLimit) => new()
    {
        Transport = new TransportOptions
        {
            Type = "http",
            Endpoint = url,
            SendTimeoutSeconds = 1,
            WorkerPollSeconds = 0.05,
            Buffer = new BufferOptions { MaxBatchSize = 20 },
            Worker = new WorkerOptions { Backpressure = mode, SendRetryLimit = retryLimit, BlockTimeoutSeconds = 30 },
        },
        ShutdownTimeout = TimeSpan.FromSeconds(10),
    };

    private static LoopTick Tick(long n) => new() { Tick = n, DurationMs = 1, AgentCount = 1, EventsEmitted = 1 };

    private static List<long> TicksIn(IEnumerable<HttpCollector.Received> requests)
        => requests.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()).ToList();

    [Fact]
    public async Task Block_mode_outlasts_a_collector_restart_longer_than_the_retry_budget()
    {
        HttpCollector first = await HttpCollector.StartAsync();
        int port = new Uri(first.Url).Port;
        string url = first.Url;
        var publisher = TelemetryPublisher.Create(Http(url, BackpressureMode.Block, retryLimit: 1)); // ~0.1 s of retries
        for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));
        List<long> before = TicksIn(first.Requests);
        await first.DisposeAsync(); // the collector goes away

        for (int i = 100; i < 200; i++) publisher.Emit(Tick(i));
        // Down for 2 s: far past send_retry_limit's budget. The flush cannot complete meanwhile, and says so in time.
        Assert.False(await publisher.FlushAsync(TimeSpan.FromSeconds(2)));
        TransportStatus during = publisher.TransportStatus;
        Assert.Equal(0, during.DroppedMessages);
        Assert.True(during.ConsecutiveSendFailures >= 2, $"{during.ConsecutiveSendFailures} failures");

        await using HttpCollector second = await HttpCollector.StartAsync(port); // back, on the same port
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(20)), "the flush completes once the collector is back");
        await publisher.DisposeAsync();

        TransportStatus after = publisher.TransportStatus;
        Assert.Equal((200L, 200L, 0L), (after.EventsEmitted, after.PayloadsFlushedTotal, after.DroppedMessages));
        List<long> received = before.Concat(TicksIn(second.Requests)).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), received); // all, once, in order
    }

    [Theory]
    [InlineData(BackpressureMode.DropOldest)]
    [InlineData(BackpressureMode.FanOut)]
    public async Task Drop_modes_pause_sends_to_a_failing_collector_and_resume_when_it_recovers(BackpressureMode mode)
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        bool healthy = false;
        collector.Respond = _ => (Volatile.Read(ref healthy) ? 200 : 503, null);
        await using var publisher = TelemetryPublisher.Create(Http(collector.Url, mode, retryLimit: 2));

        // 2.5 s of a game emitting 200 events/s at a collector answering 503: without a circuit every batch would get
        // 3 tries (~40 batches, ~120 requests); with it, the first batch's 3 tries and then one per cool-down (1 s, 2 s).
        for (int i = 0; i < 500; i++)
        {
            publisher.Emit(Tick(i));
            if (i % 10 == 9) await Task.Delay(50);
        }
        int requestsWhileDown = collector.Requests.Count;
        TransportStatus down = publisher.TransportStatus;
        Assert.InRange(requestsWhileDown, 3, 8);
        Assert.Contains("HTTP 503", down.WorkerError);
        Assert.Contains("sends paused for", down.WorkerError);
        Assert.True(down.WorkerAlive);
        Assert.Equal(down.EventsEmitted, down.PayloadsFlushedTotal + down.DroppedMessages + down.QueueLength);

        // Recovered: until the cool-down passes batches are still dropped unsent; then one try succeeds and closes the circuit.
        Volatile.Write(ref healthy, true);
        long next = await FaultKit.EmitUntilDeliveredAsync(publisher, 500, () => TicksIn(collector.Requests.Skip(requestsWhileDown)).Any());
        for (int i = 0; i < 20; i++) publisher.Emit(Tick(next++));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));
        TransportStatus up = publisher.TransportStatus;
        Assert.Contains(next - 1, TicksIn(collector.Requests)); // once closed, every batch goes through
        Assert.Equal(0, up.ConsecutiveSendFailures);
        Assert.Equal(up.EventsEmitted, up.PayloadsFlushedTotal + up.DroppedMessages + up.QueueLength);
    }

    [Fact]
    public async Task Shutdown_with_a_dead_collector_in_a_drop_mode_does_not_wait_out_the_timeout()
    {
        HttpCollector collector = await HttpCollector.StartAsync();
        string url = collector.Url;
        await collector.DisposeAsync(); // nothing listens: connection refused
        var publisher = TelemetryPublisher.Create(Http(url, BackpressureMode.DropOldest, retryLimit: 1) with { ShutdownTimeout = TimeSpan.FromSeconds(60) });
        for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
        await Runtime.PublisherTestKit.Eventually(() => publisher.TransportStatus.WorkerError?.Contains("sends paused") == true, "the circuit to open");

        // The circuit is open after the first batch's tries: the rest are counted as dropped at once, not sent one by one.
        await publisher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        TransportStatus status = publisher.TransportStatus;
        Assert.Equal((100L, 0L, 100L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages, status.QueueLength));
    }
}
