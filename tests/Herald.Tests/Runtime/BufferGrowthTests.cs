using Herald.Transports;

namespace Herald.Tests.Runtime;

/// <summary>The buffer starts at 1 MiB and grows up to max_buffer_bytes only when a burst needs it.</summary>
public sealed class BufferGrowthTests
{
    private sealed class GatedTransport : ITransport
    {
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Provider => "gated";
        public bool AuthEnabled => false;
        public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
        {
            await Open.Task.WaitAsync(cancellationToken);
            return SendResult.Success;
        }
        public ValueTask DisposeAsync() => default;
    }

    [Fact]
    public async Task A_burst_beyond_the_initial_megabyte_is_held_not_dropped_up_to_the_maximum()
    {
        var transport = new GatedTransport();
        TelemetryOptions options = PublisherTestKit.Options(maxBufferBytes: 4 << 20);
        await using var publisher = TelemetryPublisher.Create(options, transport);
        const int Events = 10_000; // ~2.5 MB of envelopes: more than the 1 MiB allocated up front, less than 4 MiB
        for (int i = 0; i < Events; i++) publisher.Emit(PublisherTestKit.Tick(i));
        TransportStatus held = publisher.TransportStatus;
        Assert.Equal(0, held.DroppedMessages);
        Assert.Equal(Events, held.QueueLength + held.PayloadsFlushedTotal);

        // Now past 4 MiB of chunks plus the 4,096 events the emit queue holds in front of them: drop_oldest applies.
        for (int i = 0; i < 2 * Events; i++) publisher.Emit(PublisherTestKit.Tick(i));
        Assert.True(publisher.TransportStatus.DroppedMessages > 0);

        transport.Open.SetResult();
        await publisher.FlushAsync();
        PublisherTestKit.AssertSettled(publisher.TransportStatus, 3 * Events);
    }

    [Fact]
    public async Task Creating_a_publisher_allocates_the_initial_megabyte_not_the_maximum()
    {
        TelemetryOptions options = PublisherTestKit.Options(maxBufferBytes: 64 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var publisher = TelemetryPublisher.Create(options, new GatedTransport());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await publisher.DisposeAsync();
        Assert.InRange(allocated, 1 << 20, 2 << 20);
    }
}
