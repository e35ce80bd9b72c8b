using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Runtime;

/// <summary>
/// Records what the publisher logs, so tests read its messages without redirecting <see cref="Console.Error"/> —
/// which is process-wide and would mix with tests running in parallel.
/// </summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<Exception> Errors { get; } = new();

    public ConcurrentQueue<string> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Messages.Enqueue(formatter(state, exception));
        if (exception is not null) Errors.Enqueue(exception);
    }
}
