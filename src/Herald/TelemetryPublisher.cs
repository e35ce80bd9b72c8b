using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Herald.Publishing;
using Herald.Transports;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Herald;

/// <summary>
/// The default <see cref="ITelemetrySink"/>: takes each event into an emit pipeline — a copy for an <c>x-struct</c> event
/// without references, its serialized envelope for any other — from which background workers, one per transport, write
/// the envelopes into a bounded buffer and send them.
/// </summary>
/// <remarks>
/// Threading model (docs/runtime.md): any number of threads may call <see cref="Emit{TEvent}"/>; each thread emits
/// through a producer shard of its own (up to one per core), so events keep their emit order per thread and threads do
/// not contend. The workers are woken once per <c>max_batch_size</c> events, per full chunk, per
/// <c>flush_interval_ticks</c>, or by <c>worker_poll_seconds</c> — never per event. Every event is accounted for:
/// emitted = flushed + dropped + queued at every <see cref="TransportStatus"/> snapshot, and emitted = flushed + dropped
/// after disposal.
/// </remarks>
public sealed class TelemetryPublisher : ITelemetrySink
{
    private readonly TelemetryOptions _options;
    private readonly EmitPipeline _pipeline;
    private readonly FlushWorker[] _workers; // one per transport, in configuration order; worker i reads buffer lane i
    private readonly SubscriberDispatcher _dispatcher;
    private readonly ILogger? _logger;
    private readonly TelemetryMeter _meter;
    private readonly int _flushIntervalTicks;
    private int _disposeStarted;
    private int _errorLines;

    private TelemetryPublisher(TelemetryOptions options, ITransport[] transports, ILogger? logger, bool stub = false, IMeterFactory? meterFactory = null)
    {
        _options = options;
        _logger = logger;
        var transforms = new TransformPlan(options.Transforms, options.Transforms.Pipeline.IsDefaultOrEmpty ? options.Events : EventRegistration.ForOptions(options.Events));
        _dispatcher = new SubscriberDispatcher(LogHandlerError);
        _flushIntervalTicks = options.Transport.Buffer.FlushIntervalTicks;
        _pipeline = new EmitPipeline(options, transforms, transports.Length, stub);
        _workers = new FlushWorker[transports.Length];
        for (int lane = 0; lane < transports.Length; lane++)
        {
            FlushWorker worker = new(_pipeline, lane, transports[lane], options, lane == 0 ? _dispatcher : null, logger);
            worker.Died += (error, othersLive) => OnWorkerDied(worker.Transport, error, othersLive);
            _workers[lane] = worker;
        }
        _pipeline.SendOldestOnCaller = lane => _workers[lane].SendOldestOnCaller();
        _meter = new TelemetryMeter(meterFactory);
        foreach (FlushWorker worker in _workers) worker.Meter = _meter;
        if (!stub) foreach (FlushWorker worker in _workers) worker.Start(); // a stub counts every Emit as dropped; no worker runs
        _meter.Observe(this);
        foreach (ITransport transport in transports)
        {
            if (transport is IStatusAware aware) aware.Attach(WorkerSideStatus);
        }
    }

    /// <summary>The status as a transport may read it during a send (without the peak, which a snapshot samples).</summary>
    private TransportStatus WorkerSideStatus()
    {
        var (emitted, lanes) = _pipeline.Snapshot(samplePeak: false);
        return StatusReport.Combine(emitted, lanes, _workers) with { QueueLengthPeak = 0, BytesFlushedTotal = 0 };
    }

    /// <summary>Creates a publisher with the transports its options name (<c>telemetry.transport</c> or <c>telemetry.transports</c>).</summary>
    /// <param name="options">The settings; see docs/configuration.md.</param>
    /// <param name="logger">Where the runtime logs its state changes (docs/runtime.md, "Logging": stub mode, worker restarts and
    /// deaths, a failing and recovered transport, handler failures); without one, stub mode and handler failures go to standard error.</param>
    /// <exception cref="TelemetryConfigException">The options are invalid, or a transport cannot be opened; the message names every bad key.</exception>
    public static TelemetryPublisher Create(TelemetryOptions options, ILogger? logger = null) => Create(options, logger, meterFactory: null);

