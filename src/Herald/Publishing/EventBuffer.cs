using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// A bounded multi-producer, single-consumer queue of serialized envelopes, stored in fixed-size chunks.
/// </summary>
/// <remarks>
/// <para>Whoever writes envelopes (the <see cref="EmitQueue"/>'s encoder: a worker, or a producer when that queue is full)
/// holds <see cref="WriterLock"/> for one event: <see cref="BeginEvent"/>, serialize through this
/// <see cref="IBufferWriter{T}"/> straight into the current chunk, <see cref="EndEvent"/>. An event never
/// spans chunks: when it does not fit, its partial bytes move to the next chunk. Backpressure is decided only
/// then, when a chunk is needed and all <c>max_buffer_bytes</c> are in use: <c>drop_oldest</c> evicts the oldest
/// queued chunk; for a producer (<see cref="BeginEvent"/> with <see cref="Writer.Producer"/>) <c>block</c> waits for a worker
/// to free one and <c>fan_out</c> diverts the event to an overflow buffer that the producer sends itself. A worker
/// never waits or sends on a producer's behalf: the event stays in the emit queue (<see cref="WriteOutcome.NoRoom"/>).</para>
/// <para>Each transport reads the sealed chunks through its own <see cref="BufferLane"/>, at its own pace; a chunk
/// returns to the pool when the last lane is done with it. So the slowest transport decides when the buffer is
/// full, and backpressure then applies to it: <c>drop_oldest</c> evicts from the lanes furthest behind first.</para>
/// <para>Locks, always taken in this order: <see cref="ProducerLock"/> (producers: the emitted count and the emit
/// queue), <see cref="WriterLock"/> (the chunk being filled; a worker only ever tries it), <c>_queueLock</c> (the
/// sealed queue, the free pool and the lanes' counters).</para>
/// <para>Counters are monotonic; each lane's queue length is derived: emitted − flushed − dropped, so events still in
/// the emit queue count as queued. A snapshot taken under all three locks is consistent.</para>
/// </remarks>
internal sealed class EventBuffer : IBufferWriter<byte>
{
    private enum Target { Chunk, Overflow, Discard, NoRoom }

    private readonly int _chunkSize;
    private readonly BackpressureMode _mode;
    private readonly TimeSpan _blockTimeout;
    private readonly int _maxChunks;
    private readonly object _queueLock = new();

    // Guarded by _queueLock.
    private readonly BufferLane[] _lanes;
    // Newest-first reuse: chunks are filled by the worker that sends them (from the emit queue), so the chunk it just
    // sent is the one still in its cache. (FIFO suited producers filling chunks on the game's core; measured then.)
    private readonly Stack<Chunk> _free = new();
    private long _sealSequence;
    private int _allocatedChunks;

    // Guarded by ProducerLock, on their own cache line: written per Emit, while a worker writes the fields below per envelope.
    private EmitCounts _counts;

    // Guarded by WriterLock.
    private Chunk? _current;
    private int _eventStart;
    private Target _target;
    private Writer _writer;
    private byte[] _spill = new byte[4096];
    private int _spillLength;
    private long _droppedByWriter;

    public EventBuffer(int maxBufferBytes, BackpressureMode mode, TimeSpan blockTimeout, int lanes = 1, int chunkSize = 64 * 1024)
    {
        _lanes = new BufferLane[Math.Max(1, lanes)];
        for (int i = 0; i < _lanes.Length; i++) _lanes[i] = new BufferLane();
        _chunkSize = Math.Min(chunkSize, Math.Max(4096, maxBufferBytes / 2));
        _maxChunks = Math.Max(2, maxBufferBytes / _chunkSize);
        _mode = mode;
        _blockTimeout = blockTimeout;
        // The first InitialBytes up front, so a game's steady trickle never allocates; the rest of max_buffer_bytes
        // only when a burst outruns the worker, once, and kept. A larger pool also means a reused chunk was last
        // read by the worker long ago, out of its core's cache, which the producer then does not pay to pull back.
        _allocatedChunks = Math.Min(_maxChunks, Math.Max(2, InitialBytes / _chunkSize));
        for (int i = 0; i < _allocatedChunks; i++) _free.Push(new Chunk(_chunkSize));
    }

