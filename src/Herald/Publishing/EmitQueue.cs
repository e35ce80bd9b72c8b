using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// The events between <c>Emit</c> and the <see cref="EventBuffer"/>'s chunks, in emit order. An <c>x-struct</c>
/// event without references is only copied here (a few nanoseconds on the game loop); every other event arrives
/// already serialized. The encoder — a worker, or a producer that finds the queue full — writes the envelopes into
/// the buffer in that same order, so the transports see events in the order they were emitted.
/// </summary>
/// <remarks>
/// Each queue has its producers (the threads of one <see cref="ProducerShard"/>, adding under its gate) and one encoder
/// at a time (taking under the buffer's writer lock). The queue records, per
/// entry, where the entry lives (a <see cref="QueuedEvents{TEvent}"/> by event type index, or the
/// <see cref="QueuedLines"/>) and publishes it by advancing its head.
/// </remarks>
internal sealed class EmitQueue
{
    private const int Line = -1;

    /// <summary>
    /// Entries kept between the producers' write position and the encoder's read position, at both ends: the queue
    /// counts as full this much early, and between flushes a worker leaves the newest this many alone. Neither side then
    /// writes a cache line the other is reading (measured, BenchmarkDotNet, saturated null transport, medians of three:
    /// 129 ns per Emit without the gap, 70 ns with it).
    /// </summary>
    public const int Gap = 64;
    private readonly int[] _order;
    private readonly int _mask;
    private readonly EventBuffer _buffer;
    private readonly EnvelopeStamp _stamp = new(); // the encoder's own; producers stamp class events with theirs
    private readonly QueuedLines _lines;
    private QueuedEvents?[] _events = new QueuedEvents?[16]; // by event type index; grown by producers
    private QueuePositions _positions;
    private bool _serializing; // producer side: see ProducersSerialize
    private readonly Action<string>? _rejectTooLarge;

    /// <param name="buffer">Where the encoder writes.</param>
    /// <param name="capacity">Entries; a power of two.</param>
    /// <param name="lineBytes">Room for serialized lines; a power of two.</param>
    /// <param name="rejectTooLarge">Counts a rejection, given the event type, for an envelope over <c>max_event_bytes</c>.</param>
    public EmitQueue(EventBuffer buffer, int capacity, int lineBytes, Action<string>? rejectTooLarge = null)
    {
        _rejectTooLarge = rejectTooLarge;
        if (capacity < 2 * Gap) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The queue needs room beyond its gap.");
        _buffer = buffer;
        _order = new int[capacity];
        _mask = capacity - 1;
        _lines = new QueuedLines(lineBytes);
    }

    /// <summary>Whether <typeparamref name="TEvent"/> is queued as a copy: a value type holding no references (the caller's
    /// value cannot change or be disposed under the encoder, and copying it allocates nothing).</summary>
    public static bool QueuesCopies<TEvent>() => typeof(TEvent).IsValueType && !RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>();

    /// <summary>Entries waiting or taken but not yet published; a hint (reads both sides' lines: not for per-event use).</summary>
    public long Count => Volatile.Read(ref _positions.Head) - Volatile.Read(ref _positions.Tail);

    /// <summary>Encoder side: whether an entry waits.</summary>
    public bool HasEntries => _positions.HasEntries();

    /// <summary>Encoder side: entries waiting, read from the producers' line now (once per step, not per entry); exact under the writer lock.</summary>
    public long Available
    {
        get
        {
            _positions.HeadSeen = Volatile.Read(ref _positions.Head);
            return _positions.HeadSeen - _positions.Taken;
        }
    }

    /// <summary>Entries taken off the queue and published so far (written or dropped), for a producer waiting for room.</summary>
    public long Removed => Volatile.Read(ref _positions.Tail);

    /// <summary>The longest serialized line the queue takes (<see cref="TryAddLine"/>).</summary>
    public int MaxLine => _lines.MaxLine;

    // ---- Producer side (caller holds the shard's gate) ----

    /// <summary>
    /// Whether producers should serialize copyable events too, because the encoder is behind: from the moment more than
    /// half the queue waits until it is nearly drained. Then the two cores share the work — producers serialize, the
    /// encoder copies lines and sends — instead of the game's core waiting while the worker does both. Hysteresis, so a
    /// queue hovering at half does not alternate (the cheap copies would then still be the worker's to serialize).
    /// Reads the encoder's position only while serializing or when the queue looks half full, never when it is short.
    /// </summary>
    public bool ProducersSerialize()
    {
        if (!_serializing)
        {
            if (_positions.HasRoom(_order.Length / 2, _order.Length)) return false;
            _serializing = true; // written on a change of mode only: the encoder reads this object's other fields
            return true;
        }
        if (_positions.Head - (_positions.TailSeen = Volatile.Read(ref _positions.Tail)) > 2 * Gap) return true;
        _serializing = false;
        return false;
    }

