using System;

namespace Herald.Storage;

/// <summary>
/// Which stored events to return. Every criterion left null matches everything; all given criteria must match.
/// </summary>
public sealed record EventQuery
{
    /// <summary>Everything.</summary>
    public static readonly EventQuery All = new();

    /// <summary>An event type (<c>loop.tick</c>), or a prefix ending in <c>*</c> (<c>loop.*</c>, <c>metrics.aggregation_*</c>).</summary>
    public string? Type { get; init; }

    /// <summary>Inclusive lower bound on the envelope timestamp.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Exclusive upper bound on the envelope timestamp.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only events emitted inside this correlation scope (<c>meta.correlation_id</c>).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>At most this many events (the first ones, in stored order).</summary>
    public int? Limit { get; init; }

    /// <summary>Whether <paramref name="stored"/> matches every criterion except <see cref="Limit"/>.</summary>
    public bool Matches(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (Type is { } type && !TypeMatches(type, stored.Type)) return false;
        if (Since is { } since && stored.Timestamp < since) return false;
        if (Until is { } until && stored.Timestamp >= until) return false;
        return CorrelationId is null || string.Equals(CorrelationId, stored.CorrelationId, StringComparison.Ordinal);
    }

    private static bool TypeMatches(string pattern, string type) => pattern.EndsWith('*')
        ? type.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
        : string.Equals(pattern, type, StringComparison.Ordinal);
}