    /// <summary>The hosted creation: the meter comes from the host's <paramref name="meterFactory"/> when there is one.</summary>
    internal static TelemetryPublisher Create(TelemetryOptions options, ILogger? logger, IMeterFactory? meterFactory)
    {
        TelemetryOptionsValidator.ThrowIfInvalid(options);
        if (options.IsStub) return CreateStub(options, new ITransport[] { new StubTransport() }, logger, meterFactory);
        return new TelemetryPublisher(options, TransportFactory.CreateAll(options), logger, meterFactory: meterFactory);
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
    private static TelemetryPublisher CreateStub(TelemetryOptions options, ITransport[] transports, ILogger? logger, IMeterFactory? meterFactory = null)
    {
        string reason = options.Enabled ? "transport type 'stub'" : "enabled: false";
        Console.Error.WriteLine("[herald] WARNING: telemetry runs as the stub sink (" + reason + "): events are counted as dropped and not sent.");
        if (logger is not null) HeraldLog.StubChosen(logger, reason);
        return new TelemetryPublisher(options, transports, logger, stub: true, meterFactory);
    }

    /// <inheritdoc />
    public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent> => _pipeline.Enqueue(in evt);

    /// <summary>Tells the publisher the simulation tick; every <c>flush_interval_ticks</c> ticks the worker sends what is queued.</summary>
    public void Tick(long tick)
    {
        if (_flushIntervalTicks > 0 && tick % _flushIntervalTicks == 0) _pipeline.Signals.WakeToFlush();
    }

    /// <inheritdoc />
    public TransportStatus TransportStatus
    {
        get
        {
            var (emitted, lanes) = _pipeline.Snapshot();
            return StatusReport.Combine(emitted, lanes, _workers) with
            {
                RejectedMessages = _pipeline.Rejected,
                LastRejection = _pipeline.LastRejection,
                HandlerErrors = _dispatcher.HandlerErrors,
                HandlerDeliveriesDropped = _dispatcher.DeliveriesDropped,
            };
        }
    }

    /// <inheritdoc />
    public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => _pipeline.TryGetLatest(out TEvent evt) ? evt : default;

    /// <inheritdoc />
    public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _pipeline.TryGetLatest(out evt);

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
        long target = _pipeline.Emitted;
        while (_pipeline.Settled < target && Array.Find(_workers, w => w.IsAlive) is { } alive)
        {
            Task cycle = alive.NextCycle;
            _pipeline.Signals.WakeToFlush();
            await cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops intake, sends what is queued within <see cref="TelemetryOptions.ShutdownTimeout"/>, counts the rest
    /// as dropped and closes the transport. Idempotent.
    /// </summary>
    public ValueTask DisposeAsync() => ShutdownAsync(CancellationToken.None);

    /// <summary>Whether disposal (a host's stop) has begun.</summary>
    internal bool IsShutDown => Volatile.Read(ref _disposeStarted) == 1;

    /// <summary>
    /// <see cref="DisposeAsync"/> that also ends when <paramref name="stopToken"/> is cancelled (a host's shutdown timeout),
    /// whichever comes first: then sends in flight are cancelled and what was not sent is counted as dropped.
    /// </summary>
    internal async ValueTask ShutdownAsync(CancellationToken stopToken)
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 1) return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopToken);
        deadline.CancelAfter(_options.ShutdownTimeout);
        _pipeline.CloseIntake(disposing: true); // emits from now on are counted as dropped
        // The emits already inside return first, within the shutdown timeout: one may be sending on its own thread (fan_out)
        // or waiting for room (block) behind a transport that does not answer, until the sends are cancelled.
        Task inside = _pipeline.NoEmitInside() ? Task.CompletedTask : Task.Run(_pipeline.WaitForEmitsInside);
        if (await Task.WhenAny(inside, Task.Delay(Timeout.Infinite, deadline.Token)).ConfigureAwait(false) != inside)
        {
            foreach (FlushWorker worker in _workers) worker.Abort();
            await inside.ConfigureAwait(false);
        }
        await Task.WhenAll(_workers.Select(w => w.StopAsync(deadline.Token))).ConfigureAwait(false);
        _pipeline.DropAllQueued();
        await _dispatcher.StopAsync(deadline.Token).ConfigureAwait(false);
        _meter.Dispose();
        foreach (FlushWorker worker in _workers) await worker.Transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A worker stopped for good (on its thread). The banner goes to standard error always — telemetry that stops
    /// sending must never be silent, and a console game may have no logger that anyone reads — and the logger, when
    /// there is one, gets <see cref="HeraldLog.WorkerDied"/> and, for the last worker, <see cref="HeraldLog.StubFallback"/>.
    /// </summary>
    private void OnWorkerDied(ITransport transport, string error, bool othersLive)
    {
        int restartLimit = _options.Transport.Worker.RestartLimit;
        string banner;
        if (othersLive)
        {
            banner = $"[herald] WARNING: the {transport.Provider} transport's worker stopped after {restartLimit} restarts ({error}). " +
                "The other transports continue; its events are counted as dropped.";
        }
        else
        {
            _pipeline.StopIntake(disposing: false);
            _pipeline.DropAllQueued(); // the queues and the chunk being filled, now that no emit can add to them
            banner = $"[herald] WARNING: the telemetry worker stopped after {restartLimit} restarts ({error}). " +
                "Telemetry now runs as the stub sink: events are counted as dropped and not sent.";
        }
        Console.Error.WriteLine(banner);
        if (_logger is null) return;
        int live = othersLive ? Math.Max(1, _workers.Count(w => w.Transport != transport && w.IsAlive)) : 0;
        HeraldLog.WorkerDied(_logger, transport.Provider, restartLimit, error, live); // the worker's error, already scrubbed
        if (!othersLive) HeraldLog.StubFallback(_logger, transport.Provider, restartLimit);
    }

    /// <summary>At most how often each worker logs "transport failing", across failure streaks (tests shorten it).</summary>
    internal TimeSpan FailureLogInterval
    {
        set
        {
            foreach (FlushWorker worker in _workers) worker.FailureLogInterval = value;
        }
    }

    /// <summary>A handler failure: to the logger, or to standard error for the first ten (then every thousandth).</summary>
    private void LogHandlerError(string handler, Exception ex)
    {
        if (_logger is not null)
        {
            HeraldLog.HandlerFailed(_logger, ex, handler);
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
        return _dispatcher.Subscribe(new Subscription<TEvent>(handler, SubscribeMethods.NameOf(handler.Method)));
    }

    /// <summary>Runs a synchronous <paramref name="handler"/> for every <typeparamref name="TEvent"/>; see the async overload.</summary>
    public IDisposable Subscribe<TEvent>(Action<TEvent> handler) where TEvent : IEvent<TEvent>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _dispatcher.Subscribe(new Subscription<TEvent>((evt, _) =>
        {
            handler(evt);
            return ValueTask.CompletedTask;
        }, SubscribeMethods.NameOf(handler.Method)));
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
        return SubscribeMethods.SubscribeAll(_dispatcher, target);
    }
}
