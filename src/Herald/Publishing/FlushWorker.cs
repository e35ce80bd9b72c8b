using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Herald.Logging;
using Herald.Transports;
using Microsoft.Extensions.Logging;

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
    private readonly EmitPipeline _pipeline;
    private readonly EventBuffer _buffer;
    private readonly WorkerSignal _signal;
    private readonly int _lane;
    private readonly ITransport _transport;
    private readonly TelemetryOptions _options;
    // Held from taking a chunk off the lane until it is completed, by this worker or a fan_out producer, so each
    // transport receives the chunks in the order they were sealed.
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();   // stop waiting: drain once more and exit
    private readonly CancellationTokenSource _abort = new();  // shutdown timeout passed: cancel sends and backoff
    private readonly object _statusLock = new();
    private const long SpinMicroseconds = 200;
    private bool _busy;
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

    // Guarded by _statusLock: the failure streaks as the log reports them (docs/runtime.md, "Logging"). Reported by the
    // worker thread only (ReportHealth): "failing" at most once per _failureLogInterval, across streaks (a collector that
    // flaps every other send logs no more than one that stays down), and "recovered" only after a "failing" entry.
    private long _streakStartedAt;     // Stopwatch timestamp of the streak's first failed send
    private long _failureLoggedAt;     // when "transport failing" was last logged; 0: never
    private bool _failingLogged;       // a "failing" entry is out, its "recovered" not yet
    private long _recoveredFailures;   // failed sends of streaks that ended since the last "recovered" entry
    private double _recoveredSeconds;  // how long the last of them lasted
    private volatile bool _healthPending; // a streak runs or ended since the last report
    private long _failureLogInterval = Stopwatch.Frequency * 30;

    private readonly SubscriberDispatcher? _dispatcher;
    private readonly ILogger? _logger;
    private int _threadId;

    // dispatcher: subscribers and listeners see the batches of one lane only (the first transport's); null for the others.
    public FlushWorker(EmitPipeline pipeline, int lane, ITransport transport, TelemetryOptions options, SubscriberDispatcher? dispatcher, ILogger? logger = null)
    {
        _logger = logger;
        _dispatcher = dispatcher;
        _pipeline = pipeline;
        _buffer = pipeline.Buffer;
        _signal = pipeline.Signals[lane];
        _lane = lane;
        _transport = transport;
        _options = options;
    }

    /// <summary>Raised once when the worker stops for good after its last restart, with the error and whether any other lane is still live.</summary>
    public event Action<string, bool>? Died;

    public ITransport Transport => _transport;

    /// <summary>An error as status and health output show it: credentials and URL user info redacted, whatever the transport wrote.</summary>
    private static string? Clean(string? error) => error is null ? null : ServerText.ForLog(error);

    /// <summary>Where each send's duration is recorded (the publisher's meter).</summary>
    public TelemetryMeter? Meter { get; set; }

    /// <summary>At most how often "transport failing" is logged, across failure streaks (30 s; tests shorten it).</summary>
    internal TimeSpan FailureLogInterval
    {
        get => TimeSpan.FromSeconds((double)Interlocked.Read(ref _failureLogInterval) / Stopwatch.Frequency);
        set => Interlocked.Exchange(ref _failureLogInterval, (long)(value.TotalSeconds * Stopwatch.Frequency));
    }

    public void Start()
    {
        lock (_statusLock) _alive = _started = true;
        new Thread(Run) { IsBackground = true, Name = "herald-worker-" + _transport.Provider }.Start();
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
    /// Stops the loop after one last drain. If that lasts until <paramref name="deadline"/> is cancelled, sends in flight
    /// are cancelled (their events count as dropped) and the loop gets one more second to unwind.
    /// </summary>
    public async Task StopAsync(CancellationToken deadline)
    {
        lock (_statusLock)
        {
            if (!_started) return; // stub mode: there is no loop to stop
        }
        _stop.Cancel();
        _signal.WakeToFlush();
        if (await Task.WhenAny(_exited.Task, Task.Delay(Timeout.Infinite, deadline)).ConfigureAwait(false) != _exited.Task)
        {
            _abort.Cancel();
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        }
        lock (_statusLock) _alive = false;
    }

    /// <summary>
    /// Shutdown ran out of time before the emits inside had returned: cancels this transport's sends in flight and backoff
    /// (a <c>fan_out</c> producer's included) and drops what its lane holds and whatever is sealed for it from now on, so
    /// that a producer waiting for a send or for room returns. What was not sent is counted as dropped.
    /// </summary>
    public void Abort()
    {
        _abort.Cancel();
        _buffer.Retire(_lane);
    }

    public (double? LastFlushMs, long LastBatchCount, long LastBatchBytes, long Consecutive, long Total, int Restarts, bool Alive, string? Error, long Resent) Status()
    {
        lock (_statusLock) return (_lastFlushMs, _lastBatchCount, _lastBatchBytes, _consecutiveFailures, _failuresTotal, _restarts, _alive, _error, _resent);
    }

    private void Run()
    {
        _threadId = Environment.CurrentManagedThreadId;
        // Whatever this thread runs — a transport's send and its continuations — logs nothing into Herald itself.
        LogRecursionGuard.MarkHeraldFlow();
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
                int restart;
                lock (_statusLock)
                {
                    _error = Clean($"{ex.GetType().Name}: {ex.Message}");
                    dead = _restarts >= _options.Transport.Worker.RestartLimit || _stop.IsCancellationRequested;
                    if (!dead) _restarts++;
                    restart = _restarts;
                }
                if (!dead && _logger is not null)
                    HeraldLog.WorkerRestarted(_logger, _transport.Provider, _error ?? "", restart, _options.Transport.Worker.RestartLimit);
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
            if (!stopping && SpinForWork()) _signal.Absorb(); // a wake-up given while spinning must not pile up
            else if (!stopping) polled = !_signal.Wait(poll);
            bool flush = _signal.BeginCycle();
            stopping = _stop.IsCancellationRequested;
            _pipeline.ResyncClock();
            ReportHealth(); // what a fan_out producer's sends changed

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
    /// Writes the queued envelopes into chunks, a step at a time, sending each sealed chunk right after (it is still in
    /// this core's cache). Returns whether a chunk was sent.
    /// </summary>
    /// <param name="all">Write everything queued (a flush, a poll, a tick, shutdown); otherwise only whole steps.</param>
    /// <param name="stopping">Shutdown: keep going until the queues are empty, unless the shutdown is aborted.</param>
    private bool EncodeAndDrain(bool all, bool stopping)
    {
        bool sent = false;
        while (true)
        {
            int written = _pipeline.EncodeStep(all);
            bool drained = DrainSealed();
            sent |= drained;
            if (written > 0 || drained) continue;
            if (!stopping || !_pipeline.HasQueuedEntries || _abort.IsCancellationRequested) return sent;
            Thread.Sleep(1); // stopping, and another lane still holds every chunk: wait for it to send one
        }
    }

    /// <summary>Sends every sealed chunk; returns whether there was any (the producers are busy).</summary>
    private bool DrainSealed()
    {
        bool any = false;
        while (SendOldest()) any = true;
        return any;
    }

    /// <summary>Takes the lane's oldest sealed chunk and sends it, under the send gate; false when none was sealed.</summary>
    private bool SendOldest()
    {
        _sendGate.Wait();
        try
        {
            if (!_buffer.TryTakeSealed(_lane, out Chunk chunk)) return false;
            SendChunk(chunk);
            return true;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>
    /// fan_out: a producer that found every chunk in use sends this lane's oldest chunk on its own thread (waiting for a
    /// send in flight first). False once the lane is retired. A transport fault is counted, never thrown into the game.
    /// </summary>
    public bool SendOldestOnCaller()
    {
        if (!_buffer.IsLive(_lane)) return false;
        // A transport that logs while sending on the producer's thread (or in its continuations) logs nothing into Herald.
        using LogRecursionGuard.FlowSection herald = LogRecursionGuard.EnterFlow();
        try
        {
            SendOldest();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            lock (_statusLock) _error = Clean($"{ex.GetType().Name}: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            // shutdown timed out meanwhile: the chunk was completed as dropped
        }
        return true;
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
            // Pending: a producer queued a batch's worth (read, not reset: the wait that follows would return at once).
            if (_buffer.HasSealed(_lane) || _signal.Pending || _stop.IsCancellationRequested) return true;
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
                if (SendWithRetries(new TransportBatch(chunk.Data.AsMemory(offset, length), count)) is { } kept)
                {
                    sent += kept; // the events the receiver refused to keep (partial success) count as dropped
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
    /// Sends one batch; returns how many of its events the receiver kept (all of them unless it reported a partial
    /// success), or null when the batch is given up (the caller counts it as dropped). In <c>block</c> mode a transient
    /// failure is retried with capped backoff for as long as the publisher runs — block mode loses nothing to an outage —
    /// and within <c>send_retry_limit</c> once shutdown has begun. In the drop modes the batch gets <c>send_retry_limit</c>
    /// retries; a batch that uses them all opens the circuit: until the cool-down (1 s, doubling to 30 s) has passed,
    /// batches are given up without a send, and then one batch gets one try — so a dead collector costs one send per
    /// cool-down instead of a retry storm, and the worker never sits on the buffer. The first success closes the circuit.
    /// </summary>
    private int? SendWithRetries(TransportBatch batch)
    {
        int retryLimit = _options.Transport.Worker.SendRetryLimit;
        bool block = _options.Transport.Worker.Backpressure == BackpressureMode.Block;
        if (!block && _circuitCooldown > TimeSpan.Zero)
        {
            // Open: given up at once (also during shutdown: the collector was dead a moment ago, so the shutdown timeout
            // is not spent on it). Past the cool-down, half-open: one try.
            if (_stop.IsCancellationRequested || Stopwatch.GetTimestamp() < _circuitRetryAt) return null;
            retryLimit = 0;
        }
        bool mayDuplicate = false; // an earlier attempt may have delivered part of this batch
        int stopSeenAt = -1;       // block mode: the attempt at which shutdown began; send_retry_limit counts from there
        for (int attempt = 0; ; attempt++)
        {
            long started = Stopwatch.GetTimestamp();
            SendResult result;
            // File and stdout complete synchronously; while a network send is in flight this worker keeps encoding.
            ValueTask<SendResult> pending = _transport.SendAsync(batch, _abort.Token);
            if (pending.IsCompletedSuccessfully) result = pending.Result;
            else
            {
                Task<SendResult> inFlight = pending.AsTask();
                EncodeWhileSending(inFlight);
                result = inFlight.GetAwaiter().GetResult();
            }
            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            double elapsedMs = elapsed.TotalMilliseconds;
            Meter?.RecordSend(_transport.Provider, _lane, elapsed, result.Outcome);
            int? succeeded = null;

            lock (_statusLock)
            {
                if (result.Outcome == SendOutcome.Success)
                {
                    int kept = batch.Count - Math.Clamp(result.Rejected, 0, batch.Count);
                    _lastFlushMs = elapsedMs;
                    _lastBatchCount = kept;
                    _lastBatchBytes = batch.Lines.Length;
                    if (_consecutiveFailures > 0)
                    {
                        _recoveredFailures += _consecutiveFailures;
                        _recoveredSeconds = Stopwatch.GetElapsedTime(_streakStartedAt).TotalSeconds;
                        _healthPending = true;
                    }
                    _consecutiveFailures = 0;
                    _circuitCooldown = TimeSpan.Zero;
                    if (mayDuplicate) _resent += batch.Count;
                    if (result.Rejected > 0) _error = Clean(result.Error); // the receiver's reason for what it refused
                    succeeded = kept;
                }
                else
                {
                    if (_consecutiveFailures++ == 0) _streakStartedAt = started;
                    _failuresTotal++;
                    _error = Clean(result.Error);
                    mayDuplicate |= result.PartlyDelivered;
                    _healthPending = true;
                }
            }
            ReportHealth();
            if (succeeded is { } delivered) return delivered;
            if (result.Outcome == SendOutcome.PermanentFailure) return null;
            if (block && _stop.IsCancellationRequested && stopSeenAt < 0) stopSeenAt = attempt;
            int spent = block ? (stopSeenAt < 0 ? -1 : attempt - stopSeenAt) : attempt;
            if (spent >= retryLimit)
            {
                if (!block) OpenCircuit();
                return null;
            }
            // In block mode the attempt count keeps growing; the backoff caps at 5 s (a peer's Retry-After at 60 s), and
            // shutdown cuts it short so the last retries fit in shutdown_timeout_seconds.
            TimeSpan wait = Backoff(Math.Min(attempt, 16), result.RetryAfter is { } asked && asked > MaxRetryAfter ? MaxRetryAfter : result.RetryAfter);
            WaitHandle[] wakers = stopSeenAt < 0 && block ? [_abort.Token.WaitHandle, _stop.Token.WaitHandle] : [_abort.Token.WaitHandle];
            if (EncodeWhileWaiting(wakers, wait) == 0) throw new OperationCanceledException(_abort.Token);
        }
    }

    /// <summary>
    /// Logs the failure streak's changes, on the worker thread only (a <c>fan_out</c> producer's sends are reported at the
    /// worker's next cycle, so nothing is logged on the emit path): "transport failing" at most once per
    /// <see cref="FailureLogInterval"/>, across streaks, with the streak's count; "recovered" at the first successful send
    /// after a "failing" entry, with the failed sends since the last one. Costs a volatile read while the transport is healthy.
    /// </summary>
    private void ReportHealth()
    {
        if (!_healthPending || _logger is null || Environment.CurrentManagedThreadId != _threadId) return;
        long now = Stopwatch.GetTimestamp();
        long recovered = 0, consecutive = 0, total = 0;
        double recoveredSeconds = 0, failingSeconds = 0;
        string? error = null;
        lock (_statusLock)
        {
            if (_recoveredFailures > 0 && _failingLogged)
            {
                (recovered, recoveredSeconds) = (_recoveredFailures, _recoveredSeconds);
                _recoveredFailures = 0;
                _failingLogged = false;
            }
            if (_consecutiveFailures == 0) _healthPending = false;
            else if (_failureLoggedAt == 0 || now - _failureLoggedAt >= Interlocked.Read(ref _failureLogInterval))
            {
                _failureLoggedAt = now;
                _failingLogged = true;
                (consecutive, total, error) = (_consecutiveFailures, _failuresTotal, _error);
                failingSeconds = Stopwatch.GetElapsedTime(_streakStartedAt, now).TotalSeconds;
            }
        }
        if (recovered > 0) HeraldLog.TransportRecovered(_logger, _transport.Provider, recovered, recoveredSeconds);
        if (consecutive > 0) HeraldLog.TransportFailing(_logger, _transport.Provider, consecutive, failingSeconds, total, error ?? "");
    }

    /// <summary>
    /// Waits for a send in flight, encoding queued events meanwhile: a slow or dead transport does not stop the encoding,
    /// so producers keep their cheap path and <c>drop_oldest</c> evicts old chunks instead of making <c>Emit</c> do the work.
    /// </summary>
    private void EncodeWhileSending(Task inFlight)
    {
        while (!inFlight.IsCompleted)
        {
            if (_pipeline.EncodeStep(all: false) == 0) ((IAsyncResult)inFlight).AsyncWaitHandle.WaitOne(1);
        }
    }

    /// <summary>A retry's backoff, encoding meanwhile; returns the index of the handle that ended it, or -1 when the time passed.</summary>
    private int EncodeWhileWaiting(WaitHandle[] wakers, TimeSpan wait)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            long left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0) return -1;
            if (_pipeline.EncodeStep(all: false) > 0) continue;
            int woken = WaitHandle.WaitAny(wakers, TimeSpan.FromTicks(Math.Clamp(left * TimeSpan.TicksPerSecond / Stopwatch.Frequency, 1, TimeSpan.TicksPerMillisecond)));
            if (woken != WaitHandle.WaitTimeout) return woken;
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
