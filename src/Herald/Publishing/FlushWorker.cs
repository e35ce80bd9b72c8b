using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Herald.Transports;

namespace Herald.Publishing;

/// <summary>
/// The background loop that moves one transport's sealed chunks (its <see cref="BufferLane"/>) to it: batches of at most <c>max_batch_size</c>
/// events, transient failures retried with exponential backoff and jitter, permanent ones dropped and counted.
/// An exception from the transport is a crash: the batch in flight is dropped, the worker restarts, and after
/// <c>restart_limit</c> restarts it stops for good: its lane is retired, and once every transport's worker has stopped
/// the publisher falls back to stub behaviour.
/// It runs on a dedicated thread with a synchronous wait: waking it is then a monitor pulse, which allocates
/// nothing on the producer's thread (an awaited semaphore would queue a continuation to the thread pool).
/// </summary>
internal sealed class FlushWorker
{
    private readonly EventBuffer _buffer;
    private readonly EmitQueue _queue;
    private readonly int _lane;
    private readonly ITransport _transport;
    private readonly SemaphoreSlim _sendGate;
    private readonly TelemetryOptions _options;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();   // stop waiting: drain once more and exit
    private readonly CancellationTokenSource _abort = new();  // shutdown timeout passed: cancel sends and backoff
    private readonly object _statusLock = new();
    private int _wakePending;
    private const long SpinMicroseconds = 200;
    private bool _busy;
    private int _flushRequested; // 1: seal the chunk being filled at the next cycle (poll, tick, FlushAsync, stop)
    private TaskCompletionSource _cycle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _statusLock: the worker's own status fields.
    private double? _lastFlushMs;
    private long _lastBatchCount;
    private long _lastBatchBytes;
    private long _consecutiveFailures;
    private long _failuresTotal;
    private long _resent;
    private int _restarts;
    private bool _alive; // from Start until the worker stops for good
    private bool _started;
    private string? _error;

    private readonly SubscriberDispatcher? _dispatcher;

    // dispatcher: subscribers and listeners see the batches of one lane only (the first transport's); null for the others.
    public FlushWorker(EventBuffer buffer, EmitQueue queue, int lane, ITransport transport, SemaphoreSlim sendGate, TelemetryOptions options, SubscriberDispatcher? dispatcher)
    {
        _dispatcher = dispatcher;
        _buffer = buffer;
        _queue = queue;
        _lane = lane;
        _transport = transport;
        _sendGate = sendGate;
        _options = options;
    }

    /// <summary>Called at the start of every cycle (the publisher re-syncs its clock).</summary>
    public Action? CycleStarted { get; set; }

    /// <summary>Raised once when the worker stops for good after its last restart, with the error and whether any other lane is still live.</summary>
    public event Action<string, bool>? Died;

    public ITransport Transport => _transport;

    public void Start()
    {
        lock (_statusLock) _alive = _started = true;
        new Thread(Run) { IsBackground = true, Name = "herald-worker-" + _transport.Provider }.Start();
    }

    /// <summary>Wakes the worker; repeated calls before it runs cost one wake-up.</summary>
    public void Wake()
    {
        Volatile.Write(ref _flushRequested, 1);
        WakeToDrain();
    }

