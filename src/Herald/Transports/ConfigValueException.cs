using System;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>
/// A transport found, while opening, that one of its keys' values does not work (a CA file that cannot be read or holds
/// no certificate). <see cref="TransportFactory"/> turns it into a <see cref="TelemetryConfigException"/> naming that key
/// under the transport's own (<c>telemetry.transport.tls_ca_file</c>, <c>telemetry.transports[1].tls_ca_file</c>).
/// </summary>
internal sealed class ConfigValueException(ConfigRule rule, string? value, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public ConfigRule Rule { get; } = rule;

    public string? Value { get; } = value;
}
