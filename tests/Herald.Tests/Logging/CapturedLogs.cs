using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Logging;

/// <summary>One log call as a provider saw it: its category, level, id, formatted message and structured values.</summary>
internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values)
{
    public T Value<T>(string key) => (T)Values[key]!;
}

/// <summary>
/// A logger provider that records every call (thread-safe), so tests read event ids and structured values — the
/// publisher's own logger (<see cref="Logger"/>, category <c>Herald</c>) or a whole logging pipeline's.
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    /// <summary>A logger of category <c>Herald</c>, as <c>AddHerald</c> gives the publisher.</summary>
    public ILogger Logger => CreateLogger("Herald");

    public IReadOnlyList<CapturedLog> WithId(int eventId) => Entries.Where(e => e.EventId.Id == eventId).ToList();

    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, Entries);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs) foreach (var (key, value) in pairs) values[key] = value;
            entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception, values));
        }
    }
}
