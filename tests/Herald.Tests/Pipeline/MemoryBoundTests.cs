using Herald.Events;
using Herald.Tests.Faults;
using Herald.Tests.Runtime;

namespace Herald.Tests.Pipeline;

/// <summary>Tests that measure the process's managed heap run alone: another test's live objects would count as growth.</summary>
[CollectionDefinition(nameof(MemoryMeasuringCollection), DisableParallelization = true)]
public sealed class MemoryMeasuringCollection;

/// <summary>
/// What a publisher may hold is set by its configuration, whatever is emitted and whatever the collector does:
/// <c>max_buffer_bytes</c> of envelopes, plus a small constant; an event above <c>max_event_bytes</c> (default: the
/// smaller of 1 MiB and <c>max_buffer_bytes</c>) is rejected and counted, never queued. The collector here accepts the
/// connection and never reads (<see cref="SilentCollector"/>), and a send waits 5 s for its acknowledgement, so
/// nothing leaves the buffer while the test emits. Growth is the managed heap after a full collection
/// (<see cref="GC.GetTotalMemory"/>), measured from before the publisher is created, with the test's own strings
/// already allocated — robust where the working set is not (the GC keeps freed memory committed).
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class MemoryBoundTests
{
    private const int MaxBufferBytes = 1 << 20;

    private static TelemetryOptions SilentTcp(int port) => new()
    {
        ShutdownTimeout = TimeSpan.FromSeconds(1),
        Transport = new TransportOptions
        {
            Type = "tcp",
            Endpoint = $"127.0.0.1:{port}",
            SendTimeoutSeconds = 5,
            WorkerPollSeconds = 0.02,
            Buffer = new BufferOptions { MaxBatchSize = 512, MaxBufferBytes = MaxBufferBytes },
            Worker = new WorkerOptions { Backpressure = BackpressureMode.DropOldest, SendRetryLimit = 1 },
        },
    };

    private static long LiveBytes() => GC.GetTotalMemory(forceFullCollection: true);

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):F1} MiB";

    [Fact]
    public async Task Events_above_max_event_bytes_are_rejected_and_counted_and_never_held()
    {
        await using var collector = new SilentCollector();
        string twoMegabytes = new('x', 2_000_000);
        string hundredMegabytes = new('y', 100 << 20);
        const long Slack = 64L << 20;
        long baseline = LiveBytes();

        var publisher = TelemetryPublisher.Create(SilentTcp(collector.Port));
        long afterTwoMegabyteEvents, afterHundredMegabyteEvents;
        TransportStatus alive;
        try
        {
            for (int i = 0; i < 60; i++) publisher.Emit(new AppEvent { Source = "memory-test", Message = twoMegabytes });
            afterTwoMegabyteEvents = LiveBytes() - baseline;
            for (int i = 0; i < 3; i++) publisher.Emit(new AppEvent { Source = "memory-test", Message = hundredMegabytes });
            afterHundredMegabyteEvents = LiveBytes() - baseline;
            alive = publisher.TransportStatus;
        }
        finally
        {
            await publisher.DisposeAsync();
        }
        TransportStatus final = publisher.TransportStatus;
        GC.KeepAlive(twoMegabytes);
        GC.KeepAlive(hundredMegabytes);

        Assert.True(afterTwoMegabyteEvents <= MaxBufferBytes + Slack && afterHundredMegabyteEvents <= MaxBufferBytes + Slack,
            $"the publisher held more than max_buffer_bytes ({Mib(MaxBufferBytes)}) + {Mib(Slack)}: {Mib(afterTwoMegabyteEvents)} after 60 events of 2 MB, " +
            $"{Mib(afterHundredMegabyteEvents)} after 3 of 100 MB (queue {alive.QueueLength}, dropped {alive.DroppedMessages}, rejected {alive.RejectedMessages})");
        FaultKit.AssertLedger(alive);
        Assert.Equal(63, alive.RejectedMessages);   // all above the default max_event_bytes of 1 MiB
        Assert.Equal(63, alive.DroppedMessages);    // a rejection is a drop, counted at Emit
        Assert.Equal(0, alive.QueueLength);         // never queued
        Assert.NotNull(alive.LastRejection);
        Assert.Contains(AppEvent.EventType, alive.LastRejection);
        PublisherTestKit.AssertSettled(final, 63);
    }

    [Fact]
    public async Task Drop_oldest_evicts_large_events_like_small_ones()
    {
        await using var collector = new SilentCollector();
        string twoHundredKilobytes = new('z', 200_000); // below max_event_bytes: accepted, so it must fit in the buffer
        const int Events = 400;                          // ~80 MB: 80 times the buffer
        const long Slack = 16L << 20;
        long baseline = LiveBytes();

        var publisher = TelemetryPublisher.Create(SilentTcp(collector.Port));
        long growth;
        TransportStatus alive;
        try
        {
            for (int i = 0; i < Events; i++) publisher.Emit(new AppEvent { Source = "memory-test", Message = i + " " + twoHundredKilobytes });
            growth = LiveBytes() - baseline;
            alive = publisher.TransportStatus;
        }
        finally
        {
            await publisher.DisposeAsync();
        }
        TransportStatus final = publisher.TransportStatus;
        GC.KeepAlive(twoHundredKilobytes);

        FaultKit.AssertLedger(alive);
        // Queued: what max_buffer_bytes holds, plus the event in flight and the one being written.
        long mostQueued = MaxBufferBytes / 200_000 + 2;
        Assert.True(alive.QueueLength <= mostQueued,
            $"{alive.QueueLength} events of 200 KB queued ({Mib(alive.QueueLength * 200_000L)}) in a {Mib(MaxBufferBytes)} buffer; at most {mostQueued} fit (dropped {alive.DroppedMessages})");
        Assert.True(alive.DroppedMessages >= Events - mostQueued, $"only {alive.DroppedMessages} of {Events} evicted while the collector reads nothing");
        Assert.True(growth <= MaxBufferBytes + Slack, $"the publisher held {Mib(growth)} with a {Mib(MaxBufferBytes)} buffer (+ {Mib(Slack)} allowed)");
        PublisherTestKit.AssertSettled(final, Events);
        Assert.Equal(0, final.PayloadsFlushedTotal);
    }
}
