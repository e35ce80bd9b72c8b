using System;
using Microsoft.Extensions.Logging;

namespace Herald.Logging;

/// <summary>One category's logger of <see cref="HeraldLoggerProvider"/>: each enabled log becomes one <c>app.event</c>.</summary>
internal sealed class HeraldLogger(HeraldLoggerProvider provider, string category) : ILogger
{
    private readonly string _source = category.Length == 0 ? "app" : category; // the schema's source has at least one character

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.Scopes.Push(state);

    /// <summary>From the minimum level up, unless Herald's own work is logging (docs/runtime.md, "Logging").</summary>
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel && !LogRecursionGuard.Suppressed;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel) || provider.Sink is not { } sink) return;
        using LogRecursionGuard.Section herald = LogRecursionGuard.Enter(); // whatever the emit or a ToString logs stays out
        AppEvent evt;
        string? correlation;
        try
        {
            evt = new AppEvent
            {
                Source = _source,
                Message = formatter is null ? state?.ToString() ?? "" : formatter(state, exception),
                Severity = SeverityOf(logLevel),
                Details = LogDetails.Build(state, eventId, exception),
            };
            correlation = provider.CorrelationFromScopes();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return; // a state or scope whose formatting throws: a logger never throws into the application
        }
        if (correlation is not null && correlation != Correlation.Current)
        {
            using (Correlation.Begin(correlation)) sink.Emit(evt);
        }
        else
        {
            sink.Emit(evt);
        }
    }

    /// <summary>Trace and Debug → debug, Information → info, Warning → warning, Error and Critical → error.</summary>
    internal static AppEventSeverity SeverityOf(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => AppEventSeverity.Debug,
        LogLevel.Information => AppEventSeverity.Info,
        LogLevel.Warning => AppEventSeverity.Warning,
        _ => AppEventSeverity.Error,
    };
}
