using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>Exact accounting under each backpressure mode, with a deliberately slow transport.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task Drop_oldest_drops_and_counts_and_keeps_the_queue_bounded()
    {
        var transport = new RecordingTransport { Delay = TimeSpan.FromMilliseconds(20) };
        TransportStatus final;
        long maxQueue = 0;
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.DropOldest, maxBufferBytes: 16 * 1024, maxBatch: 50), transport))
        {
            for (int i = 0; i < 20_000; i++)
            {
                publisher.Emit(Tick(i));
                if (i % 1000 == 0)
                {
                    TransportStatus sample = publisher.TransportStatus;
                    Assert.Equal(sample.EventsEmitted, sample.PayloadsFlushedTotal + sample.DroppedMessages + sample.QueueLength);
                    maxQueue = Math.Max(maxQueue, sample.QueueLength);
                }
            }
            await publisher.FlushAsync();
            final = publisher.TransportStatus;
        }
        AssertSettled(final, 20_000);
        Assert.True(final.DroppedMessages > 0, "the slow transport must have forced drops");
        Assert.Equal(final.PayloadsFlushedTotal, transport.Lines.Count); // what the status says was sent was sent
        // ~100-byte envelopes: never more queued than the buffer holds, plus the emit queue in front of it (256 entries at
        // least, of which 64 stay free).
        Assert.InRange(maxQueue, 1, 16 * 1024 / 100 + 256 - 64);
        // The oldest were dropped: what arrived last is the newest.
        Assert.Contains("\"tick\":19999,", transport.Lines.Last());
    }

    [Fact]
    public async Task Block_loses_nothing_when_the_transport_keeps_up_eventually()
    {
        var transport = new RecordingTransport { Delay = TimeSpan.FromMilliseconds(2) };
        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, maxBufferBytes: 16 * 1024, maxBatch: 50, blockTimeout: 30), transport))
        {
            for (int i = 0; i < 5_000; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            final = publisher.TransportStatus;
        }
        AssertSettled(final, 5_000);
        Assert.Equal(0, final.DroppedMessages);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => $"\"tick\":{i},"), transport.Lines.Select(l => l.Substring(l.IndexOf("\"tick\":", StringComparison.Ordinal), $"\"tick\":{l.Split("\"tick\":")[1].Split(',')[0]},".Length)));
    }

    [Fact]
    public async Task Block_drops_and_counts_after_its_timeout()
    {
        var transport = new RecordingTransport { Delay = TimeSpan.FromMilliseconds(300) };
        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, maxBufferBytes: 8 * 1024, maxBatch: 10, blockTimeout: 0.02), transport))
        {
            for (int i = 0; i < 500; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            final = publisher.TransportStatus;
        }
        AssertSettled(final, 500);
        Assert.True(final.DroppedMessages > 0);
        Assert.Equal(final.PayloadsFlushedTotal, transport.Lines.Count);
    }

    [Fact]
    public async Task Block_waits_once_per_emit_even_when_an_oversized_event_first_writes_everything_queued()
    {
        // A 64 KiB buffer gives three 24 KiB chunks (~86 ticks of ~284 bytes each) within an 88 KiB budget (room for a
        // 64 KiB event beside a chunk in flight). The worker writes the first 200 ticks, sends the first chunk to a stalled
        // transport and seals the others on a poll: every chunk is in use. The next 100 ticks wait in the emit queue (under
        // half of its 256 entries, so producers neither serialize nor make room). An event too long for the queue's line
        // ring then writes everything queued first (to keep emit order): the ticks find no room. That Emit may wait
        // block_timeout_seconds in all, not once per entry (20 × 0.2 s = 4 s).
        var transport = new RecordingTransport { Delay = TimeSpan.FromMinutes(5) };
        await using var publisher = TelemetryPublisher.Create(
            Options(BackpressureMode.Block, maxBufferBytes: 64 * 1024, maxBatch: 10_000, blockTimeout: 0.2, shutdownTimeout: TimeSpan.FromSeconds(1)), transport);
        for (int i = 0; i < 200; i++) publisher.Emit(Tick(i));
        await Task.Delay(300); // a poll: the worker writes the first chunk and blocks sending it
        for (int i = 200; i < 300; i++) publisher.Emit(Tick(i));
        Assert.Equal(0, publisher.TransportStatus.DroppedMessages);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        publisher.Emit(new AppEvent { Source = "backpressure-test", Message = new string('x', 6_000) }); // > the 8 KiB ring's longest line
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"one Emit blocked for {clock.Elapsed.TotalSeconds:F1} s");
        TransportStatus status = publisher.TransportStatus;
        Assert.True(status.DroppedMessages > 0, "the queued ticks that found no room after the one wait, and the event");
        Assert.Equal(status.EventsEmitted, status.PayloadsFlushedTotal + status.DroppedMessages + status.QueueLength);
        await publisher.DisposeAsync(); // cancels the stalled send after the 1 s shutdown timeout
        AssertSettled(publisher.TransportStatus, 301);
    }

    [Fact]
    public async Task Fan_out_sends_on_the_callers_thread_when_every_chunk_is_in_use_and_loses_nothing()
    {
        // The first send stalls 300 ms, so the worker cannot keep up however slowly a loaded machine runs the producer:
        // the 8 KiB buffer fills and the producer must send the overflow itself.
        var transport = new RecordingTransport { Delay = TimeSpan.FromMilliseconds(5), StallUntil = Task.Delay(300) };
        int caller = Environment.CurrentManagedThreadId;
        TransportStatus final;
        var publisher = TelemetryPublisher.Create(Options(BackpressureMode.FanOut, maxBufferBytes: 8 * 1024, maxBatch: 20), transport);
        await Task.Run(async () =>
        {
            caller = Environment.CurrentManagedThreadId;
            for (int i = 0; i < 2_000; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
        });
        final = publisher.TransportStatus;
        await publisher.DisposeAsync();
        AssertSettled(final, 2_000);
        Assert.Equal(0, final.DroppedMessages);
        Assert.Equal(2_000, transport.Lines.Count);
        Assert.Contains(caller, transport.SenderThreads); // the overflow went out on the producer's own thread
    }

    [Fact]
    public async Task Several_producers_at_once_are_all_accounted_for()
    {
        var transport = new RecordingTransport();
        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, blockTimeout: 30), transport))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(() =>
            {
                for (int i = 0; i < 10_000; i++) publisher.Emit(Tick(p * 100_000 + i));
            })));
            await publisher.FlushAsync();
            final = publisher.TransportStatus;
        }
        AssertSettled(final, 40_000);
        Assert.Equal(40_000, transport.Lines.Count);
        Assert.Equal(40_000, transport.Lines.Distinct().Count());
        foreach (string line in transport.Lines.Take(200)) System.Text.Json.JsonDocument.Parse(line).Dispose();
    }
}
