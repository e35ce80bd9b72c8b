using System.Diagnostics;
using Herald.Serialization;

namespace Herald.Publishing;

/// <summary>
/// The queued events of one <c>x-struct</c> event type whose value holds no references: copied on
/// <c>Emit</c> with their clock, id, correlation id and activity, written as envelopes later by the encoder. Entries are
/// added and taken in the order the <see cref="EmitQueue"/> records, so this needs no bounds of its own: it has as
/// many slots as that queue.
/// </summary>
internal abstract class QueuedEvents
{
    /// <summary>Writes the oldest event's envelope into <paramref name="buffer"/>, without taking it off the queue.</summary>
    public abstract void WriteOldest(EventBuffer buffer, EnvelopeStamp stamp);

    /// <summary>Takes the oldest event off the queue.</summary>
    public abstract void RemoveOldest();

    /// <summary>The event type, for a rejection's reason.</summary>
    public abstract string EventType { get; }
}

/// <inheritdoc />
internal sealed class QueuedEvents<TEvent>(EnvelopeFormat format, int capacity) : QueuedEvents where TEvent : IEvent<TEvent>
{
    private struct Slot
    {
        public TEvent Event;
        public long UnixMs;
        public string? Correlation;
        // The activity itself, one reference (ids held by value would take 24 bytes): its ids are fixed once it has
        // started, so they are the ones it had at Emit even if it has stopped since. Its flags are not (a sampler or the
        // application may set them later): the byte is copied, in the slot's padding.
        public Activity? Trace;
        public uint IdSuffix;
        public ActivityTraceFlags TraceFlags;
    }

    private readonly Slot[] _slots = new Slot[capacity];
    private readonly int _mask = capacity - 1;
    private QueuePositions _positions;

    /// <summary>Producer side; made visible to the encoder by the <see cref="EmitQueue"/>'s own publication.</summary>
    public void Add(in TEvent evt, long unixMs, uint idSuffix, string? correlation, Activity? trace)
    {
        ref Slot slot = ref _slots[_positions.Head & _mask];
        slot.Event = evt;
        slot.UnixMs = unixMs;
        slot.IdSuffix = idSuffix;
        slot.Correlation = correlation;
        slot.Trace = trace;
        if (trace is not null) slot.TraceFlags = trace.ActivityTraceFlags;
        _positions.Head++;
    }

    public override void WriteOldest(EventBuffer buffer, EnvelopeStamp stamp)
    {
        ref Slot slot = ref _slots[_positions.Tail & _mask];
        stamp.Update(slot.UnixMs);
        var json = new JsonOutput(buffer);
        format.Write(ref json, in slot.Event, stamp, slot.IdSuffix, slot.Correlation, slot.Trace, slot.TraceFlags);
        json.Complete();
    }

    public override string EventType => TEvent.EventType;

    public override void RemoveOldest()
    {
        ref Slot slot = ref _slots[_positions.Tail & _mask];
        // Let go of the correlation id and the activity; a slot without them is not written to, so the producer's cache
        // line stays put.
        if (slot.Correlation is not null) slot.Correlation = null;
        if (slot.Trace is not null) slot.Trace = null;
        _positions.Tail++;
    }
}