    /// <summary>Bytes allocated when the buffer is created; the pool grows from there up to <c>max_buffer_bytes</c>.</summary>
    public const int InitialBytes = 1 << 20;

    /// <summary>Serializes producers: the emitted count, and the emit queue in front of this buffer.</summary>
    public ProducerGate ProducerLock { get; } = new();

    /// <summary>Serializes writing into the chunk being filled (and sealing it).</summary>
    public ProducerGate WriterLock { get; } = new();

    /// <summary>Set when a chunk is sealed, so the owner can wake the worker once per chunk, not per event.</summary>
    public Action? ChunkSealed { get; set; }

    // ---- Producer side (caller holds ProducerLock) ----

    /// <summary>Counts an event taken into the emit queue.</summary>
    public void CountEmitted() => Volatile.Write(ref _counts.Emitted, _counts.Emitted + 1);

    /// <summary>Counts an event that was never queued (stub mode, after shutdown, rejected) as emitted and dropped.</summary>
    public void CountDropped()
    {
        Volatile.Write(ref _counts.DroppedAtEmit, _counts.DroppedAtEmit + 1);
        Volatile.Write(ref _counts.Emitted, _counts.Emitted + 1);
    }

    // ---- Writer side (caller holds WriterLock) ----

    /// <summary>Starts an envelope; <paramref name="writer"/> decides what happens if no chunk is free.</summary>
    public void BeginEvent(Writer writer)
    {
        WaitedForRoom = false;
        _target = Target.Chunk;
        _writer = writer;
        _eventStart = _current?.Length ?? 0;
        _spillLength = 0;
    }

    /// <summary>Completes the event; for <see cref="WriteOutcome.Overflow"/> the producer sends <see cref="Overflow"/> itself (fan_out).</summary>
    public WriteOutcome EndEvent()
    {
        switch (_target)
        {
            case Target.Chunk:
                _current!.Count++;
                return WriteOutcome.Written;
            case Target.Overflow:
                return WriteOutcome.Overflow;
            case Target.NoRoom:
                return WriteOutcome.NoRoom;
            default:
                Volatile.Write(ref _droppedByWriter, _droppedByWriter + 1);
                return WriteOutcome.Dropped;
        }
    }

    /// <summary>Whether the last event may have waited for a free chunk (<c>block</c>), so a producer writing several stops after it.</summary>
    public bool WaitedForRoom { get; private set; }

    /// <summary>The bytes of the last event that ended with <see cref="WriteOutcome.Overflow"/>.</summary>
    public ReadOnlyMemory<byte> Overflow => new(_spill, 0, _spillLength);

    /// <summary>Abandons a half-written event (its serializer threw): it is counted as dropped.</summary>
    public void AbortEvent()
    {
        if (_target == Target.Chunk && _current is not null) _current.Length = _eventStart;
        _target = Target.Discard;
        EndEvent();
    }

    /// <summary>Counts events that were queued but will never be written (shutdown, stub fallback) as dropped.</summary>
    public void CountDroppedUnwritten(int count) => Volatile.Write(ref _droppedByWriter, _droppedByWriter + count);

    /// <summary>The overflow send of a fan_out event to one lane's transport finished.</summary>
    public void OverflowSent(int lane, bool success, int bytes)
    {
        lock (_queueLock)
        {
            BufferLane l = _lanes[lane];
            if (success)
            {
                l.Flushed++;
                l.FlushedBytes += bytes;
            }
            else
            {
                l.Dropped++;
            }
        }
    }

    /// <summary>Whether the lane's worker still runs (an overflow event for a retired lane is dropped, not sent).</summary>
    public bool IsLive(int lane)
    {
        lock (_queueLock) return !_lanes[lane].Retired;
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_target == Target.Chunk)
        {
            if (_current is not null && _current.Remaining >= needed) return _current.Data.AsSpan(_current.Length);
            if (MoveToNewChunk(needed)) return _current!.Data.AsSpan(_current.Length);
        }
        EnsureSpill(_spillLength + needed);
        return _spill.AsSpan(_spillLength);
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException("Envelopes are written through GetSpan.");

    public void Advance(int count)
    {
        if (_target == Target.Chunk) _current!.Length += count;
        else _spillLength += count;
    }

