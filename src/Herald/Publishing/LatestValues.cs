using System;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// The last event of each type, for <c>Latest&lt;TEvent&gt;()</c>.
/// One slot per event type, found by a static index (no dictionary lookup, no boxing of struct events);
/// writes happen under the producer lock, reads from any thread through a sequence lock, so a struct
/// event is never read half-written.
/// </summary>
internal sealed class LatestValues
{
    private object?[] _slots = new object?[16];

    public void Store<TEvent>(in TEvent evt)
    {
        int index = EventTypeIndex<TEvent>.Value;
        object?[] slots = _slots;
        if (index >= slots.Length || slots[index] is not Slot<TEvent> slot) slot = CreateSlot<TEvent>(index);
        slot.Write(in evt);
    }

    public bool TryGet<TEvent>(out TEvent evt)
    {
        object?[] slots = Volatile.Read(ref _slots);
        int index = EventTypeIndex<TEvent>.Value;
        if (index < slots.Length && slots[index] is Slot<TEvent> slot) return slot.TryRead(out evt);
        evt = default!;
        return false;
    }

    // Called under the producer lock, once per event type.
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

        public void Write(in TEvent evt)
        {
            Interlocked.Increment(ref _version);
            _value = evt;
            _has = true;
            Volatile.Write(ref _version, _version + 1);
        }

        public bool TryRead(out TEvent evt)
        {
            var spinner = new SpinWait();
            while (true)
            {
                int before = Volatile.Read(ref _version);
                if ((before & 1) == 0)
                {
                    TEvent value = _value;
                    bool has = _has;
                    Interlocked.MemoryBarrier();
                    if (Volatile.Read(ref _version) == before)
                    {
                        evt = value;
                        return has;
                    }
                }
                spinner.SpinOnce();
            }
        }
    }
}
