namespace Herald.Publishing;

/// <summary>
/// The largest envelope the pipeline accepts (<c>max_event_bytes</c>), and how much room a writer may ask for on the
/// way there: a string is reserved at its worst-case escaped size (six bytes per UTF-16 unit) before it is written, so
/// a request may exceed the limit by that much and still produce an envelope within it. Whatever is asked beyond
/// that cannot fit and is refused at once, so no buffer ever grows to the size of a runaway string.
/// </summary>
internal readonly record struct EventSizeLimit(int MaxEventBytes)
{
    /// <summary>The most room one event may ask for while it is written.</summary>
    public long MaxRequest => 6L * MaxEventBytes + 64;

    /// <summary>Throws when an event that holds <paramref name="written"/> bytes asks for <paramref name="needed"/> more than it could ever use.</summary>
    public void CheckRequest(int written, int needed)
    {
        if ((long)written + needed > MaxRequest) throw new EventTooLargeException(this);
    }

    /// <summary>Throws when a finished envelope is larger than the limit.</summary>
    public void CheckLength(int length)
    {
        if (length > MaxEventBytes) throw new EventTooLargeException(this);
    }

    /// <summary>What a rejection reports: <c>app.event: the envelope is larger than max_event_bytes (1048576 bytes)</c>.</summary>
    public string Reason(string eventType) => $"{eventType}: the envelope is larger than {Herald.Configuration.TelemetryConfigRules.MaxEventBytes.Name} ({MaxEventBytes} bytes)";
}