    /// <summary>
    /// A chunk was sealed or a batch's worth of events was queued: send what is sealed, but leave the chunk being
    /// filled alone unless it already holds a whole batch — sealing it early would waste its room and turn one
    /// 64 KB write into many small ones.
    /// </summary>
    public void WakeToDrain()
    {
        // Read first: a producer calling this often while the worker is already awake must not take its line exclusively.
        if (Volatile.Read(ref _wakePending) == 0 && Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
    }

    /// <summary>Completes after the worker's next full drain cycle.</summary>
    public Task NextCycle => Volatile.Read(ref _cycle).Task;

    public bool IsAlive
    {
        get
        {
            lock (_statusLock) return _alive;
        }
    }

    /// <summary>
    /// Stops the loop after one last drain. If that takes longer than <paramref name="timeout"/>, sends in flight
    /// are cancelled (their events count as dropped) and the loop gets one more second to unwind.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        lock (_statusLock)
        {
            if (!_started) return; // stub mode: there is no loop to stop
        }
        _stop.Cancel();
        Wake();
        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)).ConfigureAwait(false) != _exited.Task)
        {
            _abort.Cancel();
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        }
        lock (_statusLock) _alive = false;
    }

    public (double? LastFlushMs, long LastBatchCount, long LastBatchBytes, long Consecutive, long Total, int Restarts, bool Alive, string? Error, long Resent) Status()
    {
        lock (_statusLock) return (_lastFlushMs, _lastBatchCount, _lastBatchBytes, _consecutiveFailures, _failuresTotal, _restarts, _alive, _error, _resent);
    }

    private void Run()
    {
        try
        {
            RunWithRestarts();
        }
        finally
        {
            _exited.TrySetResult();
        }
    }

    private void RunWithRestarts()
    {
        while (true)
        {
            try
            {
                Loop();
                return;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return; // shutdown timed out; the chunk in flight was completed as dropped
            }
            catch (Exception ex)
            {
                bool dead;
                lock (_statusLock)
                {
                    _error = $"{ex.GetType().Name}: {ex.Message}";
                    dead = _restarts >= _options.Transport.Worker.RestartLimit || _stop.IsCancellationRequested;
                    if (!dead) _restarts++;
                }
                if (dead)
                {
                    // Retiring the lane drops its queue and everything sealed for it later, so no event can stay
                    // queued behind a dead worker; it takes only the queue lock, so a producer blocked in block mode
                    // is released rather than deadlocked. Then the publisher decides whether it is now a stub.
                    bool othersLive = _buffer.Retire(_lane);
                    Died?.Invoke(_error!, othersLive);
                    lock (_statusLock) _alive = false;
                    SignalCycle();
                    return;
                }
            }
        }
    }

    // Invariant at the top of each iteration: every chunk taken from the buffer has been completed
    // (sent or dropped), so emitted = flushed + dropped + queued holds whenever the worker waits.
    private void Loop()
    {
        TimeSpan poll = TimeSpan.FromSeconds(_options.Transport.WorkerPollSeconds);
        while (true)
        {
            bool stopping = _stop.IsCancellationRequested;
            bool polled = false;
            if (!stopping && SpinForWork()) _wake.Wait(0); // absorb a wake-up given while spinning, so it cannot pile up
            else if (!stopping) polled = !_wake.Wait(poll);
            Volatile.Write(ref _wakePending, 0);
            stopping = _stop.IsCancellationRequested;
            bool flush = Interlocked.Exchange(ref _flushRequested, 0) == 1;
            CycleStarted?.Invoke();

            _busy = DrainSealed(); // first: a blocked producer may be waiting for a free chunk
            bool sealCurrent = polled || flush || stopping;
            _busy |= EncodeAndDrain(sealCurrent, stopping);
            sealCurrent |= _buffer.CurrentEventCount >= _options.Transport.Buffer.MaxBatchSize;
            if (stopping) _buffer.SealCurrent(); // no producer can hold the writer lock any more, and the last chunk must go
            if (stopping || (sealCurrent && _buffer.TrySealCurrent())) DrainSealed();
            SignalCycle();
            if (stopping) return;
        }
    }

    /// <summary>
    /// Writes the emit queue's envelopes into chunks, a step at a time, sending each sealed chunk right after (it is
    /// still in this core's cache). Never waits for the writer lock (a producer in <c>block</c> mode may hold it while
    /// waiting for this worker to free a chunk); when it is taken, whoever holds it is writing the queue. Returns
    /// whether a chunk was sent.
    /// </summary>
    /// <param name="all">Write everything queued (a flush, a poll, a tick, shutdown). Otherwise only whole steps: a worker
    /// that took entries one by one right behind the producer would pull the queue's cache lines back and forth with
    /// every event (measured: ~240 ns per Emit instead of ~10).</param>
    /// <param name="stopping">Shutdown: keep going until the queue is empty, unless the shutdown is aborted.</param>
    private bool EncodeAndDrain(bool all, bool stopping)
    {
        bool sent = false;
        while (true)
        {
            int written = EncodeStep(all);
            bool drained = DrainSealed();
            sent |= drained;
            if (written > 0 || drained) continue;
            if (!stopping || _queue.Count == 0 || _abort.IsCancellationRequested) return sent;
            Thread.Sleep(1); // stopping, and another lane still holds every chunk: wait for it to send one
        }
    }

    /// <summary>Writes up to <see cref="EncodeStepSize"/> queued envelopes (none if fewer wait and not <paramref name="all"/>); returns how many.</summary>
    private int EncodeStep(bool all)
    {
        // Between flushes, only whole steps, and never the newest EmitQueue.Gap entries: those share cache lines with
        // the slots the producer is writing right now.
        long leave = all ? 0 : EmitQueue.Gap;
        if (!_buffer.WriterLock.TryEnter()) return 0;
        try
        {
            // Counted under the lock (another lane's worker or a producer may take entries too), and once per step: each
            // read of the producers' position takes that cache line away from the game's core.
            long available = _queue.Available - leave;
            if (available <= 0 || (!all && available < EncodeStepSize)) return 0;
            int step = (int)Math.Min(available, EncodeStepSize);
            int written = 0;
            while (written < step && _queue.WriteOldest(Writer.Worker) != WriteOutcome.NoRoom) written++;
            return written;
        }
        finally
        {
            _queue.Publish();
            _buffer.WriterLock.Exit();
        }
    }

    /// <summary>
    /// Envelopes written per hold of the writer lock, and the least a worker takes between flushes: a producer that
    /// finds the queue full waits at most this many.
    /// </summary>
    private const int EncodeStepSize = 64;

    /// <summary>Sends every sealed chunk; returns whether there was any (the producers are busy).</summary>
    private bool DrainSealed()
    {
        bool any = false;
        while (_buffer.TryTakeSealed(_lane, out Chunk chunk))
        {
            SendChunk(chunk);
            any = true;
        }
        return any;
    }

    /// <summary>
    /// While producers fill chunks faster than one wake-up takes (~10 µs to far more on a VM whose idle vCPU is
    /// descheduled), the worker polls for the next sealed chunk for up to <see cref="SpinMicroseconds"/> before
    /// sleeping; otherwise every chunk would pay a wake-up and a small buffer would stall the producer. Only after a
    /// cycle that found full chunks, so an idle game costs nothing.
    /// </summary>
    private bool SpinForWork()
    {
        if (!_busy) return false;
        long until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        while (Stopwatch.GetTimestamp() < until)
        {
            // _wakePending: a producer queued a batch's worth (read, not reset: the wait that follows would return at once).
            if (_buffer.HasSealed(_lane) || Volatile.Read(ref _wakePending) == 1 || Volatile.Read(ref _flushRequested) == 1 || _stop.IsCancellationRequested) return true;
            Thread.SpinWait(30);
        }
        return false;
    }

    private void SignalCycle() => Interlocked.Exchange(ref _cycle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void SendChunk(Chunk chunk)
    {
        int sent = 0;
        long sentBytes = 0;
        try
        {
            int offset = 0;
            while (offset < chunk.Length)
            {
                (int length, int count) = NextBatch(chunk, offset, _options.Transport.Buffer.MaxBatchSize);
                if (_dispatcher is { IsActive: true }) _dispatcher.Observe(chunk.Data.AsSpan(offset, length));
                if (SendWithRetries(new TransportBatch(chunk.Data.AsMemory(offset, length), count)))
                {
                    sent += count;
                    sentBytes += length;
                }
                offset += length;
            }
        }
        finally
        {
            // Whatever was not sent (a crash mid-chunk included) is counted as dropped.
            _buffer.Complete(_lane, chunk, sent, sentBytes);
        }
    }

    /// <summary>The next run of at most <paramref name="maxCount"/> whole lines starting at <paramref name="offset"/>.</summary>
    private static (int Length, int Count) NextBatch(Chunk chunk, int offset, int maxCount)
    {
        // A chunk that fits in one batch goes whole: scanning it would pull every cache line the producer
        // wrote over to this core, and the producer would pay to pull them back when the chunk is reused.
        if (offset == 0 && chunk.Count <= maxCount) return (chunk.Length, chunk.Count);
        ReadOnlySpan<byte> rest = chunk.Data.AsSpan(offset, chunk.Length - offset);
        int length = 0;
        int count = 0;
        while (count < maxCount && length < rest.Length)
        {
            int newline = rest.Slice(length).IndexOf((byte)'\n');
            length += newline + 1; // every envelope ends with '\n' and JSON text never contains a raw one
            count++;
        }
        return (length, count);
    }

    /// <summary>
    /// Sends one batch; false when it is given up (the caller counts it as dropped). In <c>block</c> mode a transient
    /// failure is retried with capped backoff for as long as the publisher runs — block mode loses nothing to an outage —
    /// and within <c>send_retry_limit</c> once shutdown has begun. In the drop modes the batch gets <c>send_retry_limit</c>
    /// retries; a batch that uses them all opens the circuit: until the cool-down (1 s, doubling to 30 s) has passed,
    /// batches are given up without a send, and then one batch gets one try — so a dead collector costs one send per
    /// cool-down instead of a retry storm, and the worker never sits on the buffer. The first success closes the circuit.
    /// </summary>
    private bool SendWithRetries(TransportBatch batch)
    {
        int retryLimit = _options.Transport.Worker.SendRetryLimit;
        bool block = _options.Transport.Worker.Backpressure == BackpressureMode.Block;
        if (!block && _circuitCooldown > TimeSpan.Zero)
        {
            // Open: given up at once (also during shutdown: the collector was dead a moment ago, so the shutdown timeout
            // is not spent on it). Past the cool-down, half-open: one try.
            if (_stop.IsCancellationRequested || Stopwatch.GetTimestamp() < _circuitRetryAt) return false;
            retryLimit = 0;
        }
        bool mayDuplicate = false; // an earlier attempt may have delivered part of this batch
        int stopSeenAt = -1;       // block mode: the attempt at which shutdown began; send_retry_limit counts from there
        for (int attempt = 0; ; attempt++)
        {
            long started = Stopwatch.GetTimestamp();
            SendResult result;
            _sendGate.Wait(_abort.Token);
            try
            {
                // File and stdout complete synchronously; a network send blocks only this worker thread.
                ValueTask<SendResult> pending = _transport.SendAsync(batch, _abort.Token);
                result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                _sendGate.Release();
            }
            double elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            lock (_statusLock)
            {
                if (result.Outcome == SendOutcome.Success)
                {
                    _lastFlushMs = elapsedMs;
                    _lastBatchCount = batch.Count;
                    _lastBatchBytes = batch.Lines.Length;
                    _consecutiveFailures = 0;
                    _circuitCooldown = TimeSpan.Zero;
                    if (mayDuplicate) _resent += batch.Count;
                    return true;
                }
                _consecutiveFailures++;
                _failuresTotal++;
                _error = result.Error;
                mayDuplicate |= result.PartlyDelivered;
            }
            if (result.Outcome == SendOutcome.PermanentFailure) return false;
            if (block && _stop.IsCancellationRequested && stopSeenAt < 0) stopSeenAt = attempt;
            int spent = block ? (stopSeenAt < 0 ? -1 : attempt - stopSeenAt) : attempt;
            if (spent >= retryLimit)
            {
                if (!block) OpenCircuit();
                return false;
            }
            // In block mode the attempt count keeps growing; the backoff caps at 5 s (a peer's Retry-After at 60 s), and
            // shutdown cuts it short so the last retries fit in shutdown_timeout_seconds.
            TimeSpan wait = Backoff(Math.Min(attempt, 16), result.RetryAfter is { } asked && asked > MaxRetryAfter ? MaxRetryAfter : result.RetryAfter);
            WaitHandle[] wakers = stopSeenAt < 0 && block ? [_abort.Token.WaitHandle, _stop.Token.WaitHandle] : [_abort.Token.WaitHandle];
            if (WaitHandle.WaitAny(wakers, wait) == 0) throw new OperationCanceledException(_abort.Token);
        }
    }

    private static readonly TimeSpan FirstCooldown = TimeSpan.FromSeconds(1), LongestCooldown = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);
    private TimeSpan _circuitCooldown; // zero: closed
    private long _circuitRetryAt;      // Stopwatch timestamp of the next half-open try

    private void OpenCircuit()
    {
        _circuitCooldown = _circuitCooldown == TimeSpan.Zero ? FirstCooldown : TimeSpan.FromTicks(Math.Min(_circuitCooldown.Ticks * 2, LongestCooldown.Ticks));
        _circuitRetryAt = Stopwatch.GetTimestamp() + (long)(_circuitCooldown.TotalSeconds * Stopwatch.Frequency);
        string pause = _circuitCooldown.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        lock (_statusLock) _error = $"{_error} (sends paused for {pause} s after a batch failed every try)";
    }


    /// <summary>50 ms · 2^attempt, capped at 5 s, with ±20 % jitter; a peer's Retry-After wins.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked) return asked;
        double baseMs = Math.Min(5000, 50 * Math.Pow(2, attempt));
        return TimeSpan.FromMilliseconds(baseMs * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
