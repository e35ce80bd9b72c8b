using System;
using System.Diagnostics;

namespace Herald.Storage;

/// <summary>
/// One stored envelope: the fields queries filter on, read once from the line, plus the line itself.
/// </summary>
/// <param name="Id">The envelope's <c>id</c>.</param>
/// <param name="Type">The event type (<c>loop.tick</c>).</param>
/// <param name="Timestamp">The envelope's <c>timestamp</c> (unix seconds with milliseconds).</param>
/// <param name="CorrelationId">The envelope's <c>meta.correlation_id</c>, if any.</param>
/// <param name="Json">The envelope exactly as stored: one line of JSON, without the newline.</param>
/// <param name="LineNumber">The one-based line in the file it came from; 0 for events that never were in a file.</param>
public sealed record StoredEvent(string Id, string Type, DateTimeOffset Timestamp, string? CorrelationId, string Json, long LineNumber = 0)
{
    /// <summary>
    /// The envelope's <c>meta.trace_id</c>: the W3C trace of the <see cref="Activity"/> current when the event was emitted;
    /// null when there was none, in a charter 1.0 envelope (no trace keys), or when the value is not a valid trace id.
    /// </summary>
    public ActivityTraceId? TraceId { get; init; }

    /// <summary>The envelope's <c>meta.span_id</c>, that activity's span; null whenever <see cref="TraceId"/> is.</summary>
    public ActivitySpanId? SpanId { get; init; }

    /// <summary>The envelope's <c>meta.trace_flags</c> (W3C flags, <see cref="ActivityTraceFlags.Recorded"/> = sampled); null whenever <see cref="TraceId"/> is.</summary>
    public ActivityTraceFlags? TraceFlags { get; init; }
}
