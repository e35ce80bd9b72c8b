using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// The bounded store of serialized envelopes between the encoder and the transports: fixed-size chunks of whole lines,
/// within a byte budget, read by each transport through its own <see cref="BufferLane"/>.
/// </summary>
/// <remarks>
/// <para>Whoever writes envelopes (the encoder: a worker, or a producer whose queue is full) holds <see cref="WriterLock"/>
/// for one event: <see cref="BeginEvent"/>, serialize through this <see cref="IBufferWriter{T}"/> straight into the
/// current chunk, <see cref="EndEvent"/>. An event never spans chunks: when it does not fit, its partial bytes move to
/// the next chunk. Every chunk counts against the budget, a larger-than-chunk one for an oversized event included, so
/// memory stays within it. Backpressure is decided only when a chunk is needed and the budget is spent:
/// <c>drop_oldest</c> evicts the oldest queued chunk; for a producer <c>block</c> waits for a worker to free one and
/// <c>fan_out</c> parks the event (<see cref="WriteOutcome.NoRoom"/> with the event kept) until the producer has sent the
/// oldest chunks itself. A worker never waits: the event stays where it was (<see cref="WriteOutcome.NoRoom"/>).</para>
/// <para>A chunk returns to the pool when the last lane is done with it, so the slowest transport decides when the
/// buffer is full; <c>drop_oldest</c> then evicts from the lanes furthest behind first.</para>
/// <para>Locks, always taken in this order: a producer shard's gate, <see cref="WriterLock"/> (the chunk being filled; a
/// worker only ever tries it), <c>_queueLock</c> (the sealed queues, the free pool, the budget and the lanes'
/// counters). A lane's send gate is taken without any of them held.</para>
/// </remarks>
internal sealed class EventBuffer : IBufferWriter<byte>
{
    // Staged: the event needs a chunk of its own, sized by what it turns out to hold; it is written into the spill buffer
    // and placed when it ends (a writer asks for room at a string's worst-case escaped size, up to six times what it writes).
    private enum Target { Chunk, Staged, Spill, Discard, NoRoom }

    private readonly int _chunkSize;
    private readonly long _budget;
    private readonly BackpressureMode _mode;
    private readonly TimeSpan _blockTimeout;
    private readonly EventSizeLimit _limit;
    private readonly WorkerSignals _signals;
    private readonly Func<long> _accepted; // events emitted and not dropped at emit, for the queue-length peak
    private readonly object _queueLock = new();

    // Guarded by _queueLock.
    private readonly BufferLane[] _lanes;
    // Newest-first reuse: chunks are filled by the worker that sends them (from the emit queue), so the chunk it just
    // sent is the one still in its cache.
    private readonly Stack<Chunk> _free = new();
    private long _sealSequence;
    private long _allocatedBytes; // pooled, filling and queued chunks, oversized ones included

    // Guarded by WriterLock.
    private Chunk? _current;
    private int _eventStart;
    private Target _target;
    private Writer _writer;
    private byte[] _spill = new byte[4096];
    private int _spillLength;
    private long _droppedByWriter;

    /// <param name="budgetBytes">Bytes all chunks together may hold.</param>
    /// <param name="mode">What happens when the budget is spent.</param>
    /// <param name="blockTimeout">How long a producer waits for room in <c>block</c> mode.</param>
    /// <param name="lanes">Transports reading the buffer, each at its own pace.</param>
    /// <param name="limit">The largest envelope accepted.</param>
    /// <param name="signals">Woken when a chunk is sealed.</param>
    /// <param name="accepted">Events emitted and not dropped at emit so far (read when a chunk is sealed, for the peak).</param>
    /// <param name="chunkSize">Bytes per chunk (less for a small budget).</param>
    public EventBuffer(long budgetBytes, BackpressureMode mode, TimeSpan blockTimeout, int lanes, EventSizeLimit limit, WorkerSignals signals,
        Func<long> accepted, int chunkSize = 64 * 1024)
    {
        _lanes = new BufferLane[Math.Max(1, lanes)];
        for (int i = 0; i < _lanes.Length; i++) _lanes[i] = new BufferLane();
        _chunkSize = (int)Math.Min(chunkSize, Math.Max(4096, budgetBytes / 2));
        // Room for the largest event beside a chunk still being sent, however small the configured buffer.
        _budget = Math.Max(Math.Max(2L * _chunkSize, budgetBytes), (long)limit.MaxEventBytes + _chunkSize);
        _mode = mode;
        _blockTimeout = blockTimeout;
        _limit = limit;
        _signals = signals;
        _accepted = accepted;
        // The first InitialBytes up front, so a game's steady trickle never allocates; the rest of the budget only when
        // a burst outruns the worker, once, and kept.
        int initial = (int)Math.Min(_budget / _chunkSize, Math.Max(2, InitialBytes / _chunkSize));
        for (int i = 0; i < initial; i++) _free.Push(new Chunk(_chunkSize));
        _allocatedBytes = (long)initial * _chunkSize;
    }

