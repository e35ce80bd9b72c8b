using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// One producer thread's way into the pipeline: its own <see cref="EmitQueue"/> and gate, its counters, its clock stamp
/// and scratch line. A thread always uses the same shard (by thread id), so its events stay in emit order; threads on
/// different shards share no gate and no cache line per <c>Emit</c>. Two threads that map to one shard share its gate.
/// </summary>
internal sealed class ProducerShard
{
    public ProducerShard(EventBuffer buffer, int capacity, int lineBytes, EventSizeLimit limit, int index, Action<string>? rejectTooLarge = null)
    {
        Queue = new EmitQueue(buffer, capacity, lineBytes, rejectTooLarge);
        Scratch = new LineScratch(limit);
        // The counter starts at a random point, so two processes running the same events in the same millisecond (two
        // copies of one seeded simulation) do not give the same ids.
        _idSequence = ((uint)index << IdSequenceBits) | (uint)Random.Shared.Next(1 << IdSequenceBits);
    }

    /// <summary>Held for one <c>Emit</c>: the queue's producer side, the counters below, the stamp and the scratch line. A field: entered in place.</summary>
    public SpinGate Gate;

    public EmitQueue Queue { get; }

    /// <summary>For envelopes this shard's producers write themselves.</summary>
    public EnvelopeStamp Stamp { get; } = new();

    public LineScratch Scratch { get; }

    /// <summary>The last event of each type emitted through this shard.</summary>
    public LatestValues Latest { get; } = new();

    // Written under the gate, read by status snapshots with Volatile; on their own cache line.
    private ShardCounts _counts;

    /// <summary>Events emitted through this shard (every <c>Emit</c>, dropped at once or not).</summary>
    public long Emitted => Volatile.Read(ref _counts.Emitted);

    /// <summary>Events counted as dropped before they were queued (stub, shutdown, rejected, too large).</summary>
    public long DroppedAtEmit => Volatile.Read(ref _counts.DroppedAtEmit);

    /// <summary>Counts an event taken into the queue (or written straight into the buffer).</summary>
    public void CountEmitted() => Volatile.Write(ref _counts.Emitted, _counts.Emitted + 1);

    /// <summary>
    /// Counts an event that was never queued as emitted and dropped. Emitted first: a snapshot reads the drops first, so
    /// it never sees a drop it cannot also see emitted.
    /// </summary>
    public void CountDropped()
    {
        Volatile.Write(ref _counts.Emitted, _counts.Emitted + 1);
        Volatile.Write(ref _counts.DroppedAtEmit, _counts.DroppedAtEmit + 1);
    }

    /// <summary>Counts an event already counted as emitted that is dropped before it was queued (<c>block</c>: no room within the timeout).</summary>
    public void CountDroppedAfterEmitted() => Volatile.Write(ref _counts.DroppedAtEmit, _counts.DroppedAtEmit + 1);

    /// <summary>Events since the workers were last woken for a batch's worth.</summary>
    public int SinceWake;

    /// <summary>
    /// Emits that took an id through this shard, the one in progress included: tells one <c>Emit</c> from another for
    /// <see cref="WaitedInEmit"/>. 64 bits, so it never comes round again (the id counter does, after 2^21).
    /// </summary>
    public long EmitNumber;

    /// <summary>The <see cref="EmitNumber"/> of the last <c>Emit</c> that waited for a free chunk (<c>block</c>); 0: none yet.</summary>
    public long WaitedInEmit;

    /// <summary>When that <c>Emit</c>'s wait for room ends (<see cref="Environment.TickCount64"/>).</summary>
    public long BlockDeadline;

    private uint _idSequence;

    /// <summary>Bits of the id counter per shard; the shard index fills the bits above, so shards never share an id suffix.</summary>
    private const int IdSequenceBits = 21;

    /// <summary>The id counter with the shard index above it, as last used.</summary>
    public uint IdSequence => _idSequence;

    /// <summary>
    /// Six hex digits that do not repeat within 2^21 consecutive events of one shard, nor across shards: the shard
    /// index and a counter (from a random start) put through a bijection of 24-bit values (odd multiplications mod 2^24
    /// and xor-shifts are each invertible), so they look random.
    /// </summary>
    public uint NextIdSuffix()
    {
        const uint Mask = 0xFFFFFF, CounterMask = (1u << IdSequenceBits) - 1;
        _idSequence = (_idSequence & ~CounterMask) | ((_idSequence + 1) & CounterMask);
        uint x = _idSequence & Mask;
        x = (x * 0x9E3779B1u) & Mask;
        x ^= x >> 12;
        x = (x * 0x85EBCA6Bu) & Mask;
        x ^= x >> 12;
        return x;
    }
}

[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct ShardCounts
{
    [FieldOffset(64)] public long Emitted;
    [FieldOffset(72)] public long DroppedAtEmit;
}
