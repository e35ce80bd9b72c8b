using System;
using System.Collections.Immutable;
using System.IO;
using System.Security.Cryptography;
using Herald.Configuration;
using Herald.Transports.Otlp;

namespace Herald.Transports;

/// <summary>
/// Opens the transports that validated options name (<c>telemetry.transport</c>, or each item of <c>telemetry.transports</c>),
/// by the transport rows of <see cref="TelemetryConfigRules"/>. What only opening a transport can tell (an unreadable CA
/// file, a file path that cannot be opened) is a <see cref="TelemetryConfigException"/> naming the key at fault.
/// </summary>
internal static class TransportFactory
{
    /// <summary>One transport per connection, in configuration order; if one cannot be opened, those already open are closed.</summary>
    /// <exception cref="TelemetryConfigException">A transport cannot be opened.</exception>
    public static ITransport[] CreateAll(TelemetryOptions options)
    {
        ImmutableArray<TransportOptions> connections = options.Connections;
        bool list = !options.Transports.IsDefaultOrEmpty;
        var transports = new ITransport[connections.Length];
        try
        {
            for (int i = 0; i < transports.Length; i++) transports[i] = Create(connections[i], TelemetryConfigRules.ConnectionKey(list, i), options);
        }
        catch
        {
            foreach (ITransport? opened in transports) opened?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return transports;
    }

    /// <summary>The transport <paramref name="t"/>'s <c>type</c> names.</summary>
    /// <param name="t">The connection's settings.</param>
    /// <param name="key">The connection's key in errors: <c>telemetry.transport</c> or <c>telemetry.transports[i]</c>.</param>
    /// <param name="telemetry">The whole configuration, for what a transport reads beyond its connection (otlp: <c>resource</c>, <c>source</c>, the event types).</param>
    /// <exception cref="TelemetryConfigException">The type is unknown, the transport cannot be opened, or an environment variable it reads is malformed.</exception>
    public static ITransport Create(TransportOptions t, string key, TelemetryOptions? telemetry = null)
    {
        TransportRule rule = TelemetryConfigRules.TransportOf(t.Type)
            ?? throw new TelemetryConfigException(new[] { new ConfigError(key + "." + TelemetryConfigRules.TransportType.Name, t.Type, TelemetryConfigRules.TransportType.Check(t.Type ?? "")!) });
        try
        {
            return rule.Kind switch
            {
                TransportKind.File => new FileTransport(t),
                TransportKind.Tcp => new TcpTransport(t),
                TransportKind.Http => new HttpTransport(t),
                TransportKind.WebSocket => new WebSocketTransport(t),
                TransportKind.Prometheus => new PrometheusTextfileTransport(t),
                TransportKind.Otlp => new OtlpTransport(t, telemetry),
                TransportKind.Stub => new StubTransport(),
                _ => new StdoutTransport(),
            };
        }
        catch (ConfigValueException ex)
        {
            throw new TelemetryConfigException(new[] { new ConfigError(key + "." + ex.Rule.Name, ex.Value, ex.Message) });
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            // A file that cannot be opened (a symlink at the path, permissions) is the fault of the path the transport requires.
            bool path = rule.Required == TelemetryConfigRules.FilePath && ex is not ArgumentException;
            throw new TelemetryConfigException(new[]
            {
                new ConfigError(path ? key + "." + rule.Required!.Name : key, path ? t.FilePath : t.Type, $"the {t.Type} transport cannot be opened: {ex.Message}"),
            });
        }
    }
}
