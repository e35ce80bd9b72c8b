using System.Reflection;
using Herald.Events;
using Herald.Publishing;
using Herald.Tests.Runtime;

namespace Herald.Tests.Pipeline;

/// <summary>
/// In <c>block</c> mode an <c>Emit</c> that finds no room waits for it up to <c>block_timeout_seconds</c> (docs/runtime.md,
/// "Backpressure"), whichever of its shard's events it is. The envelope id counter of a shard has 21 bits and wraps, so
/// it cannot tell one <c>Emit</c> from another 2,097,152 events later, and its value 0 comes round on the first shard.
/// </summary>
public sealed class BlockDeadlineTests
{
    private const uint IdCounterMask = (1u << 21) - 1;

    [Fact]
    public async Task The_Emit_at_which_the_shards_id_counter_wraps_still_waits_for_room()
    {
        var sendable = new TaskCompletionSource();
        var transport = new RecordingTransport { StallUntil = sendable.Task };
        // 8 KiB buffer: three 4 KiB chunks (~16 ticks each), a 256-entry emit queue, a 3,964-byte longest queued line.
        TelemetryOptions options = PublisherTestKit.Options(BackpressureMode.Block, maxBufferBytes: 8 * 1024, pollSeconds: 0.02, blockTimeout: 10);
        var publisher = TelemetryPublisher.Create(options, transport);
        const int Ticks = 140;
        Exception? failure = null;
        try
        {
            Thread producer = ThreadOnFirstShard(() =>
            {
                try
                {
                    publisher.Emit(PublisherTestKit.Tick(0)); // creates the thread's shard: the first
                    ProducerShard shard = FirstShard(publisher);
                    // As if 2^21 − 141 events without a wait had gone before: the large event below takes id counter 0.
                    typeof(ProducerShard).GetField("_idSequence", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(shard, (uint)(IdCounterMask - Ticks));
                    for (int i = 1; i <= Ticks; i++) publisher.Emit(PublisherTestKit.Tick(i)); // fits in the emit queue: no wait
                    Assert.Equal(IdCounterMask, shard.IdSequence & IdCounterMask);
                    // Longer than a queued line: written straight into the buffer after the 140 queued ticks, which need more
                    // than the three chunks while the transport does not answer: this Emit waits for room.
                    publisher.Emit(new AppEvent { Source = "wrap", Message = new string('w', 6_000) });
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            });
            producer.Start();
            await Task.Delay(300);
            sendable.SetResult(); // the transport answers well within block_timeout_seconds
            Assert.True(producer.Join(TimeSpan.FromSeconds(10)), "the producer did not finish");
            Assert.Null(failure);
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)), "the flush did not finish");
        }
        finally
        {
            await publisher.DisposeAsync();
        }
        TransportStatus final = publisher.TransportStatus;
        PublisherTestKit.AssertSettled(final, Ticks + 2);
        Assert.True(final.DroppedMessages == 0, $"{final.DroppedMessages} of {final.EventsEmitted} dropped: the Emit that wrapped the id counter did not wait for room");
        Assert.Equal(Ticks + 2, transport.Lines.Count);
    }

    /// <summary>
    /// Two producers on two shards against a transport that never answers: each <c>Emit</c> that finds its queue full
    /// waits for room, and the one that holds the buffer's writer lock meanwhile keeps the other from writing. That wait
    /// counts too: no <c>Emit</c> of either producer may take much longer than <c>block_timeout_seconds</c>.
    /// </summary>
    [Fact]
    public async Task With_two_producers_no_Emit_waits_much_longer_than_the_block_timeout()
    {
        if (Environment.ProcessorCount < 2) return; // one shard: the two threads would share its gate, which this does not test
        const double Timeout = 0.5;
        var never = new TaskCompletionSource();
        TelemetryOptions options = PublisherTestKit.Options(BackpressureMode.Block, maxBufferBytes: 8 * 1024, pollSeconds: 0.02,
            blockTimeout: Timeout, shutdownTimeout: TimeSpan.FromSeconds(1));
        var publisher = TelemetryPublisher.Create(options, new RecordingTransport { StallUntil = never.Task });
        var longest = new double[2];
        var emitted = new long[2];
        var run = System.Diagnostics.Stopwatch.StartNew();
        Thread Producer(int p) => ThreadOnShard(p, () =>
        {
            while (run.Elapsed < TimeSpan.FromSeconds(2.5))
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                publisher.Emit(PublisherTestKit.Tick(emitted[p]++));
                longest[p] = Math.Max(longest[p], System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        });
        Thread[] producers = [Producer(0), Producer(1)];
        foreach (Thread producer in producers) producer.Start();
        foreach (Thread producer in producers) Assert.True(producer.Join(TimeSpan.FromSeconds(20)), "a producer did not finish");
        await publisher.DisposeAsync();

        Assert.True(longest.Max() < 2 * Timeout, $"the longest Emit took {longest[0]:F2} s and {longest[1]:F2} s on the two shards, " +
            $"block_timeout_seconds {Timeout}");
        PublisherTestKit.AssertSettled(publisher.TransportStatus, emitted.Sum());
    }

    /// <summary>A thread whose managed id picks the first shard whatever the core count (at most eight shards, a mask).</summary>
    private static Thread ThreadOnFirstShard(ThreadStart body) => ThreadOnShard(0, body);

    /// <summary>A thread whose managed id picks shard <paramref name="shard"/> when there are more than that many.</summary>
    private static Thread ThreadOnShard(int shard, ThreadStart body)
    {
        while (true)
        {
            var thread = new Thread(body) { IsBackground = true, Name = $"shard-{shard} producer" };
            if (thread.ManagedThreadId % EmitPipeline.MaxShards == shard) return thread;
        }
    }

    private static ProducerShard FirstShard(TelemetryPublisher publisher)
    {
        var pipeline = (EmitPipeline)typeof(TelemetryPublisher).GetField("_pipeline", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(publisher)!;
        var shards = (ProducerShard?[])typeof(EmitPipeline).GetField("_shards", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(pipeline)!;
        Assert.Same(shards[Environment.CurrentManagedThreadId & (shards.Length - 1)], shards[0]);
        return shards[0]!;
    }
}
