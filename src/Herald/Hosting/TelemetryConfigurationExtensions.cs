using System;
using Herald.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds telemetry files to a <see cref="IConfigurationBuilder"/>.</summary>
public static class TelemetryConfigurationExtensions
{
    /// <summary>
    /// Adds a YAML or JSON file (e.g. <c>telemetry.yaml</c> with a <c>telemetry:</c> section) read with Herald's own reader, so later
    /// sources (environment variables, command line) can override single keys: <c>telemetry:transport:type=file</c>.
    /// </summary>
    /// <exception cref="Herald.TelemetryConfigException">At <c>Build()</c>: the file cannot be parsed (with line and column).</exception>
    public static IConfigurationBuilder AddTelemetryFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.Add(new TelemetryFileConfigurationSource(System.IO.Path.GetFullPath(path), optional));
    }
}