    /// <summary>Bytes allocated when the buffer is created; the pool grows from there up to the budget.</summary>
    public const int InitialBytes = 1 << 20;

    /// <summary>Serializes writing into the chunk being filled (and sealing it).</summary>
    public ProducerGate WriterLock { get; } = new();

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

    /// <summary>Completes the event. An envelope over <c>max_event_bytes</c> is abandoned and reported as <see cref="WriteOutcome.TooLarge"/>.</summary>
    public WriteOutcome EndEvent()
    {
        int length = _target == Target.Chunk ? _current!.Length - _eventStart : _spillLength;
        if (length > _limit.MaxEventBytes && _target != Target.NoRoom) return Abandon(WriteOutcome.TooLarge);
        if (_target == Target.Staged && PlaceStaged()) return WriteOutcome.Written; // else no room: the mode set the target
        switch (_target)
        {
            case Target.Chunk:
                _current!.Count++;
                return WriteOutcome.Written;
            case Target.Spill:
                // fan_out with every chunk in use: the producer sends the oldest chunks, then places the event (PlaceSpilled).
                return WriteOutcome.Spilled;
            case Target.NoRoom:
                return WriteOutcome.NoRoom;
            default:
                CountDroppedByWriter(1);
                return WriteOutcome.Dropped;
        }
    }

    private WriteOutcome Abandon(WriteOutcome outcome)
    {
        if (_target == Target.Chunk && _current is not null) _current.Length = _eventStart;
        _target = Target.Discard;
        _spillLength = 0;
        return outcome;
    }

    /// <summary>Whether the last event may have waited for a free chunk (<c>block</c>), so a producer writing several stops after it.</summary>
    public bool WaitedForRoom { get; private set; }

    /// <summary>
    /// When the current <c>Emit</c>'s wait for room ends (<see cref="Environment.TickCount64"/>): set by its first wait,
    /// continued by its later writes (<see cref="Writer.ProducerDoneWaiting"/>). Guarded by the writer lock.
    /// </summary>
    public long BlockDeadline { get; set; }

    /// <summary>
    /// Abandons a half-written event (its serializer threw, or it grew past <c>max_event_bytes</c>). Not counted here:
    /// the caller counts it, as dropped or rejected.
    /// </summary>
    public void AbortEvent() => Abandon(WriteOutcome.Dropped);

    /// <summary>Counts events the encoder took but will never write (a refused value, shutdown, stub fallback) as dropped.</summary>
    public void CountDroppedByWriter(int count) => Volatile.Write(ref _droppedByWriter, _droppedByWriter + count);

    /// <summary>
    /// fan_out: puts the event parked in the spill buffer (<see cref="WriteOutcome.Spilled"/>) into a chunk, now that the
    /// producer has sent the oldest ones. False while no chunk is free yet; <paramref name="giveUp"/> drops it instead.
    /// </summary>
    public bool PlaceSpilled(bool giveUp)
    {
        if (giveUp)
        {
            _spillLength = 0;
            CountDroppedByWriter(1);
            return true;
        }
        Chunk? next;
        lock (_queueLock) next = TakeRoom(_spillLength);
        if (next is null) return false;
        MoveSpillInto(next);
        return true;
    }

    /// <summary>The one whole event in the spill buffer becomes the first of <paramref name="chunk"/>, the chunk being filled.</summary>
    private void MoveSpillInto(Chunk chunk)
    {
        _spill.AsSpan(0, _spillLength).CopyTo(chunk.Data);
        chunk.Length = _spillLength;
        chunk.Count = 1;
        _spillLength = 0;
        _current = chunk;
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_target == Target.Chunk)
        {
            if (_current is not null && _current.Remaining >= needed) return _current.Data.AsSpan(_current.Length);
            _limit.CheckRequest(_current is null ? 0 : _current.Length - _eventStart, needed);
            if (MoveToNewChunk(needed)) return _current!.Data.AsSpan(_current.Length);
        }
        _limit.CheckRequest(_spillLength, needed);
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
        // Park the partial event first: once sealed, the old chunk belongs to the workers.
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

