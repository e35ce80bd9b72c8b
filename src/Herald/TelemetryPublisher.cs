using System;
using System.Threading;
using System.Threading.Tasks;
using Herald.Publishing;
using Herald.Serialization;
using Herald.Transports;

namespace Herald;

/// <summary>
/// The default <see cref="ITelemetrySink"/>: serializes each event inside its charter envelope straight into a
/// bounded buffer on the caller's thread, and a background worker sends the buffer to the transport.
/// </summary>
/// <remarks>
/// Threading model (docs/runtime.md): any number of threads may call <see cref="Emit{TEvent}"/>; they are
/// serialized by one lock held for the few tens of nanoseconds it takes to write an envelope. The worker is
/// woken once per <c>max_batch_size</c> events, per full chunk, per <c>flush_interval_ticks</c>, or by
/// <c>worker_poll_seconds</c> — never per event. Every event is accounted for: emitted = flushed + dropped +
/// queued at every <see cref="TransportStatus"/> snapshot, and emitted = flushed + dropped after disposal.
/// </remarks>
public sealed class TelemetryPublisher : ITelemetrySink
{
    private const int Running = 0, Stub = 1, Disposed = 2;

    private readonly TelemetryOptions _options;
    private readonly ITransport _transport;
    private readonly EventBuffer _buffer;
    private readonly FlushWorker _worker;
    private readonly LatestValues _latest = new();
    private readonly CoarseClock _clock = new();
    private readonly EnvelopeStamp _stamp = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly int _maxBatch;
    private readonly int _flushIntervalTicks;
    private EnvelopeFormat?[] _formats = new EnvelopeFormat?[16];
    private int _state;
    private int _sinceWake;
    private uint _idSequence;
    private int _disposeStarted;

    private TelemetryPublisher(TelemetryOptions options, ITransport transport)
    {
        _options = options;
        _transport = transport;
        _maxBatch = Math.Max(1, options.Transport.Buffer.MaxBatchSize);
        _flushIntervalTicks = options.Transport.Buffer.FlushIntervalTicks;
        _buffer = new EventBuffer(options.Transport.Buffer.MaxBufferBytes, options.Transport.Worker.Backpressure,
            TimeSpan.FromSeconds(options.Transport.Worker.BlockTimeoutSeconds));
        _worker = new FlushWorker(_buffer, transport, _sendGate, options);
        _buffer.ChunkSealed = _worker.Wake;
        _worker.CycleStarted = _clock.Resync;
        _worker.Died += OnWorkerDied;
        _worker.Start();
    }

    /// <summary>Creates a publisher with the transport its options name (<c>stdout</c> or <c>file</c>).</summary>
    /// <exception cref="TelemetryConfigException">The options are invalid; the message names every bad key.</exception>
    public static TelemetryPublisher Create(TelemetryOptions options)
    {
        TelemetryOptionsValidator.ThrowIfInvalid(options);
        ITransport transport = options.Transport.Type switch
        {
            "file" => new FileTransport(options.Transport.FilePath!),
            _ => new StdoutTransport(),
        };
        return new TelemetryPublisher(options, transport);
    }

    /// <summary>Creates a publisher that sends to <paramref name="transport"/> (custom transports, tests).</summary>
    public static TelemetryPublisher Create(TelemetryOptions options, ITransport transport)
    {
        TelemetryOptionsValidator.ThrowIfInvalid(options, checkTransport: false);
        return new TelemetryPublisher(options, transport);
    }

    /// <inheritdoc />
    public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>
    {
        string? correlation = Correlation.Current;
        long unixMs = _clock.NowUnixMs;
        lock (_buffer.ProducerLock)
        {
            if (_state != Running)
            {
                _buffer.CountDropped();
                return;
            }
            _latest.Store(in evt);
            EnvelopeFormat format = FormatOf<TEvent>();
            _stamp.Update(unixMs);
            _buffer.BeginEvent();
            try
            {
                var json = new JsonOutput(_buffer);
                format.Write(ref json, in evt, _stamp, NextIdSuffix(), correlation);
                json.Complete();
            }
            catch (Exception)
            {
                // A value the writer refuses (an undefined enum member): counted as dropped, never thrown.
                _buffer.AbortEvent();
                return;
            }
            ReadOnlyMemory<byte> overflow = _buffer.EndEvent();
            if (!overflow.IsEmpty) SendOverflow(overflow);
            if (++_sinceWake >= _maxBatch)
            {
                _sinceWake = 0;
                _worker.Wake();
            }
        }
    }

