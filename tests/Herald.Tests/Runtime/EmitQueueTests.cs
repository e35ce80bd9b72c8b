using System.Text.Json;
using Herald.Events;
using Herald.Tests.Schemas;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>
/// The emit queue between <c>Emit</c> and the buffer: x-struct events without references are copied and written by the
/// worker later, every other event is queued already serialized. What the transports receive must not show the
/// difference: emit order across both kinds, the clock and correlation id of the emit, nothing lost at shutdown.
/// </summary>
public sealed class EmitQueueTests
{
    [Fact]
    public async Task Copied_and_serialized_events_arrive_in_emit_order_with_their_contents_intact()
    {
        var transport = new RecordingTransport();
        var random = new Random(7);
        var expected = new List<string>();
        // A 64 KiB buffer gives the smallest queue (256 entries) and an 8 KiB line ring: it fills, wraps and makes the producer write
        // entries itself many times over in 6,000 events. Block mode, so every event must arrive.
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, maxBufferBytes: 64 * 1024, maxBatch: 50, blockTimeout: 30), transport))
        {
            for (int i = 0; i < 6_000; i++)
            {
                switch (i % 3)
                {
                    case 0: // x-struct without references: queued as a copy
                        publisher.Emit(Tick(i));
                        expected.Add("loop.tick " + i);
                        break;
                    case 1: // x-struct holding a string: serialized on emit
                        publisher.Emit(new TestHot { Tick = i, Agent = "agent-" + i, Mood = Mood.Calm });
                        expected.Add("test.hot " + i);
                        break;
                    default: // a class event of random length (up to ~1.5 KB), so lines wrap the ring at every offset
                        string message = i + ":" + new string('x', random.Next(0, 1500));
                        publisher.Emit(new AppEvent { Source = "queue-test", Message = message });
                        expected.Add("app.event " + message);
                        break;
                }
            }
            await publisher.FlushAsync();
            AssertSettled(publisher.TransportStatus, 6_000);
            Assert.Equal(0, publisher.TransportStatus.DroppedMessages);
        }
        Assert.Equal(expected, transport.Lines.Select(Describe));
    }

    [Fact]
    public async Task Two_workers_and_a_producer_writing_one_queue_deliver_every_event_once_in_order()
    {
        // Two transports: two workers take turns encoding the queue, and the producer writes entries itself when both
        // stall — three writers that must each count what is queued under the writer lock, not before taking it.
        var first = new RecordingTransport { Provider = "first" };
        var second = new RecordingTransport { Provider = "second" };
        const int Events = 200_000;
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, maxBufferBytes: 256 * 1024, maxBatch: 64, blockTimeout: 30), [first, second]))
        {
            for (int i = 0; i < Events; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            TransportStatus status = publisher.TransportStatus;
            Assert.All(status.Transports, lane => Assert.Equal((Events, 0L), (lane.PayloadsFlushedTotal, lane.DroppedMessages)));
        }
        foreach (RecordingTransport transport in new[] { first, second })
        {
            long expected = 0;
            foreach (string line in transport.Lines)
            {
                int at = line.IndexOf("\"tick\":", StringComparison.Ordinal) + 7;
                Assert.Equal(expected++, long.Parse(line.AsSpan(at, line.IndexOf(',', at) - at)));
            }
            Assert.Equal(Events, expected);
        }
    }

    [Fact]
    public async Task A_queued_copy_carries_the_clock_and_correlation_id_of_its_emit_not_of_its_writing()
    {
        var transport = new RecordingTransport();
        // No tick flushes, a 5 s poll and a batch larger than what is emitted: nothing wakes the worker before FlushAsync.
        await using var publisher = TelemetryPublisher.Create(Options(pollSeconds: 5, maxBatch: 10_000, flushIntervalTicks: 0), transport);
        long emittedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (Correlation.Begin("req-queued")) publisher.Emit(Tick(1));
        publisher.Emit(Tick(2));
        await Task.Delay(300);
        Assert.Empty(transport.Lines); // still queued: the envelope is written below, after the scope has ended

        await publisher.FlushAsync();
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(2, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        using JsonDocument second = JsonDocument.Parse(lines[1]);
        Assert.Equal("req-queued", first.RootElement.GetProperty("meta").GetProperty("correlation_id").GetString());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("meta").GetProperty("correlation_id").ValueKind);
        // The coarse clock may trail by a few ms; written at flush time it would be ≥ 300 ms later.
        double timestamp = first.RootElement.GetProperty("timestamp").GetDouble();
        Assert.InRange(timestamp, (emittedAt - 50) / 1000.0, (emittedAt + 100) / 1000.0);
        Assert.NotEqual(first.RootElement.GetProperty("id").GetString(), second.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_line_too_long_for_the_queue_goes_straight_to_the_buffer_after_everything_queued_before_it()
    {
        var transport = new RecordingTransport();
        string huge = new('z', 6_000); // the 16 KiB buffer's line ring is 8 KiB: it takes lines up to ~4 KiB
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, maxBufferBytes: 16 * 1024, maxBatch: 10_000, pollSeconds: 5, flushIntervalTicks: 0, blockTimeout: 30), transport))
        {
            for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
            publisher.Emit(new AppEvent { Source = "queue-test", Message = huge });
            for (int i = 10; i < 20; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            AssertSettled(publisher.TransportStatus, 21);
        }
        string[] expected = Enumerable.Range(0, 10).Select(i => "loop.tick " + i)
            .Append("app.event " + huge)
            .Concat(Enumerable.Range(10, 10).Select(i => "loop.tick " + i)).ToArray();
        Assert.Equal(expected, transport.Lines.Select(Describe));
    }

    [Fact]
    public async Task Shutdown_writes_and_sends_what_is_still_queued()
    {
        var transport = new RecordingTransport();
        var publisher = TelemetryPublisher.Create(Options(pollSeconds: 5, maxBatch: 10_000, flushIntervalTicks: 0), transport);
        for (int i = 0; i < 200; i++) publisher.Emit(Tick(i));
        publisher.Emit(new AppEvent { Source = "queue-test", Message = "last" });
        Assert.Empty(transport.Lines);
        await publisher.DisposeAsync();
        AssertSettled(publisher.TransportStatus, 201);
        Assert.Equal(0, publisher.TransportStatus.DroppedMessages);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "loop.tick " + i).Append("app.event last"), transport.Lines.Select(Describe));
    }

    [Fact]
    public async Task Events_still_queued_when_the_last_worker_dies_are_counted_as_dropped()
    {
        var transport = new CrashOnRelease();
        await using var publisher = TelemetryPublisher.Create(Options(pollSeconds: 5, maxBatch: 10_000, flushIntervalTicks: 0, restartLimit: 0), transport);
        publisher.Emit(Tick(0));
        Task flushed = publisher.FlushAsync(); // the worker takes tick 0 and waits inside the send
        await transport.Sending.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 1; i < 100; i++) publisher.Emit(Tick(i)); // these stay in the emit queue
        transport.Release.SetResult(); // the send throws; no restart is left
        await flushed.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually(() => !publisher.TransportStatus.WorkerAlive, "the worker to stop");
        TransportStatus status = publisher.TransportStatus;
        AssertSettled(status, 100);
        Assert.Equal(100, status.DroppedMessages);
        Assert.Equal(0, status.PayloadsFlushedTotal);
    }

    [Fact]
    public void Producers_serialize_from_half_full_until_nearly_drained()
    {
        var buffer = new Herald.Publishing.EventBuffer(1 << 20, BackpressureMode.Block, TimeSpan.FromSeconds(1), lanes: 1,
            new Herald.Publishing.EventSizeLimit(1 << 20), new Herald.Publishing.WorkerSignals(1), accepted: () => 0);
        var queue = new Herald.Publishing.EmitQueue(buffer, capacity: 1024, lineBytes: 8192);
        var format = Herald.Publishing.EnvelopeFormat.For<LoopTick>(null, new Herald.Publishing.TransformPlan(new TransformsOptions(), null));
        int waiting = 0;
        void Add()
        {
            Assert.True(queue.TryAdd(format, Tick(waiting), 0, 0, null, null));
            waiting++;
        }
        void Take()
        {
            Assert.Equal(Herald.Publishing.WriteOutcome.Written, queue.WriteOldest(Herald.Publishing.Writer.Worker));
            queue.Publish();
            waiting--;
        }

        while (waiting < 512)
        {
            Assert.False(queue.ProducersSerialize(), $"{waiting} waiting");
            Add();
        }
        Add();
        Assert.True(queue.ProducersSerialize(), "past half of 1,024");
        while (waiting > 2 * Herald.Publishing.EmitQueue.Gap + 1) Take();
        Assert.True(queue.ProducersSerialize(), "still behind: 129 waiting"); // hysteresis: no flipping back at half
        Take();
        Assert.False(queue.ProducersSerialize(), "nearly drained: 128 waiting");
        while (waiting < 512) Add();
        Assert.False(queue.ProducersSerialize(), "half, not past it");
    }

    /// <summary>Blocks the first send until released, then throws (a collector that dies mid-send).</summary>
    private sealed class CrashOnRelease : Herald.Transports.ITransport
    {
        public TaskCompletionSource Sending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Provider => "crash-on-release";
        public bool AuthEnabled => false;

        public async ValueTask<Herald.Transports.SendResult> SendAsync(Herald.Transports.TransportBatch batch, CancellationToken cancellationToken)
        {
            Sending.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            throw new InvalidOperationException("collector crashed");
        }

        public ValueTask DisposeAsync() => default;
    }

    /// <summary>"type n" for a tick or hot event, "type message" for an app event.</summary>
    private static string Describe(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        string type = document.RootElement.GetProperty("type").GetString()!;
        JsonElement payload = document.RootElement.GetProperty("payload");
        return type + " " + (type == "app.event" ? payload.GetProperty("message").GetString() : payload.GetProperty("tick").GetInt64().ToString());
    }
}
