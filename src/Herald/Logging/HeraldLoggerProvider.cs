using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Logging;

/// <summary>
/// Turns <see cref="ILogger"/> calls into <c>app.event</c> events (<see cref="AppEvent"/>) emitted to a Herald sink, so an
/// application's existing logging flows through Herald's transports: <c>source</c> is the category, <c>message</c> the
/// formatted message, <c>severity</c> the level (Trace and Debug → debug, Information → info, Warning → warning,
/// Error and Critical → error), <c>details</c> the structured values with <c>event_id</c>, <c>event_name</c> and
/// <c>exception</c>. A scope value named <c>CorrelationId</c> or <c>correlation_id</c> becomes the event's
/// <c>meta.correlation_id</c>. Register it with <c>ILoggingBuilder.AddHerald()</c> (docs/runtime.md, "Logging").
/// </summary>
/// <remarks>
/// It never feeds itself: categories <c>Herald</c> and <c>Herald.*</c> (the runtime's own logs) are ignored, and so is
/// whatever is logged while this provider emits or by Herald's own work — a worker's transport, a <c>fan_out</c> send,
/// a subscriber or listener.
/// </remarks>
[ProviderAlias("Herald")]
public sealed class HeraldLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly Lazy<ITelemetrySink?> _sink;
    private readonly ConcurrentDictionary<string, HeraldLogger> _loggers = new(StringComparer.Ordinal);
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>A provider that emits to <paramref name="sink"/> (a <see cref="TelemetryPublisher"/>).</summary>
    /// <param name="sink">Where the events go.</param>
    /// <param name="options">The minimum level; <see cref="LogLevel.Information"/> when null.</param>
    public HeraldLoggerProvider(ITelemetrySink sink, HeraldLoggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sink = new Lazy<ITelemetrySink?>(sink);
        MinimumLevel = options?.MinimumLevel ?? LogLevel.Information;
    }

    /// <summary>
    /// A provider whose sink is resolved on the first log (from a host's services: the publisher itself takes the
    /// logger factory that holds this provider). A sink that cannot be resolved makes every logger a no-op.
    /// </summary>
    internal HeraldLoggerProvider(Func<ITelemetrySink?> resolve, HeraldLoggerOptions? options)
    {
        _sink = new Lazy<ITelemetrySink?>(() =>
        {
            try
            {
                return resolve();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // No sink registered, a host already disposed, or a configuration that does not start (the host's start
                // reports it, as an OptionsValidationException): a logger never throws into the application.
                return null;
            }
        });
        MinimumLevel = options?.MinimumLevel ?? LogLevel.Information;
    }

    internal LogLevel MinimumLevel { get; }

    internal IExternalScopeProvider Scopes => _scopes;

    /// <summary>The sink, resolved once; creating it logs nothing into this provider.</summary>
    internal ITelemetrySink? Sink
    {
        get
        {
            if (_sink.IsValueCreated) return _sink.Value;
            using LogRecursionGuard.Section herald = LogRecursionGuard.Enter();
            return _sink.Value;
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        if (IsHeraldCategory(categoryName)) return NullLogger.Instance;
        return _loggers.GetOrAdd(categoryName, static (category, provider) => new HeraldLogger(provider, category), this);
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        _scopes = scopeProvider;
    }

    /// <summary>Nothing to release: the sink belongs to whoever created it (the host, in DI).</summary>
    public void Dispose()
    {
    }

    /// <summary>The runtime's own categories: <c>Herald</c> and <c>Herald.*</c>.</summary>
    internal static bool IsHeraldCategory(string category)
        => category.StartsWith("Herald", StringComparison.Ordinal) && (category.Length == 6 || category[6] == '.');

    /// <summary>The innermost scope value named <c>CorrelationId</c> or <c>correlation_id</c> (any case), if any.</summary>
    internal string? CorrelationFromScopes()
    {
        var found = new StrongBox<string?>();
        _scopes.ForEachScope(static (scope, found) =>
        {
            if (scope is not IEnumerable<KeyValuePair<string, object?>> pairs) return;
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                if (IsCorrelationKey(pair.Key) && pair.Value?.ToString() is { Length: > 0 } id) found.Value = id;
            }
        }, found);
        return found.Value;
    }

    internal static bool IsCorrelationKey(string key)
        => key.Equals("CorrelationId", StringComparison.OrdinalIgnoreCase) || key.Equals("correlation_id", StringComparison.OrdinalIgnoreCase);
}
