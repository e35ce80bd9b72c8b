using System.Buffers;

namespace Herald.Tests;

/// <summary>Allocation counts are deterministic, so "0 bytes per Write" is asserted, for every event type.</summary>
public sealed class AllocationTests
{
    private sealed class ZeroAllocationWrite : EventTypes.ICheck
    {
        public List<string> Failures { get; } = new();

        public void Run<TEvent>() where TEvent : IEvent<TEvent>
        {
            // A populated value (no nulls left out by chance), written 10,000 times into one reused buffer.
            TEvent value = new RandomValues(42, populated: true).Create<TEvent>();
            var buffer = new ArrayBufferWriter<byte>(1 << 16);
            for (int i = 0; i < 1_000; i++) Write(buffer, value); // warm up: static initializers, tiering

            long allocated = AllocationProbe.SmallestRound(() => Write(buffer, value));
            if (allocated != 0) Failures.Add($"{TEvent.EventType}: {allocated} bytes over 10,000 writes");
            if (buffer.WrittenCount < 2) Failures.Add($"{TEvent.EventType}: nothing written");
        }

        private static void Write<TEvent>(ArrayBufferWriter<byte> buffer, TEvent value) where TEvent : IEvent<TEvent>
        {
            buffer.ResetWrittenCount();
            TEvent.Write(buffer, in value);
        }
    }

    [Fact]
    public void Write_allocates_nothing_for_every_event_type()
    {
        var check = new ZeroAllocationWrite();
        EventTypes.ForEach(check);
        Assert.Empty(check.Failures);
    }

    [Fact]
    public void The_populated_kitchen_sink_exercises_maps_arrays_and_nested_objects()
    {
        var sink = new RandomValues(42, populated: true).Create<Schemas.TestKitchenSink>();
        Assert.NotEmpty(sink.Scores);
        Assert.NotEmpty(sink.Places!);
        Assert.NotEmpty(sink.Agents);
        Assert.NotNull(sink.Note);
    }
}
