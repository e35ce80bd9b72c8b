using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using Herald.Serialization;

namespace Herald.Publishing;

/// <summary>
/// Everything between <c>Emit</c> and the transports' lanes: the producer shards with their emit queues, the encoder
/// role (a worker normally, a producer whose queue is full), the chunk buffer and the backpressure policy. The
/// publisher enqueues; each transport's <see cref="FlushWorker"/> encodes a step, takes its lane's sealed chunks and
/// completes them; status reads a <see cref="Snapshot"/>.
/// </summary>
/// <remarks>
/// <para><b>Producers.</b> A thread always emits through the same <see cref="ProducerShard"/> (its managed thread id
/// modulo the shard count, one shard per core up to <see cref="MaxShards"/>, each created on first use), under that
/// shard's gate: threads on different shards share no gate and no cache line per event. Under the gate an event is
/// checked, stored as the latest of its type, stamped (clock, id, correlation, trace context) and queued — copied if it is a struct
/// without references, else serialized into a line first. Events reach every transport in emit order per thread.</para>
/// <para><b>The encoder</b> is whoever holds the buffer's writer lock: a worker, a step of
/// <see cref="EncodeStepSize"/> entries at a time (also while its own send is in flight, so a slow transport does
/// not stop the encoding); a producer only when its own queue is full — in <c>drop_oldest</c> at once, writing its
/// oldest entries where eviction applies (dropping never waits for a worker), in <c>block</c> and <c>fan_out</c> after
/// no worker has made progress for <see cref="StallMicroseconds"/>.</para>
/// <para><b>Locks</b>, always in this order: a shard's gate, the buffer's writer lock, the buffer's queue lock. A worker
/// only ever tries the first two. A lane's send gate is taken by a producer (<c>fan_out</c>) while it holds the writer
/// lock, and by the lane's worker holding nothing else, so they cannot deadlock.</para>
/// </remarks>
internal sealed class EmitPipeline
{
    private const int Running = 0, Stub = 1, Disposed = 2;

    /// <summary>Shards at most, however many cores: each has a queue of its own, sized like the one a single producer gets.</summary>
    public const int MaxShards = 8;

    /// <summary>Entries a worker encodes per hold of the writer lock, and the least it takes between flushes.</summary>
    public const int EncodeStepSize = 64;

    /// <summary>Entries a producer whose queue is full waits for, or writes itself.</summary>
    private const int HelpStep = 16;

    /// <summary>How long a full queue may show no progress before a <c>block</c> or <c>fan_out</c> producer writes entries itself.</summary>
    private const long StallMicroseconds = 20;

    private readonly EventBuffer _buffer;
    private readonly ProducerShard?[] _shards;
    private readonly int _shardMask;
    private readonly object _creationLock = new();
    private readonly int _queueCapacity;
    private readonly int _lineBytes;
    private readonly EventSizeLimit _limit;
    private readonly BackpressureMode _mode;
    private readonly long _blockTimeoutMs;
    private readonly int _maxBatch;
    private readonly string? _source;
    private readonly TransformPlan _transforms;
    private readonly CoarseClock _clock = new();
    private EnvelopeFormat?[] _formats = new EnvelopeFormat?[16];
    private int _state;
    private long _rejected;
    private string? _lastRejection;

