using Herald.Events;
using Herald.Tests.Schemas;
using Herald.Transports;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>Emit of an x-struct event allocates nothing on the caller's thread, with the worker live — with an activity current too.</summary>
public sealed class EmitAllocationTests
{
    private sealed class NullTransport : ITransport
    {
        public string Provider => "null";
        public bool AuthEnabled => false;
        public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken) => new(SendResult.Success);
        public ValueTask DisposeAsync() => default;
    }

    [Fact]
    public async Task Emitting_a_struct_event_allocates_nothing()
    {
        await using var publisher = TelemetryPublisher.Create(Options(pollSeconds: 0.01), new NullTransport());
        var tick = Tick(1);
        for (int i = 0; i < 50_000; i++) publisher.Emit(tick); // first use of the type, envelope format, slots
        long calls = 0;
        long allocated = AllocationProbe.SmallestRound(() =>
        {
            publisher.Emit(tick);
            if (++calls % 1000 == 0) publisher.Tick(calls); // wakes the worker now and then, as a game loop would
        }, callsPerRound: 100_000);
        Assert.Equal(0, allocated);
        await publisher.FlushAsync();
        Assert.Equal(50_000 + calls, publisher.TransportStatus.PayloadsFlushedTotal + publisher.TransportStatus.DroppedMessages);
    }

    [Fact]
    public async Task Emitting_with_an_activity_current_allocates_nothing_whether_the_event_is_copied_or_serialized()
    {
        using var traced = new TracedActivities();
        await using var publisher = TelemetryPublisher.Create(Options(pollSeconds: 0.01), new NullTransport());
        using var activity = traced.Start();
        var tick = Tick(1);
        var hot = new TestHot { Tick = 1, Agent = "agent", Mood = Mood.Calm }; // holds a string: serialized on emit
        for (int i = 0; i < 50_000; i++)
        {
            publisher.Emit(tick);
            publisher.Emit(hot);
        }
        long calls = 0;
        long copied = AllocationProbe.SmallestRound(() =>
        {
            publisher.Emit(tick);
            if (++calls % 1000 == 0) publisher.Tick(calls);
        }, callsPerRound: 100_000);
        long serialized = AllocationProbe.SmallestRound(() =>
        {
            publisher.Emit(hot);
            if (++calls % 1000 == 0) publisher.Tick(calls);
        }, callsPerRound: 100_000);
        Assert.Same(activity, System.Diagnostics.Activity.Current);
        Assert.Equal((0L, 0L), (copied, serialized));
    }
}
