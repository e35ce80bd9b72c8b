using System;
using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Linq;
using System.Threading.Tasks;
using Herald.Publishing;
using Herald.Serialization;
using Herald.Transports;
using Microsoft.Extensions.Logging;

namespace Herald;

/// <summary>
/// The default <see cref="ITelemetrySink"/>: puts each event on an ordered emit queue — a copy for an <c>x-struct</c>
/// event without references, its serialized envelope for any other — from which a background worker writes the
/// envelopes into a bounded buffer and sends it to the transports.
/// </summary>
/// <remarks>
/// Threading model (docs/runtime.md): any number of threads may call <see cref="Emit{TEvent}"/>; they are
/// serialized by one gate, held ~10 ns for a copy or for the time it takes to write a class event's envelope. The
/// workers are woken once per <c>max_batch_size</c> events, per full chunk, per <c>flush_interval_ticks</c>, or by
/// <c>worker_poll_seconds</c> — never per event. Every event is accounted for: emitted = flushed + dropped +
/// queued at every <see cref="TransportStatus"/> snapshot, and emitted = flushed + dropped after disposal.
/// </remarks>
public sealed class TelemetryPublisher : ITelemetrySink
{
    private const int Running = 0, Stub = 1, Disposed = 2;

    private readonly TelemetryOptions _options;
    private readonly EventBuffer _buffer;
    private readonly ProducerGate _producerGate; // the buffer's, read from here: the buffer's own fields change with every envelope a worker writes
    private readonly FlushWorker[] _workers; // one per transport, in configuration order; worker i reads buffer lane i
    private readonly SemaphoreSlim[] _sendGates; // a transport is sent to by its worker and fan_out producers, one at a time
    private readonly LatestValues _latest = new();
    private readonly CoarseClock _clock = new();
    private readonly EmitQueue _queue;
    private readonly EnvelopeStamp _stamp = new(); // for the envelopes producers write; the queue's encoder has its own
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);
    private readonly TransformPlan _transforms;
    private readonly SubscriberDispatcher _dispatcher;
    private readonly ILogger? _logger;
    private readonly TelemetryMeter _meter;
    private readonly int _maxBatch;
    private readonly int _flushIntervalTicks;
    private EnvelopeFormat?[] _formats = new EnvelopeFormat?[16];
    private int _state;
    private int _sinceWake;
    private uint _idSequence;
    private uint _waitedInEmit; // the _idSequence of the last Emit that waited for a free chunk (block mode)
    private int _disposeStarted;
    private long _rejected;
    private string? _lastRejection;
    private int _errorLines;

    private TelemetryPublisher(TelemetryOptions options, ITransport[] transports, ILogger? logger, bool stub = false)
    {
        _options = options;
        _logger = logger;
        _transforms = new TransformPlan(options.Transforms, options.Transforms.Pipeline.IsDefaultOrEmpty ? options.Events : EventRegistration.ForOptions(options.Events));
        _dispatcher = new SubscriberDispatcher(LogHandlerError);
        _maxBatch = Math.Max(1, options.Transport.Buffer.MaxBatchSize);
        _flushIntervalTicks = options.Transport.Buffer.FlushIntervalTicks;
        _buffer = new EventBuffer(options.Transport.Buffer.MaxBufferBytes, options.Transport.Worker.Backpressure,
            TimeSpan.FromSeconds(options.Transport.Worker.BlockTimeoutSeconds), transports.Length);
        _producerGate = _buffer.ProducerLock;
        _queue = EmitQueue.For(_buffer, options.Transport.Buffer.MaxBufferBytes);
        _workers = new FlushWorker[transports.Length];
        _sendGates = new SemaphoreSlim[transports.Length];
        for (int lane = 0; lane < transports.Length; lane++)
        {
            _sendGates[lane] = new SemaphoreSlim(1, 1);
            FlushWorker worker = new(_buffer, _queue, lane, transports[lane], _sendGates[lane], options, lane == 0 ? _dispatcher : null);
            worker.CycleStarted = _clock.Resync;
            worker.Died += (error, othersLive) => OnWorkerDied(worker.Transport, error, othersLive);
            _workers[lane] = worker;
        }
        _buffer.ChunkSealed = WakeToDrain;
        if (stub) _state = Stub; // every Emit is counted as dropped; no worker runs
        else foreach (FlushWorker worker in _workers) worker.Start();
        _meter = new TelemetryMeter(this);
        foreach (ITransport transport in transports)
        {
            if (transport is IStatusAware aware) aware.Attach(WorkerSideStatus);
        }
    }

    private void WakeToDrain()
    {
        foreach (FlushWorker worker in _workers) worker.WakeToDrain();
    }

    /// <summary>
    /// The status as a worker may read it during a send: without the producer gate, which a producer blocked in
    /// <c>block</c> mode holds while it waits for this very worker.
    /// </summary>
    private TransportStatus WorkerSideStatus()
    {
        var (emitted, lanes) = _buffer.CountsWithoutProducerLock();
        return Combine(emitted, lanes) with { QueueLengthPeak = 0, BytesFlushedTotal = 0 };
    }

    /// <summary>
    /// One status per transport, and the top-level one: the counters of the transport that has delivered the fewest
    /// events (so a healthy file transport cannot hide a dead collector), failures and restarts summed over all,
    /// alive while any worker runs.
    /// </summary>
    private TransportStatus Combine(long emitted, LaneCounts[] lanes)
    {
        var each = new TransportStatus[lanes.Length];
        int worst = 0;
        for (int i = 0; i < lanes.Length; i++)
        {
            LaneCounts c = lanes[i];
            var w = _workers[i].Status();
            ITransport transport = _workers[i].Transport;
            each[i] = new TransportStatus
            {
                Provider = transport.Provider,
                EventsEmitted = emitted,
                QueueLength = Math.Max(0, emitted - c.Flushed - c.Dropped),
                QueueLengthPeak = c.Peak,
                DroppedMessages = c.Dropped,
                LastFlushDurationMs = w.LastFlushMs,
                LastBatchCount = w.LastBatchCount,
                LastFlushPayloadBytes = w.LastBatchBytes,
                PayloadsFlushedTotal = c.Flushed,
                BytesFlushedTotal = c.FlushedBytes,
                ConsecutiveSendFailures = w.Consecutive,
                SendFailuresTotal = w.Total,
                WorkerRestartCount = w.Restarts,
                ResentMessages = w.Resent,
                WorkerAlive = w.Alive,
                WorkerError = w.Error,
                AuthEnabled = transport.AuthEnabled,
            };
            if (c.Flushed < lanes[worst].Flushed) worst = i;
        }
        if (each.Length == 1) return each[0] with { Transports = each };
        return each[worst] with
        {
            Provider = string.Join("+", each.Select(e => e.Provider)),
            SendFailuresTotal = each.Sum(e => e.SendFailuresTotal),
            WorkerRestartCount = each.Sum(e => e.WorkerRestartCount),
            ResentMessages = each.Sum(e => e.ResentMessages),
            WorkerAlive = each.Any(e => e.WorkerAlive),
            WorkerError = each[worst].WorkerError ?? each.Select(e => e.WorkerError is null ? null : e.Provider + ": " + e.WorkerError).FirstOrDefault(e => e is not null),
            AuthEnabled = each.Any(e => e.AuthEnabled),
            Transports = each,
        };
    }

    /// <summary>Creates a publisher with the transports its options name (<c>telemetry.transport</c> or <c>telemetry.transports</c>).</summary>
    /// <param name="options">The settings; see docs/configuration.md.</param>
    /// <param name="logger">Where handler failures and the stub banner go; standard error when null.</param>
    /// <exception cref="TelemetryConfigException">The options are invalid, or a transport cannot be opened; the message names every bad key.</exception>
    public static TelemetryPublisher Create(TelemetryOptions options, ILogger? logger = null)
    {
        TelemetryOptionsValidator.ThrowIfInvalid(options);
        if (options.IsStub) return CreateStub(options, new ITransport[] { new StubTransport() }, logger);
        return new TelemetryPublisher(options, TransportFactory.CreateAll(options), logger);
    }

    /// <summary>Creates a publisher that sends to <paramref name="transport"/> (custom transports, tests).</summary>
    public static TelemetryPublisher Create(TelemetryOptions options, ITransport transport, ILogger? logger = null)
        => Create(options, new[] { transport }, logger);

    /// <summary>Creates a publisher that feeds each of <paramref name="transports"/> from one buffer, each at its own pace.</summary>
    /// <exception cref="ArgumentException">No transport given.</exception>
    public static TelemetryPublisher Create(TelemetryOptions options, System.Collections.Generic.IReadOnlyList<ITransport> transports, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transports);
        if (transports.Count == 0) throw new ArgumentException("At least one transport is needed.", nameof(transports));
        TelemetryOptionsValidator.ThrowIfInvalid(options, checkTransport: false);
        return options.Enabled ? new TelemetryPublisher(options, transports.ToArray(), logger) : CreateStub(options, transports.ToArray(), logger);
    }

    /// <summary>Stub mode chosen by configuration: no worker starts, every event is counted as dropped, and the banner says so once.</summary>
    private static TelemetryPublisher CreateStub(TelemetryOptions options, ITransport[] transports, ILogger? logger)
    {
        Banner(logger, LogLevel.Warning, "[herald] WARNING: telemetry runs as the stub sink (" + (options.Enabled ? "transport type 'stub'" : "enabled: false") +
            "): events are counted as dropped and not sent.");
        return new TelemetryPublisher(options, transports, logger, stub: true);
    }

    /// <inheritdoc />
    public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>
    {
        string? correlation = Correlation.Current;
        long unixMs = _clock.NowUnixMs;
        using (_producerGate.EnterScope())
        {
            if (_state != Running)
            {
                _buffer.CountDropped();
                return;
            }
            EnvelopeFormat format = FormatOf<TEvent>();
            if (format.Checks.MayReject && format.Checks.Check(in evt) is { } rejection)
            {
                Reject(rejection);
                return;
            }
            _latest.Store(in evt);
            uint idSuffix = NextIdSuffix();
            if (EmitQueue.QueuesCopies<TEvent>() && !_queue.ProducersSerialize())
            {
                _buffer.CountEmitted();
                while (!_queue.TryAdd(format, in evt, unixMs, idSuffix, correlation)) MakeRoom();
            }
            else if (!EmitSerialized(format, in evt, unixMs, idSuffix, correlation))
            {
                return;
            }
            if (++_sinceWake >= _maxBatch)
            {
                _sinceWake = 0;
                WakeToDrain();
            }
        }
    }

    /// <summary>
    /// An event <c>Emit</c> may not keep: its envelope is written now. With nothing queued and no worker writing, it goes
    /// straight into the buffer (no copy, no second core touching it); otherwise into a scratch line, then the queue.
    /// Returns false if the writer refused a value (counted as dropped).
    /// </summary>
    private bool EmitSerialized<TEvent>(EnvelopeFormat format, in TEvent evt, long unixMs, uint idSuffix, string? correlation) where TEvent : IEvent<TEvent>
    {
        _stamp.Update(unixMs);
        if (_queue.IsEmpty && _buffer.WriterLock.TryEnter())
        {
            try
            {
                if (_queue.IsEmpty) // exact now: the encoder publishes what it took before it lets go of the lock
                {
                    _buffer.CountEmitted();
                    _buffer.BeginEvent(ProducerWriter);
                    try
                    {
                        var direct = new JsonOutput(_buffer);
                        format.Write(ref direct, in evt, _stamp, idSuffix, correlation);
                        direct.Complete();
                    }
                    catch (Exception)
                    {
                        _buffer.AbortEvent(); // a value the writer refuses (an undefined enum member): counted as dropped
                        return false;
                    }
                    if (_buffer.EndEvent() == WriteOutcome.Overflow) SendOverflow(_buffer.Overflow);
                    return true;
                }
            }
            finally
            {
                _buffer.WriterLock.Exit();
            }
        }

        _scratch.ResetWrittenCount();
        try
        {
            var json = new JsonOutput(_scratch);
            format.Write(ref json, in evt, _stamp, idSuffix, correlation);
            json.Complete();
        }
        catch (Exception)
        {
            _buffer.CountDropped(); // as above
            return false;
        }
        _buffer.CountEmitted();
        ReadOnlySpan<byte> line = _scratch.WrittenSpan;
        if (line.Length > _queue.MaxLine)
        {
            WriteDirectly(line);
            return true;
        }
        while (!_queue.TryAddLine(line))
        {
            if (WaitForWorker()) continue;
            // No worker is freeing room. A copyable event, serialized only to share the work, goes in as a copy if the
            // queue has room for one: sharing the work must not make the caller write entries itself, or wait in block mode.
            if (EmitQueue.QueuesCopies<TEvent>() && _queue.TryAdd(format, in evt, unixMs, idSuffix, correlation)) return true;
            WriteOldestEntries();
        }
        return true;
    }

    /// <summary>
    /// The emit queue is full (the workers fall behind, or their transports do). While a worker is writing the queue —
    /// it publishes its progress every step of 64 envelopes — this producer waits for it: two cores taking turns in
    /// one chunk would pull its cache lines back and forth. If nothing moves for <see cref="StallMicroseconds"/> (the
    /// worker is asleep, sending, or stuck behind a transport), this producer writes the oldest entries into the
    /// buffer itself, where the configured backpressure applies — <c>drop_oldest</c> evicts a queued chunk,
    /// <c>block</c> waits for a free one (once per Emit), <c>fan_out</c> sends the event from this thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MakeRoom()
    {
        if (!WaitForWorker()) WriteOldestEntries();
    }

    /// <summary>Waits while a worker frees room; false when nothing has moved for <see cref="StallMicroseconds"/>.</summary>
    private bool WaitForWorker()
    {
        WakeToDrain();
        long removed = _queue.Removed;
        long wanted = removed + HelpStep;
        long progressAt = Stopwatch.GetTimestamp();
        long stall = Stopwatch.Frequency * StallMicroseconds / 1_000_000;
        var spin = new SpinWait();
        while (true)
        {
            long now = _queue.Removed;
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

    /// <summary>
    /// Writes up to <see cref="HelpStep"/> of the oldest entries as this producer, where the configured backpressure
    /// applies. If another thread holds the writer lock, it is writing the queue: nothing to do.
    /// </summary>
    private void WriteOldestEntries()
    {
        if (!_buffer.WriterLock.TryEnter()) return;
        try
        {
            for (int i = 0; i < HelpStep && _queue.HasEntries; i++)
            {
                WriteOldestAsProducer();
                if (_buffer.WaitedForRoom) break; // block mode: the one wait of this Emit, then the caller gets its thread back
            }
        }
        finally
        {
            _queue.Publish();
            _buffer.WriterLock.Exit();
        }
    }

    /// <summary>
    /// How this Emit writes into the buffer: in <c>block</c> mode it waits for a free chunk at most once, however many
    /// queued entries it has to write (making room, or before an oversized line), so the caller waits at most
    /// <c>block_timeout_seconds</c>; after that, what finds no room is dropped and counted.
    /// </summary>
    private Writer ProducerWriter => _waitedInEmit == _idSequence ? Writer.ProducerDoneWaiting : Writer.Producer;

    /// <summary>Entries a producer that finds the queue full waits for, or writes itself.</summary>
    private const int HelpStep = 16;

    /// <summary>How long a full queue may show no progress before the producer writes entries itself.</summary>
    private const long StallMicroseconds = 20;

    /// <summary>A line too long for the queue: everything queued before it is written first, to keep emit order.</summary>
    private void WriteDirectly(ReadOnlySpan<byte> line)
    {
        using (_buffer.WriterLock.EnterScope())
        {
            while (_queue.HasEntries) WriteOldestAsProducer();
            _queue.Publish();
            _buffer.BeginEvent(ProducerWriter);
            line.CopyTo(_buffer.GetSpan(line.Length));
            _buffer.Advance(line.Length);
            if (_buffer.EndEvent() == WriteOutcome.Overflow) SendOverflow(_buffer.Overflow);
        }
    }

    private WriteOutcome WriteOldestAsProducer()
    {
        WriteOutcome outcome = _queue.WriteOldest(ProducerWriter);
        if (_buffer.WaitedForRoom) _waitedInEmit = _idSequence;
        if (outcome == WriteOutcome.Overflow) SendOverflow(_buffer.Overflow);
        return outcome;
    }

    /// <summary>Tells the publisher the simulation tick; every <c>flush_interval_ticks</c> ticks the worker sends what is queued.</summary>
    public void Tick(long tick)
    {
        if (_flushIntervalTicks > 0 && tick % _flushIntervalTicks == 0)
        {
            foreach (FlushWorker worker in _workers) worker.Wake();
        }
    }

    /// <inheritdoc />
    public TransportStatus TransportStatus
    {
        get
        {
            var (emitted, lanes) = _buffer.Snapshot();
            return Combine(emitted, lanes) with
            {
                RejectedMessages = Interlocked.Read(ref _rejected),
                LastRejection = Volatile.Read(ref _lastRejection),
                HandlerErrors = _dispatcher.HandlerErrors,
                HandlerDeliveriesDropped = _dispatcher.DeliveriesDropped,
            };
        }
    }

    /// <inheritdoc />
    public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => _latest.TryGet(out TEvent evt) ? evt : default;

    /// <inheritdoc />
    public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _latest.TryGet(out evt);

    /// <summary>
    /// Waits until everything emitted before the call is settled (sent or dropped), at most <paramref name="timeout"/>.
    /// Returns false when time ran out first — e.g. in <c>block</c> mode while a collector is down, where the worker
    /// keeps retrying — and true when every event is settled (or no worker is left to settle them).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await FlushAsync(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <inheritdoc />
    /// <remarks>Unbounded while a worker keeps retrying (block mode against a dead collector): pass a token, or use the timeout overload.</remarks>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target = _buffer.Emitted;
        while (_buffer.Settled < target && Array.Find(_workers, w => w.IsAlive) is { } alive)
        {
            Task cycle = alive.NextCycle;
            foreach (FlushWorker worker in _workers) worker.Wake();
            await cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops intake, sends what is queued within <see cref="TelemetryOptions.ShutdownTimeout"/>, counts the rest
    /// as dropped and closes the transport. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 1) return;
        using (_producerGate.EnterScope()) _state = Disposed; // emits that enter the lock from now on are counted as dropped
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(_workers.Select(w => w.StopAsync(_options.ShutdownTimeout))).ConfigureAwait(false);
        DropAllQueued();
        TimeSpan left = _options.ShutdownTimeout - clock.Elapsed;
        await _dispatcher.StopAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero).ConfigureAwait(false);
        _meter.Dispose();
        foreach (FlushWorker worker in _workers) await worker.Transport.DisposeAsync().ConfigureAwait(false);
        foreach (SemaphoreSlim gate in _sendGates) gate.Dispose();
    }

    private EnvelopeFormat FormatOf<TEvent>() where TEvent : IEvent<TEvent>
    {
        int index = EventTypeIndex<TEvent>.Value;
        if (index < _formats.Length && _formats[index] is { } known) return known;
        if (index >= _formats.Length) Array.Resize(ref _formats, Math.Max(index + 1, _formats.Length * 2));
        return _formats[index] = EnvelopeFormat.For<TEvent>(_options.Source, _transforms);
    }

    /// <summary>
    /// Six hex digits that do not repeat within 2^24 consecutive events: a counter put through a bijection of
    /// 24-bit values (odd multiplications mod 2^24 and xor-shifts are each invertible), so they look random.
    /// </summary>
    private uint NextIdSuffix()
    {
        const uint Mask = 0xFFFFFF;
        uint x = (uint)++_idSequence & Mask;
        x = (x * 0x9E3779B1u) & Mask;
        x ^= x >> 12;
        x = (x * 0x85EBCA6Bu) & Mask;
        x ^= x >> 12;
        return x;
    }

    /// <summary>Counts everything still queued as dropped: the emit queue, the chunk being filled, the sealed chunks.</summary>
    private void DropAllQueued()
    {
        using (_buffer.WriterLock.EnterScope()) _buffer.CountDroppedUnwritten(_queue.Clear());
        _buffer.DropAllQueued();
    }

    /// <summary>fan_out: the producer sends its overflowing event to each transport itself, serialized with that transport's worker.</summary>
    private void SendOverflow(ReadOnlyMemory<byte> line)
    {
        if (_dispatcher.IsActive) _dispatcher.Observe(line.Span);
        for (int lane = 0; lane < _workers.Length; lane++)
        {
            bool success = false;
            if (_buffer.IsLive(lane))
            {
                try
                {
                    _sendGates[lane].Wait();
                    try
                    {
                        success = _workers[lane].Transport.SendAsync(new TransportBatch(line, 1), CancellationToken.None).AsTask().GetAwaiter().GetResult().Outcome == SendOutcome.Success;
                    }
                    finally
                    {
                        _sendGates[lane].Release();
                    }
                }
                catch (Exception)
                {
                    success = false; // a transport fault is counted, never thrown into the game loop
                }
            }
            _buffer.OverflowSent(lane, success, line.Length);
        }
    }

    private void OnWorkerDied(ITransport transport, string error, bool othersLive)
    {
        string banner;
        if (othersLive)
        {
            banner = $"[herald] WARNING: the {transport.Provider} transport's worker stopped after {_options.Transport.Worker.RestartLimit} restarts ({error}). " +
                "The other transports continue; its events are counted as dropped.";
        }
        else
        {
            using (_producerGate.EnterScope())
            {
                if (_state == Running) _state = Stub;
            }
            DropAllQueued(); // the emit queue and the chunk being filled, now that no emit can add to them
            banner = $"[herald] WARNING: the telemetry worker stopped after {_options.Transport.Worker.RestartLimit} restarts ({error}). " +
                "Telemetry now runs as the stub sink: events are counted as dropped and not sent.";
        }
        Banner(_logger, LogLevel.Error, banner);
    }

    /// <summary>A stub banner goes to standard error always (a console user must see it) and to the logger when there is one.</summary>
    private static void Banner(ILogger? logger, LogLevel level, string banner)
    {
        Console.Error.WriteLine(banner);
        logger?.Log(level, "{Banner}", banner);
    }

    /// <summary>Called under the producer lock: the event is counted as dropped (and rejected), never thrown.</summary>
    private void Reject(string reason)
    {
        _buffer.CountDropped();
        Interlocked.Increment(ref _rejected);
        Volatile.Write(ref _lastRejection, reason);
    }

    /// <summary>A handler failure: to the logger, or to standard error for the first ten (then every thousandth).</summary>
    private void LogHandlerError(string handler, Exception ex)
    {
        if (_logger is not null)
        {
            _logger.LogError(ex, "Telemetry handler {Handler} failed", handler);
            return;
        }
        int n = Interlocked.Increment(ref _errorLines);
        if (n <= 10 || n % 1000 == 0) Console.Error.WriteLine($"[herald] handler {handler} failed ({n} so far): {ex.GetType().Name}: {ex.Message}");
    }

    /// <summary>
    /// Runs <paramref name="handler"/> for every <typeparamref name="TEvent"/> emitted from now on, on a background
    /// task (never the caller's thread), with the event as the transports see it (redacted). Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler) where TEvent : IEvent<TEvent>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _dispatcher.Subscribe(new Subscription<TEvent>(handler, NameOf(handler.Method)));
    }

    /// <summary>Runs a synchronous <paramref name="handler"/> for every <typeparamref name="TEvent"/>; see the async overload.</summary>
    public IDisposable Subscribe<TEvent>(Action<TEvent> handler) where TEvent : IEvent<TEvent>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _dispatcher.Subscribe(new Subscription<TEvent>((evt, _) =>
        {
            handler(evt);
            return ValueTask.CompletedTask;
        }, NameOf(handler.Method)));
    }

    /// <summary>
    /// A real-time listener: receives each batch of NDJSON envelopes as it is handed to the transport,
    /// after redaction, on a background task. Dispose the result to stop.
    /// </summary>
    public IDisposable AddListener(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return _dispatcher.AddListener(listener);
    }

    /// <summary>
    /// Subscribes every <see cref="SubscribeAttribute"/> method of <paramref name="target"/>. Each takes the generated type of
    /// the event its attribute names (and optionally a <see cref="CancellationToken"/>) and returns void, Task or ValueTask.
    /// </summary>
    /// <exception cref="ArgumentException">A method's signature or event type does not fit (HER102 reports it at build time).</exception>
    [RequiresUnreferencedCode("Finds [Subscribe] methods by reflection; use Subscribe<TEvent> in trimmed apps.")]
    [RequiresDynamicCode("Builds a typed subscription per [Subscribe] method; use Subscribe<TEvent> in AOT apps.")]
    public IDisposable SubscribeAll(object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var subscriptions = new System.Collections.Generic.List<IDisposable>();
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        MethodInfo bind = typeof(TelemetryPublisher).GetMethod(nameof(BindSubscribeMethod), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (MethodInfo method in target.GetType().GetMethods(Flags))
        {
            if (method.GetCustomAttribute<SubscribeAttribute>() is not { } attribute) continue;
            ParameterInfo[] parameters = method.GetParameters();
            Type? eventType = parameters.Length is 1 or 2 ? parameters[0].ParameterType : null;
            bool fits = eventType is not null
                && eventType.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEvent<>) && i.GetGenericArguments()[0] == eventType)
                && (parameters.Length == 1 || parameters[1].ParameterType == typeof(CancellationToken))
                && (method.ReturnType == typeof(void) || method.ReturnType == typeof(Task) || method.ReturnType == typeof(ValueTask));
            if (!fits)
                throw new ArgumentException($"[Subscribe] method {NameOf(method)} must take a generated event type (and optionally a CancellationToken) and return void, Task or ValueTask.", nameof(target));
            try
            {
                subscriptions.Add((IDisposable)bind.MakeGenericMethod(eventType!).Invoke(this, BindingFlags.DoNotWrapExceptions, null, new object[] { target, method, attribute.EventType }, null)!);
            }
            catch
            {
                foreach (IDisposable done in subscriptions) done.Dispose(); // all or nothing
                throw;
            }
        }
        return new CompositeSubscription(subscriptions);
    }

    private IDisposable BindSubscribeMethod<TEvent>(object target, MethodInfo method, string eventType) where TEvent : IEvent<TEvent>
    {
        if (eventType != TEvent.EventType)
            throw new ArgumentException($"[Subscribe(\"{eventType}\")] on {NameOf(method)} takes {typeof(TEvent).Name}, which is the event '{TEvent.EventType}' (HER102).");
        object? instance = method.IsStatic ? null : target;
        bool withToken = method.GetParameters().Length == 2;
        Func<TEvent, CancellationToken, ValueTask> handler = (evt, token) =>
        {
            object? result = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, withToken ? new object[] { evt, token } : new object[] { evt }, null);
            return result switch
            {
                Task task => new ValueTask(task),
                ValueTask valueTask => valueTask,
                _ => ValueTask.CompletedTask,
            };
        };
        return _dispatcher.Subscribe(new Subscription<TEvent>(handler, NameOf(method)));
    }

    private static string NameOf(MethodInfo method) => (method.DeclaringType?.Name ?? "?") + "." + method.Name;

    private sealed class CompositeSubscription(System.Collections.Generic.List<IDisposable> parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (IDisposable part in parts) part.Dispose();
        }
    }
}