    public EmitPipeline(TelemetryOptions options, TransformPlan transforms, int lanes, bool stub)
    {
        BufferOptions buffer = options.Transport.Buffer;
        _mode = options.Transport.Worker.Backpressure;
        _blockTimeoutMs = (long)TimeSpan.FromSeconds(options.Transport.Worker.BlockTimeoutSeconds).TotalMilliseconds;
        _maxBatch = Math.Max(1, buffer.MaxBatchSize);
        _source = options.Source;
        _transforms = transforms;
        // A power of two, so picking a thread's shard is a mask.
        _shards = new ProducerShard?[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, MaxShards))];
        _shardMask = _shards.Length - 1;
        // One entry per KiB of max_buffer_bytes (256 to 16,384) and 1/32 of it for serialized lines (8 KiB to 512 KiB),
        // per shard. The ring is larger than a core's L2 on purpose: producers refill slots the worker read long ago.
        _queueCapacity = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, buffer.MaxBufferBytes / 1024)), 4 * EmitQueue.Gap, 16_384);
        _lineBytes = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, buffer.MaxBufferBytes / 32)), 8 * 1024, 512 * 1024);
        // The shards' line rings come out of max_buffer_bytes; the chunks get the rest (and always room for the largest event).
        long chunkBudget = Math.Max(buffer.MaxBufferBytes / 2, (long)buffer.MaxBufferBytes - (long)_shards.Length * _lineBytes);
        _limit = new EventSizeLimit(Math.Min(buffer.EffectiveMaxEventBytes, buffer.MaxBufferBytes));
        Signals = new WorkerSignals(lanes);
        _buffer = new EventBuffer(chunkBudget, _mode, TimeSpan.FromSeconds(options.Transport.Worker.BlockTimeoutSeconds), lanes, _limit, Signals, Accepted);
        _state = stub ? Stub : Running;
    }

    public EventBuffer Buffer => _buffer;

    public WorkerSignals Signals { get; }

    /// <summary>fan_out: sends the lane's oldest sealed chunk on the calling thread; false once the lane is retired. Set by the publisher.</summary>
    public Func<int, bool>? SendOldestOnCaller { get; set; }

    /// <summary>Re-aligns the coarse clock with wall-clock time (a worker, once per cycle).</summary>
    public void ResyncClock() => _clock.Resync();

    // ---- Producer side ----

    /// <summary>Takes an event: counted in every case, queued unless it is rejected, too large, or the pipeline no longer runs.</summary>
    public void Enqueue<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>
    {
        string? correlation = Correlation.Current;
        Activity? trace = EnvelopeTrace.Capture();
        long unixMs = _clock.NowUnixMs;
        ProducerShard shard = ShardOfThisThread();
        shard.Gate.Enter();
        try
        {
            if (Volatile.Read(ref _state) != Running)
            {
                shard.CountDropped();
                return;
            }
            EnvelopeFormat format = FormatOf<TEvent>();
            if (format.Checks.MayReject && format.Checks.Check(in evt) is { } rejection)
            {
                Reject(shard, rejection);
                return;
            }
            shard.Latest.Store(in evt, unixMs);
            uint idSuffix = shard.NextIdSuffix();
            shard.EmitNumber++;
            if (EmitQueue.QueuesCopies<TEvent>() && !shard.Queue.ProducersSerialize())
            {
                shard.CountEmitted();
                while (!shard.Queue.TryAdd(format, in evt, unixMs, idSuffix, correlation, trace))
                {
                    if (!MakeRoom(shard))
                    {
                        shard.CountDroppedAfterEmitted();
                        return;
                    }
                }
            }
            else if (!EnqueueSerialized(shard, format, in evt, unixMs, idSuffix, correlation, trace))
            {
                return;
            }
            if (++shard.SinceWake >= _maxBatch)
            {
                shard.SinceWake = 0;
                Signals.WakeToDrain();
            }
        }
        finally
        {
            shard.Gate.Exit();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ProducerShard ShardOfThisThread()
    {
        int index = Environment.CurrentManagedThreadId & _shardMask;
        return _shards[index] ?? CreateShard(index);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ProducerShard CreateShard(int index)
    {
        lock (_creationLock)
        {
            return _shards[index] ??= new ProducerShard(_buffer, _queueCapacity, _lineBytes, _limit, index, eventType => CountRejection(TooLarge(eventType)));
        }
    }

    /// <summary>
    /// An event <c>Emit</c> may not keep: its envelope is written now — straight into the buffer when this shard has nothing
    /// queued and no one is writing (no copy, no second core touching it), otherwise into the shard's scratch line, then
    /// its queue. Returns false if the event was dropped or rejected (counted).
    /// </summary>
    private bool EnqueueSerialized<TEvent>(ProducerShard shard, EnvelopeFormat format, in TEvent evt, long unixMs, uint idSuffix, string? correlation,
        Activity? trace) where TEvent : IEvent<TEvent>
    {
        shard.Stamp.Update(unixMs);
        if (shard.Queue.IsEmpty && _buffer.WriterLock.TryEnter())
        {
            try
            {
                if (shard.Queue.IsEmpty) // exact now: the encoder publishes what it took before it lets go of the lock
                {
                    shard.CountEmitted();
                    _buffer.BeginEvent(ProducerWriter(shard));
                    try
                    {
                        var json = new JsonOutput(_buffer);
                        format.Write(ref json, in evt, shard.Stamp, idSuffix, correlation, trace);
                        json.Complete();
                    }
                    catch (Exception ex)
                    {
                        _buffer.AbortEvent();
                        _buffer.CountDroppedByWriter(1); // a value the writer refuses: dropped, never thrown
                        if (ex is EventTooLargeException) CountRejection(TooLarge(TEvent.EventType));
                        return false;
                    }
                    return Finish(shard, _buffer.EndEvent(), TEvent.EventType);
                }
            }
            finally
            {
                _buffer.TrimSpill();
                _buffer.WriterLock.Exit();
            }
        }

        LineScratch scratch = shard.Scratch;
        scratch.Reset();
        try
        {
            var json = new JsonOutput(scratch);
            format.Write(ref json, in evt, shard.Stamp, idSuffix, correlation, trace);
            json.Complete();
            _limit.CheckLength(scratch.WrittenCount);
        }
        catch (EventTooLargeException)
        {
            Reject(shard, TooLarge(TEvent.EventType));
            return false;
        }
        catch (Exception)
        {
            shard.CountDropped();
            return false;
        }
        shard.CountEmitted();
        ReadOnlySpan<byte> line = scratch.WrittenSpan;
        if (line.Length > shard.Queue.MaxLine)
        {
            WriteDirectly(shard, line, TEvent.EventType);
            return true;
        }
        while (!shard.Queue.TryAddLine(line))
        {
            if (!MakeRoom(shard))
            {
                shard.CountDroppedAfterEmitted();
                return false;
            }
        }
        return true;
    }

    private string TooLarge(string eventType) => _limit.Reason(eventType);

    /// <summary>
    /// The shard's queue is full. In <c>drop_oldest</c> the producer writes its oldest entries into the buffer at once,
    /// where eviction makes room — dropping never waits for a worker. Otherwise it waits while a worker frees room,
    /// and writes entries itself only when nothing has moved for <see cref="StallMicroseconds"/> (the worker is asleep,
    /// or stuck behind a transport): two cores taking turns in one chunk would pull its cache lines back and forth.
    /// False in <c>block</c> mode once this <c>Emit</c> has waited <c>block_timeout_seconds</c> (another producer may hold
    /// the writer lock, waiting for room itself, all that time): its event finds no room and is dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool MakeRoom(ProducerShard shard)
    {
        Signals.WakeToDrain();
        if (_mode == BackpressureMode.Block && !WithinBlockDeadline(shard)) return false;
        if (_mode != BackpressureMode.DropOldest && WaitForWorker(shard)) return true;
        if (!WriteOldestEntries(shard)) Thread.SpinWait(20); // the encoder holds the lock, taking entries
        return true;
    }

    /// <summary>
    /// <c>block</c>: this <c>Emit</c>'s wait starts the first time it needs room, and every later wait of it (for the writer
    /// lock, for a free chunk) ends at the same deadline; false once it has passed.
    /// </summary>
    private bool WithinBlockDeadline(ProducerShard shard)
    {
        if (shard.WaitedInEmit != shard.EmitNumber)
        {
            shard.WaitedInEmit = shard.EmitNumber;
            shard.BlockDeadline = Environment.TickCount64 + _blockTimeoutMs;
            return true;
        }
        return Environment.TickCount64 < shard.BlockDeadline;
    }

    /// <summary>Takes the writer lock; in <c>block</c> mode gives up (false) when this <c>Emit</c>'s wait has lasted <c>block_timeout_seconds</c>.</summary>
    private bool EnterWriterLock(ProducerShard shard)
    {
        var spin = new SpinWait();
        while (!_buffer.WriterLock.TryEnter())
        {
            if (_mode == BackpressureMode.Block && !WithinBlockDeadline(shard)) return false;
            spin.SpinOnce(sleep1Threshold: 30);
        }
        return true;
    }

    /// <summary>Waits while a worker frees room; false when nothing has moved for <see cref="StallMicroseconds"/>.</summary>
    private static bool WaitForWorker(ProducerShard shard)
    {
        long removed = shard.Queue.Removed;
        long wanted = removed + HelpStep;
        long progressAt = Stopwatch.GetTimestamp();
        long stall = Stopwatch.Frequency * StallMicroseconds / 1_000_000;
        var spin = new SpinWait();
        while (true)
        {
            long now = shard.Queue.Removed;
            if (now >= wanted) return true;
            if (now != removed)
            {
                removed = now;
                progressAt = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetTimestamp() - progressAt > stall)
            {
                return false;
            }
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Writes up to <see cref="HelpStep"/> of the shard's oldest entries as a producer; false if someone else holds the writer lock.</summary>
    private bool WriteOldestEntries(ProducerShard shard)
    {
        if (!_buffer.WriterLock.TryEnter()) return false;
        try
        {
            for (int i = 0; i < HelpStep && shard.Queue.HasEntries; i++)
            {
                WriteOldestAsProducer(shard);
                if (_buffer.WaitedForRoom) break; // block mode: the one wait of this Emit, then the caller gets its thread back
            }
        }
        finally
        {
            shard.Queue.Publish();
            _buffer.WriterLock.Exit();
        }
        return true;
    }

    /// <summary>A line too long for the queue: everything the shard queued before it is written first, to keep emit order.</summary>
    private void WriteDirectly(ProducerShard shard, ReadOnlySpan<byte> line, string eventType)
    {
        if (!EnterWriterLock(shard))
        {
            shard.CountDroppedAfterEmitted(); // block: no room within the timeout
            return;
        }
        try
        {
            while (shard.Queue.HasEntries) WriteOldestAsProducer(shard);
            shard.Queue.Publish();
            _buffer.BeginEvent(ProducerWriter(shard));
            line.CopyTo(_buffer.GetSpan(line.Length));
            _buffer.Advance(line.Length);
            Finish(shard, _buffer.EndEvent(), eventType);
            _buffer.TrimSpill();
        }
        finally
        {
            _buffer.WriterLock.Exit();
        }
    }

    private void WriteOldestAsProducer(ProducerShard shard) => Finish(shard, shard.Queue.WriteOldest(ProducerWriter(shard)), eventType: null);

    /// <summary>
    /// After a producer wrote an envelope (caller holds the writer lock): remembers a <c>block</c> wait, and in <c>fan_out</c>
    /// places an event that found every chunk in use, after sending the oldest chunks on this thread — the event goes out
    /// after everything queued before it. Returns whether the event is queued.
    /// </summary>
    private bool Finish(ProducerShard shard, WriteOutcome outcome, string? eventType)
    {
        if (_buffer.WaitedForRoom && shard.WaitedInEmit != shard.EmitNumber)
        {
            shard.WaitedInEmit = shard.EmitNumber;
            shard.BlockDeadline = _buffer.BlockDeadline;
        }
        switch (outcome)
        {
            case WriteOutcome.Written:
                return true;
            case WriteOutcome.Spilled:
                return PlaceAfterSendingOldest();
            case WriteOutcome.TooLarge:
                _buffer.CountDroppedByWriter(1);
                CountRejection(TooLarge(eventType ?? "event"));
                return false;
            default:
                return false; // dropped and counted by the buffer
        }
    }

    private bool PlaceAfterSendingOldest()
    {
        for (int round = 0; round < 1000; round++)
        {
            if (_buffer.PlaceSpilled(giveUp: false)) return true;
            bool anyLive = false;
            for (int lane = 0; lane < Signals.Count; lane++) anyLive |= SendOldestOnCaller?.Invoke(lane) ?? false;
            if (!anyLive) break;
        }
        _buffer.PlaceSpilled(giveUp: true); // every transport is gone: dropped and counted
        return false;
    }

    /// <summary>In <c>block</c> mode one <c>Emit</c> waits for free chunks <c>block_timeout_seconds</c> in all, however many entries it writes.</summary>
    private Writer ProducerWriter(ProducerShard shard)
    {
        if (shard.WaitedInEmit != shard.EmitNumber) return Writer.Producer;
        _buffer.BlockDeadline = shard.BlockDeadline;
        return Writer.ProducerDoneWaiting;
    }

    private void Reject(ProducerShard shard, string reason)
    {
        shard.CountDropped();
        CountRejection(reason);
    }

    private void CountRejection(string reason)
    {
        Interlocked.Increment(ref _rejected);
        Volatile.Write(ref _lastRejection, reason);
    }

    public long Rejected => Interlocked.Read(ref _rejected);

    public string? LastRejection => Volatile.Read(ref _lastRejection);

    private EnvelopeFormat FormatOf<TEvent>() where TEvent : IEvent<TEvent>
    {
        int index = EventTypeIndex<TEvent>.Value;
        EnvelopeFormat?[] formats = Volatile.Read(ref _formats);
        if (index < formats.Length && formats[index] is { } known) return known;
        return CreateFormat<TEvent>(index);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private EnvelopeFormat CreateFormat<TEvent>(int index) where TEvent : IEvent<TEvent>
    {
        lock (_creationLock)
        {
            EnvelopeFormat?[] formats = _formats;
            if (index < formats.Length && formats[index] is { } known) return known;
            var grown = new EnvelopeFormat?[Math.Max(index + 1, formats.Length * 2)];
            formats.CopyTo(grown, 0);
            EnvelopeFormat format = grown[index] = EnvelopeFormat.For<TEvent>(_source, _transforms);
            Volatile.Write(ref _formats, grown);
            return format;
        }
    }

    /// <summary>The newest <typeparamref name="TEvent"/> any shard has taken (by the clock of its <c>Emit</c>).</summary>
    public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent>
    {
        evt = default!;
        bool found = false;
        long newest = long.MinValue;
        foreach (ProducerShard? shard in _shards)
        {
            if (shard is not null && shard.Latest.TryGet(out TEvent candidate, out long stamp) && (!found || stamp > newest))
            {
                evt = candidate;
                newest = stamp;
                found = true;
            }
        }
        return found;
    }

    // ---- Encoder side (workers) ----

    /// <summary>
    /// Writes up to <see cref="EncodeStepSize"/> queued envelopes of each shard into the buffer; returns how many. Never
    /// waits for the writer lock (a producer in <c>block</c> mode may hold it while waiting for a worker to free a chunk):
    /// when it is taken, whoever holds it is writing.
    /// </summary>
    /// <param name="all">Everything queued (a flush, a poll, a tick, shutdown). Otherwise only whole steps, and never the
    /// newest <see cref="EmitQueue.Gap"/> entries: a worker right behind the producer would pull the queue's cache lines
    /// back and forth with every event.</param>
    public int EncodeStep(bool all)
    {
        if (!_buffer.WriterLock.TryEnter()) return 0;
        int written = 0;
        try
        {
            foreach (ProducerShard? shard in _shards)
            {
                if (shard is null) continue;
                // Read once per step: each read of a producer's position takes that cache line away from its core.
                long available = shard.Queue.Available - (all ? 0 : EmitQueue.Gap);
                if (available <= 0 || (!all && available < EncodeStepSize)) continue;
                int step = (int)Math.Min(available, EncodeStepSize);
                int done = 0;
                while (done < step && shard.Queue.WriteOldest(Writer.Worker) != WriteOutcome.NoRoom) done++;
                shard.Queue.Publish();
                written += done;
                if (done < step) break; // no free chunk: the workers must send first
            }
        }
        finally
        {
            _buffer.WriterLock.Exit();
        }
        return written;
    }

    /// <summary>Whether any shard has entries not yet written into the buffer (a hint).</summary>
    public bool HasQueuedEntries
    {
        get
        {
            foreach (ProducerShard? shard in _shards)
            {
                if (shard is not null && shard.Queue.Count > 0) return true;
            }
            return false;
        }
    }

    // ---- Lifecycle ----

    /// <summary>
    /// Stops intake: from now on every <c>Emit</c> is counted as dropped (<paramref name="disposing"/>, or the stub fallback
    /// once every worker has died). Passing through each shard's gate waits for the emits already inside, so nothing is
    /// added to a queue after this returns.
    /// </summary>
    public void StopIntake(bool disposing)
    {
        CloseIntake(disposing);
        WaitForEmitsInside();
    }

    /// <summary>The first half of <see cref="StopIntake"/>: every <c>Emit</c> that enters from now on is counted as dropped.</summary>
    public void CloseIntake(bool disposing)
    {
        lock (_creationLock)
        {
            if (disposing) Volatile.Write(ref _state, Disposed);
            else if (_state == Running) Volatile.Write(ref _state, Stub);
        }
    }

    /// <summary>Passes each shard's gate without waiting; false when an emit holds one (then <see cref="WaitForEmitsInside"/>).</summary>
    public bool NoEmitInside()
    {
        foreach (ProducerShard? shard in _shards)
        {
            if (shard is null) continue;
            if (!shard.Gate.TryEnter()) return false;
            shard.Gate.Exit();
        }
        return true;
    }

    /// <summary>
    /// The second half of <see cref="StopIntake"/>: passes through each shard's gate, so the emits already inside have
    /// returned. A shard created after <see cref="CloseIntake"/> (under the same lock) sees the new state. One inside may
    /// wait on a transport (a <c>fan_out</c> send, a <c>block</c> wait for room) until its sends are cancelled.
    /// </summary>
    public void WaitForEmitsInside()
    {
        foreach (ProducerShard? shard in _shards)
        {
            if (shard is null) continue;
            shard.Gate.Enter();
            shard.Gate.Exit();
        }
    }

    /// <summary>Counts everything still queued as dropped: the shards' queues, the chunk being filled, the sealed chunks.</summary>
    public void DropAllQueued()
    {
        using (_buffer.WriterLock.EnterScope())
        {
            foreach (ProducerShard? shard in _shards)
            {
                if (shard is not null) _buffer.CountDroppedByWriter(shard.Queue.Clear());
            }
        }
        _buffer.DropAllQueued();
    }

    // ---- Counts ----

    /// <summary>Events emitted so far.</summary>
    public long Emitted
    {
        get
        {
            long emitted = 0;
            foreach (ProducerShard? shard in _shards) emitted += shard?.Emitted ?? 0;
            return emitted;
        }
    }

    private long DroppedAtEmit
    {
        get
        {
            long dropped = 0;
            foreach (ProducerShard? shard in _shards) dropped += shard?.DroppedAtEmit ?? 0;
            return dropped;
        }
    }

    /// <summary>Events emitted and not dropped at emit.</summary>
    private long Accepted()
    {
        long dropped = DroppedAtEmit; // drops first: a drop is counted emitted before it is counted dropped
        return Emitted - dropped;
    }

    /// <summary>
    /// The counters, consistent without stopping anyone: the lanes are read first and the producers' counts after, so
    /// everything a lane has flushed or dropped is also counted as emitted, and queued = emitted − flushed − dropped ≥ 0.
    /// </summary>
    public (long Emitted, LaneCounts[] Lanes) Snapshot(bool samplePeak = true)
    {
        LaneCounts[] lanes = _buffer.LaneCounts(samplePeak);
        long droppedAtEmit = DroppedAtEmit;
        long emitted = Emitted;
        for (int i = 0; i < lanes.Length; i++) lanes[i] = lanes[i] with { Dropped = lanes[i].Dropped + droppedAtEmit };
        return (emitted, lanes);
    }

    /// <summary>Events every transport has flushed or dropped; everything emitted before a point is settled once this reaches <see cref="Emitted"/> read then.</summary>
    public long Settled => _buffer.SettledByLanes + DroppedAtEmit;
}