    /// <summary>The current event does not fit: seal the current chunk and continue in a new one, applying backpressure if none is free.</summary>
    private bool MoveToNewChunk(int needed)
    {
        // Park the partial event first: once sealed, the old chunk belongs to the worker.
        int partial = _current is null ? 0 : _current.Length - _eventStart;
        EnsureSpill(partial);
        if (partial > 0) _current!.Data.AsSpan(_eventStart, partial).CopyTo(_spill);
        _spillLength = partial;
        if (_current is not null)
        {
            _current.Length = _eventStart;
            Chunk full = _current;
            _current = null;
            SealOrRecycle(full);
        }

        Chunk? next = AcquireChunk(partial + needed, _writer);
        if (next is null)
        {
            // No room: the event continues in the spill buffer, to be sent by the producer or dropped — or, for a
            // worker, abandoned and left in the emit queue until a chunk is free.
            _target = _writer == Writer.Worker ? Target.NoRoom : _mode == BackpressureMode.FanOut ? Target.Overflow : Target.Discard;
            return false;
        }
        _spill.AsSpan(0, partial).CopyTo(next.Data);
        next.Length = partial;
        _current = next;
        _eventStart = 0;
        _spillLength = 0;
        return true;
    }

    /// <param name="minimumSize">Bytes the chunk must hold (an event larger than a chunk gets one of its own).</param>
    /// <param name="writer">Only a producer waits (<c>block</c>), at most once per <c>Emit</c>; anyone may evict
    /// (<c>drop_oldest</c>), so a slow transport's full lane cannot hold the events of the others back.</param>
    private Chunk? AcquireChunk(int minimumSize, Writer writer)
    {
        lock (_queueLock)
        {
            if (minimumSize > _chunkSize) return new Chunk(minimumSize); // an event larger than a chunk gets its own
            if (_free.TryPop(out Chunk? free)) return free;
            if (_allocatedChunks < _maxChunks)
            {
                _allocatedChunks++;
                return new Chunk(_chunkSize);
            }
            if (writer == Writer.Worker && _mode != BackpressureMode.DropOldest) return null;
            switch (_mode)
            {
                case BackpressureMode.DropOldest:
                    return EvictOldest();
                case BackpressureMode.Block:
                    if (writer == Writer.ProducerDoneWaiting) return null;
                    WaitedForRoom = true;
                    long deadline = Environment.TickCount64 + (long)_blockTimeout.TotalMilliseconds;
                    while (!_free.TryPop(out free))
                    {
                        long wait = deadline - Environment.TickCount64;
                        if (wait <= 0) return null;
                        Monitor.Wait(_queueLock, TimeSpan.FromMilliseconds(wait));
                    }
                    return free;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// <c>drop_oldest</c> with every chunk in use (caller holds <c>_queueLock</c>): take the oldest queued chunk away from
    /// the lane that holds it, counting its events as dropped there, until a chunk is held by no lane. Lanes further
    /// behind lose their chunks first; a chunk a lane is still sending is never taken.
    /// </summary>
    private Chunk? EvictOldest()
    {
        while (true)
        {
            BufferLane? behind = null;
            foreach (BufferLane lane in _lanes)
            {
                if (lane.Sealed.TryPeek(out Chunk? head) && (behind is null || head.Sequence < behind.Sealed.Peek().Sequence)) behind = lane;
            }
            if (behind is null) return null;
            Chunk oldest = behind.Sealed.Dequeue();
            behind.SyncCount();
            behind.Dropped += oldest.Count;
            if (--oldest.Holders > 0) continue; // another lane still needs it
            oldest.Reset();
            return oldest;
        }
    }

    private void SealOrRecycle(Chunk chunk)
    {
        lock (_queueLock)
        {
            if (chunk.Count == 0)
            {
                Recycle(chunk);
                return;
            }
            chunk.Sequence = ++_sealSequence;
            foreach (BufferLane lane in _lanes)
            {
                if (lane.Retired)
                {
                    lane.Dropped += chunk.Count;
                    continue;
                }
                lane.Sealed.Enqueue(chunk);
                lane.SyncCount();
                chunk.Holders++;
            }
            if (chunk.Holders == 0) Recycle(chunk);
            SamplePeak();
        }
        ChunkSealed?.Invoke();
    }

    /// <summary>
    /// Records the queue length as a peak candidate. Called under both locks once per sealed chunk and per
    /// snapshot, not per event: reading the worker's counters on every emit would pull their cache line
    /// across cores each time. The queue is longest just before the worker takes a chunk, which is when this runs.
    /// </summary>
    private void SamplePeak()
    {
        long accepted = Volatile.Read(ref _counts.Emitted) - Volatile.Read(ref _counts.DroppedAtEmit) - Volatile.Read(ref _droppedByWriter);
        foreach (BufferLane lane in _lanes)
        {
            long queued = accepted - lane.Flushed - lane.Dropped;
            if (queued > lane.Peak) lane.Peak = queued;
        }
    }

    private void EnsureSpill(int size)
    {
        if (_spill.Length < size) Array.Resize(ref _spill, Math.Max(size, _spill.Length * 2));
    }

    // ---- Worker side ----

    /// <summary>Whether a sealed chunk waits for the lane's worker; read without a lock, so only a hint for spinning.</summary>
    public bool HasSealed(int lane) => Volatile.Read(ref _lanes[lane].SealedCount) > 0;

    /// <summary>Events in the chunk being filled; read without the writer lock, so only a hint.</summary>
    public int CurrentEventCount => Volatile.Read(ref _current)?.Count ?? 0;

    /// <summary>Seals the partly filled current chunk so it can be sent (shutdown: waits for the writer lock).</summary>
    public void SealCurrent()
    {
        using (WriterLock.EnterScope()) SealCurrentLocked();
    }

    /// <summary>
    /// The worker's poll and flush: seal the current chunk unless someone is writing. The worker must never wait for
    /// the writer lock: a producer in <c>block</c> mode holds it while it waits for a worker to free a chunk.
    /// </summary>
    public bool TrySealCurrent()
    {
        if (!WriterLock.TryEnter()) return false;
        try
        {
            SealCurrentLocked();
            return true;
        }
        finally
        {
            WriterLock.Exit();
        }
    }

    private void SealCurrentLocked()
    {
        if (_current is null || _current.Count == 0) return;
        Chunk chunk = _current;
        _current = null;
        SealOrRecycle(chunk);
    }

    public bool TryTakeSealed(int lane, out Chunk chunk)
    {
        lock (_queueLock)
        {
            BufferLane l = _lanes[lane];
            bool taken = l.Sealed.TryDequeue(out chunk!);
            l.SyncCount();
            return taken;
        }
    }

    /// <summary>A lane's worker is done with a chunk: <paramref name="sent"/> of its events were delivered, the rest dropped.</summary>
    public void Complete(int lane, Chunk chunk, int sent, long sentBytes)
    {
        lock (_queueLock)
        {
            BufferLane l = _lanes[lane];
            l.Flushed += sent;
            l.FlushedBytes += sentBytes;
            l.Dropped += chunk.Count - sent;
            Release(chunk);
        }
    }

    /// <summary>
    /// The lane's worker stopped for good: what it still had queued is dropped (and freed for the other lanes), and
    /// so is everything sealed from now on. Takes only the queue lock, so a producer blocked waiting for room is
    /// released instead of deadlocking against the dying worker.
    /// </summary>
    /// <returns>Whether any lane is still live.</returns>
    public bool Retire(int lane)
    {
        lock (_queueLock)
        {
            BufferLane l = _lanes[lane];
            l.Retired = true;
            while (l.Sealed.TryDequeue(out Chunk? chunk))
            {
                l.Dropped += chunk.Count;
                Release(chunk);
            }
            l.SyncCount();
            return Array.Exists(_lanes, x => !x.Retired);
        }
    }

    /// <summary>Drops everything queued for every lane (shutdown timeout, stub fallback).</summary>
    public void DropAllQueued()
    {
        SealCurrent();
        for (int lane = 0; lane < _lanes.Length; lane++)
        {
            while (TryTakeSealed(lane, out Chunk chunk)) Complete(lane, chunk, 0, 0);
        }
    }

    /// <summary>One lane fewer holds the chunk (caller holds <c>_queueLock</c>); the last one returns it to the pool.</summary>
    private void Release(Chunk chunk)
    {
        if (--chunk.Holders > 0) return;
        Recycle(chunk);
        Monitor.PulseAll(_queueLock); // producers waiting in block mode
    }

    private void Recycle(Chunk chunk)
    {
        chunk.Reset();
        if (chunk.Data.Length == _chunkSize) _free.Push(chunk); // an oversized chunk is left to the GC
    }

    /// <summary>Events emitted so far.</summary>
    public long Emitted
    {
        get
        {
            using (ProducerLock.EnterScope()) return _counts.Emitted;
        }
    }

    /// <summary>
    /// Emitted and each lane's counts without the producer lock (the worker may call it while a producer in block mode
    /// holds that lock waiting for it): the producer-side counts may trail by the event being written.
    /// </summary>
    public (long Emitted, LaneCounts[] Lanes) CountsWithoutProducerLock()
    {
        long emitted = Volatile.Read(ref _counts.Emitted);
        long dropped = Volatile.Read(ref _counts.DroppedAtEmit) + Volatile.Read(ref _droppedByWriter);
        lock (_queueLock) return (emitted, LaneCountsLocked(dropped));
    }

    /// <summary>All counters at one instant.</summary>
    public (long Emitted, LaneCounts[] Lanes) Snapshot()
    {
        using (ProducerLock.EnterScope())
        using (WriterLock.EnterScope())
        {
            lock (_queueLock)
            {
                SamplePeak();
                return (_counts.Emitted, LaneCountsLocked(_counts.DroppedAtEmit + _droppedByWriter));
            }
        }
    }

    private LaneCounts[] LaneCountsLocked(long droppedBeforeLanes)
    {
        var counts = new LaneCounts[_lanes.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            BufferLane l = _lanes[i];
            counts[i] = new LaneCounts(l.Flushed, l.FlushedBytes, droppedBeforeLanes + l.Dropped, l.Peak);
        }
        return counts;
    }

    /// <summary>
    /// Events every lane has flushed or dropped; everything emitted before a point is settled once this reaches the
    /// emitted count then.
    /// </summary>
    public long Settled
    {
        get
        {
            using (ProducerLock.EnterScope())
            using (WriterLock.EnterScope())
            {
                lock (_queueLock)
                {
                    long least = long.MaxValue;
                    foreach (BufferLane l in _lanes) least = Math.Min(least, l.Flushed + l.Dropped);
                    return _counts.DroppedAtEmit + _droppedByWriter + least;
                }
            }
        }
    }
}

/// <summary>Who writes an envelope into <see cref="EventBuffer"/>: decides what happens when no chunk is free.</summary>
internal enum Writer
{
    /// <summary>A worker: never waits or diverts; the event stays in the emit queue (<see cref="WriteOutcome.NoRoom"/>) unless <c>drop_oldest</c> can evict.</summary>
    Worker,

    /// <summary>A producer: the configured backpressure applies; <c>block</c> waits up to its timeout.</summary>
    Producer,

    /// <summary>A producer whose <c>Emit</c> has already waited once: <c>block</c> drops at once, so one <c>Emit</c> waits at most <c>block_timeout_seconds</c>.</summary>
    ProducerDoneWaiting,
}

/// <summary>What became of one envelope written through <see cref="EventBuffer"/>.</summary>
internal enum WriteOutcome
{
    /// <summary>In the current chunk, queued for the transports.</summary>
    Written,

    /// <summary>fan_out with no chunk free: the producer sends <see cref="EventBuffer.Overflow"/> itself.</summary>
    Overflow,

    /// <summary>No room (drop_oldest found nothing to evict, block timed out) or the serializer threw: counted as dropped.</summary>
    Dropped,

    /// <summary>A worker found no free chunk: nothing was written or counted; the event stays in the emit queue.</summary>
    NoRoom,
}

/// <summary>The producer-side counts of <see cref="EventBuffer"/>, padded onto a cache line of their own.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 192)]
internal struct EmitCounts
{
    [System.Runtime.InteropServices.FieldOffset(64)] public long Emitted;
    [System.Runtime.InteropServices.FieldOffset(72)] public long DroppedAtEmit;
}
