using System.Collections.Generic;

namespace Herald.Publishing;

/// <summary>
/// One transport's position in the shared <see cref="EventBuffer"/>: the sealed chunks it has not taken yet and its
/// own delivery counters. Guarded by the buffer's queue lock, except the hints read with <c>Volatile</c>.
/// </summary>
internal sealed class BufferLane
{
    public readonly Queue<Chunk> Sealed = new();

    /// <summary><see cref="Sealed"/>.Count, readable without the lock (the worker's spin hint).</summary>
    public int SealedCount;

    public long Flushed;
    public long FlushedBytes;

    /// <summary>Events this lane dropped: failed sends, evictions, its worker's death. Producer-side drops are counted once, in the buffer.</summary>
    public long Dropped;

    public long Peak;

    /// <summary>Its worker stopped for good: nothing more is queued for it; what is sealed from now on counts as dropped.</summary>
    public bool Retired;

    public void SyncCount() => System.Threading.Volatile.Write(ref SealedCount, Sealed.Count);
}

/// <summary>One lane's counters at an instant; <see cref="Dropped"/> includes the events dropped before any lane saw them.</summary>
internal readonly record struct LaneCounts(long Flushed, long FlushedBytes, long Dropped, long Peak);
