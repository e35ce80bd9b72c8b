namespace Herald;

/// <summary>
/// A consistent snapshot of a sink's transport counters, taken
/// atomically: <see cref="EventsEmitted"/> = <see cref="PayloadsFlushedTotal"/> + <see cref="DroppedMessages"/>
/// + <see cref="QueueLength"/> holds in every snapshot, for the sink and for each of its <see cref="Transports"/>.
/// </summary>
/// <remarks>
/// With several transports, the top-level counters are those of the transport that has delivered the fewest events
/// (a healthy file transport cannot hide a dead collector); <see cref="SendFailuresTotal"/> and
/// <see cref="WorkerRestartCount"/> are summed, <see cref="WorkerAlive"/> is true while any transport's worker runs,
/// and <see cref="Provider"/> joins their types with <c>+</c>.
/// </remarks>
public sealed record TransportStatus
{
    /// <summary>Transport type, e.g. <c>file</c>, <c>stdout</c>; <c>stub</c> for the no-op sink.</summary>
    public required string Provider { get; init; }

    /// <summary>Events accepted by <c>Emit</c> since start.</summary>
    public required long EventsEmitted { get; init; }

    /// <summary>Events emitted but neither sent nor dropped yet (buffered or in flight).</summary>
    public required long QueueLength { get; init; }

    /// <summary>The largest <see cref="QueueLength"/> seen.</summary>
    public required long QueueLengthPeak { get; init; }

    /// <summary>Events dropped: backpressure, failed sends, shutdown leftovers, emits after shutdown.</summary>
    public required long DroppedMessages { get; init; }

    /// <summary>Duration of the last batch send, in milliseconds; null before the first.</summary>
    public double? LastFlushDurationMs { get; init; }

    /// <summary>Events in the last batch sent.</summary>
    public required long LastBatchCount { get; init; }

    /// <summary>Bytes in the last batch sent.</summary>
    public required long LastFlushPayloadBytes { get; init; }

    /// <summary>Events sent successfully since start.</summary>
    public required long PayloadsFlushedTotal { get; init; }

    /// <summary>Bytes sent successfully since start.</summary>
    public required long BytesFlushedTotal { get; init; }

    /// <summary>Send failures since the last success.</summary>
    public required long ConsecutiveSendFailures { get; init; }

    /// <summary>Send failures since start (each failed attempt, retries included).</summary>
    public required long SendFailuresTotal { get; init; }

    /// <summary>How often the worker was restarted after a crash.</summary>
    public required int WorkerRestartCount { get; init; }

    /// <summary>False once the worker stopped for good (restart limit reached, or shut down).</summary>
    public required bool WorkerAlive { get; init; }

    /// <summary>The worker's last error, if any (never contains secrets).</summary>
    public string? WorkerError { get; init; }

    /// <summary>Whether the transport authenticates to its peer.</summary>
    public required bool AuthEnabled { get; init; }

    /// <summary>
    /// Events sent a second time after a failure that may have delivered part of their batch (a tcp connection that
    /// broke mid-write or stopped acknowledging): the receiver may hold them twice, with the same envelope <c>id</c>.
    /// They are counted once in <see cref="PayloadsFlushedTotal"/>.
    /// </summary>
    public long ResentMessages { get; init; }

    /// <summary>Events refused by <c>ensure_fields</c> or <c>schema_validator</c> (also counted in <see cref="DroppedMessages"/>).</summary>
    public long RejectedMessages { get; init; }

    /// <summary>Why the last event was rejected, e.g. <c>loop.tick: schema_validator: $.tick: must be at least 0</c>.</summary>
    public string? LastRejection { get; init; }

    /// <summary>Subscriber and listener calls that threw (logged, never propagated).</summary>
    public long HandlerErrors { get; init; }

    /// <summary>Deliveries to subscribers and listeners dropped because they fell too far behind.</summary>
    public long HandlerDeliveriesDropped { get; init; }

    /// <summary>Each transport's own status, in configuration order (one entry for a single transport; empty for the stub and inside an entry).</summary>
    public System.Collections.Generic.IReadOnlyList<TransportStatus> Transports { get; init; } = System.Array.Empty<TransportStatus>();
}
