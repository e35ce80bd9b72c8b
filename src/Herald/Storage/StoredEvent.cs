using System;

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
public sealed record StoredEvent(string Id, string Type, DateTimeOffset Timestamp, string? CorrelationId, string Json, long LineNumber = 0);