    /// <summary>Whether every entry has been taken and published; exact while the caller also holds the writer lock.</summary>
    public bool IsEmpty => _positions.Head == Volatile.Read(ref _positions.Tail);

    /// <summary>Queues a copy of <paramref name="evt"/>; false when the queue is full.</summary>
    public bool TryAdd<TEvent>(EnvelopeFormat format, in TEvent evt, long unixMs, uint idSuffix, string? correlation, Activity? trace) where TEvent : IEvent<TEvent>
    {
        long head = _positions.Head;
        if (!_positions.HasRoom(1, _order.Length - Gap)) return false;
        int index = EventTypeIndex<TEvent>.Value;
        QueuedEvents?[] events = _events;
        if (index >= events.Length || events[index] is not QueuedEvents<TEvent> queued) queued = CreateQueued<TEvent>(format, index);
        queued.Add(in evt, unixMs, idSuffix, correlation, trace);
        _order[head & _mask] = index;
        Volatile.Write(ref _positions.Head, head + 1); // publishes the slot to the encoder
        return true;
    }

    /// <summary>Queues a serialized envelope line; false when the queue or the line ring is full.</summary>
    public bool TryAddLine(ReadOnlySpan<byte> line)
    {
        long head = _positions.Head;
        if (!_positions.HasRoom(1, _order.Length - Gap) || !_lines.TryAdd(line)) return false;
        _order[head & _mask] = Line;
        Volatile.Write(ref _positions.Head, head + 1);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private QueuedEvents<TEvent> CreateQueued<TEvent>(EnvelopeFormat format, int index) where TEvent : IEvent<TEvent>
    {
        QueuedEvents?[] events = _events;
        if (index >= events.Length) Array.Resize(ref events, Math.Max(index + 1, events.Length * 2));
        var queued = new QueuedEvents<TEvent>(format, _order.Length);
        events[index] = queued;
        Volatile.Write(ref _events, events); // before the entry that needs it is published
        return queued;
    }

    // ---- Encoder side (caller holds the buffer's writer lock, and calls Publish before releasing it) ----

    /// <summary>Frees the room of the entries taken so far for producers: once per step, not per entry.</summary>
    public void Publish()
    {
        _lines.Publish();
        _positions.Publish();
    }

    /// <summary>
    /// Writes the oldest entry's envelope into the buffer and takes it off the queue — unless the buffer had no room
    /// for a worker (<see cref="WriteOutcome.NoRoom"/>), when it stays. The queue must not be empty.
    /// </summary>
    /// <param name="writer">Who is writing: for a producer the buffer's backpressure applies.</param>
    public WriteOutcome WriteOldest(Writer writer)
    {
        long tail = _positions.Taken;
        int entry = _order[tail & _mask];
        QueuedEvents? queued = entry == Line ? null : Volatile.Read(ref _events)[entry];
        _buffer.BeginEvent(writer);
        try
        {
            if (queued is null) WriteLine(_lines.Oldest);
            else queued.WriteOldest(_buffer, _stamp);
        }
        catch (Exception)
        {
            // A value the writer refuses (an undefined enum member): counted as dropped, never thrown.
            _buffer.AbortEvent();
            _buffer.CountDroppedByWriter(1);
            Remove(queued, tail);
            return WriteOutcome.Dropped;
        }
        WriteOutcome outcome = _buffer.EndEvent();
        if (outcome == WriteOutcome.TooLarge)
        {
            // Lines were measured when queued; a copy is measured only now (its correlation id, trace context or source may make it long).
            _buffer.CountDroppedByWriter(1);
            _rejectTooLarge?.Invoke(queued?.EventType ?? "event");
            outcome = WriteOutcome.Dropped;
        }
        if (outcome != WriteOutcome.NoRoom) Remove(queued, tail);
        return outcome;
    }

    /// <summary>Takes every entry off the queue unwritten (shutdown, stub fallback); returns how many.</summary>
    public int Clear()
    {
        int cleared = 0;
        while (HasEntries)
        {
            long tail = _positions.Taken;
            int entry = _order[tail & _mask];
            Remove(entry == Line ? null : Volatile.Read(ref _events)[entry], tail);
            cleared++;
        }
        Publish();
        return cleared;
    }

    private void WriteLine(ReadOnlySpan<byte> line)
    {
        line.CopyTo(_buffer.GetSpan(line.Length));
        _buffer.Advance(line.Length);
    }

    private void Remove(QueuedEvents? queued, long tail)
    {
        if (queued is null) _lines.RemoveOldest();
        else queued.RemoveOldest();
        _positions.Taken = tail + 1;
    }
}
