using System.Runtime.InteropServices;

namespace Herald.Publishing;

/// <summary>
/// A producer position and a consumer position on separate cache lines: each side writes only its own, and a
/// shared line would bounce between the two cores on every event.
/// </summary>
/// <remarks>
/// Each side also keeps the last value it read of the other's position (on its own line): the producer re-reads
/// <see cref="Tail"/> only when the queue looks full, the encoder re-reads <see cref="Head"/> only when it looks
/// empty. And the encoder publishes what it has taken (<see cref="Taken"/>) as <see cref="Tail"/> once per step,
/// not per entry. So neither side pulls the other's line over per event, even when the queue stays full.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct QueuePositions
{
    /// <summary>Written by producers (under the producer lock).</summary>
    [FieldOffset(64)] public long Head;

    /// <summary>The producers' last reading of <see cref="Tail"/>.</summary>
    [FieldOffset(72)] public long TailSeen;

    /// <summary>What the encoder has taken, as producers see it: room up to here is free again.</summary>
    [FieldOffset(128)] public long Tail;

    /// <summary>The encoder's own position (under the writer lock), ahead of <see cref="Tail"/> until <see cref="Publish"/>.</summary>
    [FieldOffset(136)] public long Taken;

    /// <summary>The encoder's last reading of <see cref="Head"/>.</summary>
    [FieldOffset(144)] public long HeadSeen;

    /// <summary>Encoder side: frees what was taken for producers.</summary>
    public void Publish()
    {
        if (Tail != Taken) System.Threading.Volatile.Write(ref Tail, Taken);
    }

    /// <summary>Producer side: whether <paramref name="needed"/> more units fit in <paramref name="capacity"/>.</summary>
    public bool HasRoom(long needed, long capacity)
    {
        if (Head + needed - TailSeen <= capacity) return true;
        TailSeen = System.Threading.Volatile.Read(ref Tail);
        return Head + needed - TailSeen <= capacity;
    }

    /// <summary>Encoder side: whether anything is queued.</summary>
    public bool HasEntries()
    {
        if (HeadSeen > Taken) return true;
        HeadSeen = System.Threading.Volatile.Read(ref Head);
        return HeadSeen > Taken;
    }
}
