using System;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// The last event of each type, for <c>Latest&lt;TEvent&gt;()</c>.
/// One slot per event type, found by a static index (no dictionary lookup, no boxing of struct events);
/// each producer shard has its own (written under its gate, so producers on different shards share no cache line),
/// reads from any thread through a sequence lock, so a struct event is never read half-written. Each value carries
/// the clock reading of its <c>Emit</c>, so a reader picks the newest across shards.
/// </summary>
internal sealed class LatestValues
{
    private object?[] _slots = new object?[16];

    public void Store<TEvent>(in TEvent evt, long stamp)
    {
        int index = EventTypeIndex<TEvent>.Value;
        object?[] slots = _slots;
        if (index >= slots.Length || slots[index] is not Slot<TEvent> slot) slot = CreateSlot<TEvent>(index);
        slot.Write(in evt, stamp);
    }

    public bool TryGet<TEvent>(out TEvent evt, out long stamp)
    {
        object?[] slots = Volatile.Read(ref _slots);
        int index = EventTypeIndex<TEvent>.Value;
        if (index < slots.Length && slots[index] is Slot<TEvent> slot) return slot.TryRead(out evt, out stamp);
        evt = default!;
        stamp = 0;
        return false;
    }

    // Called under the shard's gate, once per event type.
    private Slot<TEvent> CreateSlot<TEvent>(int index)
    {
        object?[] slots = _slots;
        if (index >= slots.Length)
        {
            Array.Resize(ref slots, Math.Max(index + 1, slots.Length * 2));
        }
        var slot = new Slot<TEvent>();
        slots[index] = slot;
        Volatile.Write(ref _slots, slots);
        return slot;
    }

    private sealed class Slot<TEvent>
    {
        private int _version; // odd while a write is in progress
        private bool _has;
        private TEvent _value = default!;
        private long _stamp;

        public void Write(in TEvent evt, long stamp)
        {
            Interlocked.Increment(ref _version);
            _value = evt;
            _stamp = stamp;
            _has = true;
            Volatile.Write(ref _version, _version + 1);
        }

        public bool TryRead(out TEvent evt, out long stamp)
        {
            var spinner = new SpinWait();
            while (true)
            {
                int before = Volatile.Read(ref _version);
                if ((before & 1) == 0)
                {
                    TEvent value = _value;
                    long at = _stamp;
                    bool has = _has;
                    Interlocked.MemoryBarrier();
                    if (Volatile.Read(ref _version) == before)
                    {
                        evt = value;
                        stamp = at;
                        return has;
                    }
                }
                spinner.SpinOnce();
            }
        }
    }
}