        if (partial + needed > _chunkSize)
        {
            // A chunk of its own: its size (and the room to make for it) is known only when the event ends — the request
            // may be a worst-case reservation far larger than the envelope, even larger than the budget.
            _target = Target.Staged;
            return false;
        }
        Chunk? next = AcquireChunk(partial + needed, _writer);
        if (next is null)
        {
            NoChunk();
            return false;
        }
        _spill.AsSpan(0, partial).CopyTo(next.Data);
        next.Length = partial;
        _current = next;
        _eventStart = 0;
        _spillLength = 0;
        return true;
    }

    /// <summary>
    /// No room: a worker leaves the event where it was; fan_out keeps it for the producer to place after sending;
    /// otherwise (block timed out, nothing to evict) it is written on into the spill buffer and dropped.
    /// </summary>
    private void NoChunk() => _target = _writer == Writer.Worker ? Target.NoRoom : _mode == BackpressureMode.FanOut ? Target.Spill : Target.Discard;

    /// <summary>A staged event ends: it gets a chunk of exactly its size, applying backpressure; false (and the target set by the mode) if none.</summary>
    private bool PlaceStaged()
    {
        Chunk? next = AcquireChunk(_spillLength, _writer);
        if (next is null)
        {
            NoChunk();
            return false;
        }
        MoveSpillInto(next);
        return true;
    }

    /// <param name="minimumSize">Bytes the chunk must hold (an event larger than a chunk gets one of its own).</param>
    /// <param name="writer">Only a producer waits (<c>block</c>), at most once per <c>Emit</c>; anyone may evict
    /// (<c>drop_oldest</c>), so a slow transport's full lane cannot hold the events of the others back.</param>
    private Chunk? AcquireChunk(int minimumSize, Writer writer)
    {
        lock (_queueLock)
        {
            long deadline = 0;
            while (true)
            {
                if (TakeRoom(minimumSize) is { } room) return room;
                if (minimumSize > _budget) return null; // larger than max_event_bytes allows: EndEvent rejects it
                if (writer == Writer.Worker && _mode != BackpressureMode.DropOldest) return null;
                switch (_mode)
                {
                    case BackpressureMode.DropOldest:
                        if (!EvictOldest()) return null; // every chunk is being sent right now
                        continue;
                    case BackpressureMode.Block:
                        WaitedForRoom = true;
                        if (deadline == 0)
                        {
                            // One Emit waits block_timeout_seconds in all, however many chunks its writes need.
                            deadline = writer == Writer.ProducerDoneWaiting ? BlockDeadline : Environment.TickCount64 + (long)_blockTimeout.TotalMilliseconds;
                            BlockDeadline = deadline;
                        }
                        long wait = deadline - Environment.TickCount64;
                        if (wait <= 0) return null;
                        Monitor.Wait(_queueLock, TimeSpan.FromMilliseconds(wait));
                        continue;
                    default:
                        return null;
                }
            }
        }
    }

    /// <summary>
    /// A chunk of at least <paramref name="minimumSize"/> bytes within the budget, or null (caller holds <c>_queueLock</c>).
    /// For an oversized event, pooled chunks are let go to the GC until the budget has room for its own chunk.
    /// </summary>
    private Chunk? TakeRoom(int minimumSize)
    {
        if (minimumSize <= _chunkSize)
        {
            if (_free.TryPop(out Chunk? free)) return free;
            if (_allocatedBytes + _chunkSize > _budget) return null;
            _allocatedBytes += _chunkSize;
            return new Chunk(_chunkSize);
        }
        while (_allocatedBytes + minimumSize > _budget && _free.TryPop(out _)) _allocatedBytes -= _chunkSize;
        if (_allocatedBytes + minimumSize > _budget) return null;
        _allocatedBytes += minimumSize;
        return new Chunk(minimumSize);
    }

    /// <summary>
    /// <c>drop_oldest</c> with the budget spent (caller holds <c>_queueLock</c>): take the oldest queued chunk away from the
    /// lane that holds it, counting its events as dropped there, until a chunk is held by no lane and back in the pool.
    /// Lanes further behind lose their chunks first; a chunk a lane is sending is never taken. False: nothing to evict.
    /// </summary>
    private bool EvictOldest()
    {
        while (true)
        {
            BufferLane? behind = null;
            foreach (BufferLane lane in _lanes)
            {
                if (lane.Sealed.TryPeek(out Chunk? head) && (behind is null || head.Sequence < behind.Sealed.Peek().Sequence)) behind = lane;
            }
            if (behind is null) return false;
            Chunk oldest = behind.Sealed.Dequeue();
            behind.SyncCount();
            behind.Dropped += oldest.Count;
            if (--oldest.Holders > 0) continue; // another lane still needs it
            Recycle(oldest);
            return true;
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
        _signals.WakeToDrain();
    }

    /// <summary>
    /// Records the queue length as a peak candidate, once per sealed chunk and per snapshot, not per event. The queue is
    /// longest just before a worker takes a chunk, which is when this runs.
    /// </summary>
    private void SamplePeak()
    {
        long accepted = _accepted() - Volatile.Read(ref _droppedByWriter);
        foreach (BufferLane lane in _lanes)
        {
            long queued = accepted - lane.Flushed - lane.Dropped;
            if (queued > lane.Peak) lane.Peak = queued;
        }
    }

    private void EnsureSpill(int size)
    {
        if (_spill.Length >= size) return;
        Array.Resize(ref _spill, (int)Math.Min(Math.Max(size, 2L * _spill.Length), Array.MaxLength));
    }

    /// <summary>After an event asked for more than <c>max_event_bytes</c>, the spill buffer goes back to its first size (caller holds the writer lock).</summary>
    public void TrimSpill()
    {
        if (_spill.Length > _limit.MaxEventBytes && _spillLength == 0) _spill = new byte[4096];
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

    /// <summary>Takes the lane's oldest sealed chunk. Callers hold the lane's send gate, so chunks go out in seal order.</summary>
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

    /// <summary>Whether the lane's worker still runs.</summary>
    public bool IsLive(int lane)
    {
        lock (_queueLock) return !_lanes[lane].Retired;
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

    /// <summary>Back to the pool; an oversized chunk goes to the GC and gives its bytes back to the budget.</summary>
    private void Recycle(Chunk chunk)
    {
        chunk.Reset();
        if (chunk.Data.Length == _chunkSize) _free.Push(chunk);
        else _allocatedBytes -= chunk.Data.Length;
    }

    /// <summary>Events dropped by the encoder (refused values, no room after the block timeout, shutdown).</summary>
    public long DroppedByWriter => Volatile.Read(ref _droppedByWriter);

    /// <summary>Each lane's counts, the encoder's drops included in each lane's drops (the pipeline adds the drops at emit).</summary>
    public LaneCounts[] LaneCounts(bool samplePeak)
    {
        lock (_queueLock)
        {
            if (samplePeak) SamplePeak();
            long droppedByWriter = Volatile.Read(ref _droppedByWriter);
            var counts = new LaneCounts[_lanes.Length];
            for (int i = 0; i < counts.Length; i++)
            {
                BufferLane l = _lanes[i];
                counts[i] = new LaneCounts(l.Flushed, l.FlushedBytes, droppedByWriter + l.Dropped, l.Peak);
            }
            return counts;
        }
    }

    /// <summary>Events every lane has flushed or dropped, the encoder's drops included.</summary>
    public long SettledByLanes
    {
        get
        {
            lock (_queueLock)
            {
                long least = long.MaxValue;
                foreach (BufferLane l in _lanes) least = Math.Min(least, l.Flushed + l.Dropped);
                return Volatile.Read(ref _droppedByWriter) + least;
            }
        }
    }
}

/// <summary>Who writes an envelope into <see cref="EventBuffer"/>: decides what happens when no chunk is free.</summary>
internal enum Writer
{
    /// <summary>A worker: never waits; the event stays in the emit queue (<see cref="WriteOutcome.NoRoom"/>) unless <c>drop_oldest</c> can evict.</summary>
    Worker,

    /// <summary>A producer: the configured backpressure applies; <c>block</c> waits up to its timeout.</summary>
    Producer,

    /// <summary>A producer whose <c>Emit</c> has already waited: <c>block</c> waits only until that wait's <see cref="EventBuffer.BlockDeadline"/>, so one <c>Emit</c> waits at most <c>block_timeout_seconds</c>.</summary>
    ProducerDoneWaiting,
}

/// <summary>What became of one envelope written through <see cref="EventBuffer"/>.</summary>
internal enum WriteOutcome
{
    /// <summary>In the current chunk, queued for the transports.</summary>
    Written,

    /// <summary>fan_out with no chunk free: the event waits in the spill buffer until the producer has sent the oldest chunks (<see cref="EventBuffer.PlaceSpilled"/>).</summary>
    Spilled,

    /// <summary>No room (drop_oldest found nothing to evict, block timed out): counted as dropped.</summary>
    Dropped,

    /// <summary>Larger than <c>max_event_bytes</c>: abandoned, for the caller to count as rejected.</summary>
    TooLarge,

    /// <summary>A worker found no free chunk: nothing was written or counted; the event stays in the emit queue.</summary>
    NoRoom,
}