    /// <summary>Tells the publisher the simulation tick; every <c>flush_interval_ticks</c> ticks the worker sends what is queued.</summary>
    public void Tick(long tick)
    {
        if (_flushIntervalTicks > 0 && tick % _flushIntervalTicks == 0) _worker.Wake();
    }

    /// <inheritdoc />
    public TransportStatus TransportStatus
    {
        get
        {
            var (emitted, flushed, flushedBytes, dropped, peak) = _buffer.Snapshot();
            var worker = _worker.Status();
            return new TransportStatus
            {
                Provider = _transport.Provider,
                EventsEmitted = emitted,
                QueueLength = emitted - flushed - dropped,
                QueueLengthPeak = peak,
                DroppedMessages = dropped,
                LastFlushDurationMs = worker.LastFlushMs,
                LastBatchCount = worker.LastBatchCount,
                LastFlushPayloadBytes = worker.LastBatchBytes,
                PayloadsFlushedTotal = flushed,
                BytesFlushedTotal = flushedBytes,
                ConsecutiveSendFailures = worker.Consecutive,
                SendFailuresTotal = worker.Total,
                WorkerRestartCount = worker.Restarts,
                WorkerAlive = worker.Alive,
                WorkerError = worker.Error,
                AuthEnabled = _transport.AuthEnabled,
            };
        }
    }

    /// <inheritdoc />
    public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => _latest.TryGet(out TEvent evt) ? evt : default;

    /// <inheritdoc />
    public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _latest.TryGet(out evt);

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        long target = _buffer.Emitted;
        while (_buffer.Settled < target && _worker.IsAlive)
        {
            Task cycle = _worker.NextCycle;
            _worker.Wake();
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
        lock (_buffer.ProducerLock) _state = Disposed; // emits that enter the lock from now on are counted as dropped
        await _worker.StopAsync(_options.ShutdownTimeout).ConfigureAwait(false);
        _buffer.DropAllQueued();
        await _transport.DisposeAsync().ConfigureAwait(false);
        _sendGate.Dispose();
    }

    private EnvelopeFormat FormatOf<TEvent>() where TEvent : IEvent<TEvent>
    {
        int index = EventTypeIndex<TEvent>.Value;
        if (index < _formats.Length && _formats[index] is { } known) return known;
        if (index >= _formats.Length) Array.Resize(ref _formats, Math.Max(index + 1, _formats.Length * 2));
        return _formats[index] = EnvelopeFormat.For<TEvent>(_options.Source);
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

    /// <summary>fan_out: the producer sends its overflowing event itself, serialized with the worker's sends.</summary>
    private void SendOverflow(ReadOnlyMemory<byte> line)
    {
        bool success = false;
        try
        {
            _sendGate.Wait();
            try
            {
                success = _transport.SendAsync(new TransportBatch(line, 1), CancellationToken.None).AsTask().GetAwaiter().GetResult().Outcome == SendOutcome.Success;
            }
            finally
            {
                _sendGate.Release();
            }
        }
        catch (Exception)
        {
            success = false; // a transport fault is counted, never thrown into the game loop
        }
        _buffer.OverflowSent(success, line.Length);
    }

    private void OnWorkerDied(string error)
    {
        lock (_buffer.ProducerLock) _state = Stub;
        Console.Error.WriteLine(
            $"[herald] WARNING: the telemetry worker stopped after {_options.Transport.Worker.RestartLimit} restarts ({error}). " +
            "Telemetry now runs as the stub sink: events are counted as dropped and not sent.");
    }
}
