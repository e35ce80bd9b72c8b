using System;

namespace Herald.Publishing;

/// <summary>
/// An envelope grew past <c>max_event_bytes</c> while it was being written: the writer stops there (no buffer grows to
/// the size of a runaway string) and the event is rejected and counted. Internal: it never leaves <c>Emit</c> or a worker.
/// </summary>
internal sealed class EventTooLargeException(EventSizeLimit limit) : Exception(limit.Reason("event"));
