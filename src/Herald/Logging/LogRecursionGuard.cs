using System;
using System.Threading;

namespace Herald.Logging;

/// <summary>
/// Keeps logs that Herald's own work produces out of <see cref="HeraldLoggerProvider"/>, so that logging can never
/// feed itself: a log written while the provider emits (the same thread, inside <c>Emit</c>), and a log written by
/// anything a worker runs — a transport's send and its async continuations, a <c>fan_out</c> send on a producer's
/// thread, a subscriber or listener — is not turned into an event. A worker and the subscriber task mark their whole
/// flow once (an <see cref="AsyncLocal{T}"/>, which follows a transport's awaits onto pool threads); a synchronous
/// section marks its thread. Reading it is two loads, and only the provider's loggers read it.
/// </summary>
internal static class LogRecursionGuard
{
    [ThreadStatic]
    private static int t_depth;

    private static readonly AsyncLocal<bool> s_heraldFlow = new();

    /// <summary>Whether a log written here and now comes from Herald's own work.</summary>
    public static bool Suppressed => t_depth > 0 || s_heraldFlow.Value;

    /// <summary>Marks the current flow — a worker's thread, the subscriber task — as Herald's own for as long as it runs.</summary>
    public static void MarkHeraldFlow() => s_heraldFlow.Value = true;

    /// <summary>Marks this thread until the result is disposed (sections nest).</summary>
    public static Section Enter()
    {
        t_depth++;
        return default;
    }

    /// <summary>A marked synchronous section; see <see cref="Enter"/>.</summary>
    public readonly struct Section : IDisposable
    {
        public void Dispose() => t_depth--;
    }

    /// <summary>
    /// Marks this thread and its async continuations (a <c>fan_out</c> send, which may await a network transport) until
    /// disposed, restoring the flow's mark after.
    /// </summary>
    public static FlowSection EnterFlow()
    {
        bool outer = s_heraldFlow.Value;
        if (!outer) s_heraldFlow.Value = true;
        t_depth++;
        return new FlowSection(outer);
    }

    /// <summary>See <see cref="EnterFlow"/>.</summary>
    public readonly struct FlowSection(bool outer) : IDisposable
    {
        public void Dispose()
        {
            t_depth--;
            if (!outer) s_heraldFlow.Value = false;
        }
    }
}
