using System;
using System.Threading;

namespace Herald;

/// <summary>
/// The correlation id stamped into <c>meta.correlation_id</c> of events emitted inside a scope. Flows across
/// <c>await</c> (it is an <see cref="AsyncLocal{T}"/>); scopes nest and restore the outer id when disposed.
/// </summary>
public static class Correlation
{
    private static readonly AsyncLocal<string?> s_current = new();

    /// <summary>The id of the innermost active scope, if any.</summary>
    public static string? Current => s_current.Value;

    /// <summary>Starts a scope: <c>using (Correlation.Begin(requestId)) { ... }</c>.</summary>
    public static Scope Begin(string correlationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        string? outer = s_current.Value;
        s_current.Value = correlationId;
        return new Scope(outer);
    }

    /// <summary>Restores the outer correlation id when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly string? _outer;

        internal Scope(string? outer) => _outer = outer;

        /// <inheritdoc />
        public void Dispose() => s_current.Value = _outer;
    }
}
