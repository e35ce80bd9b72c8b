using System;
using System.Collections.Generic;
using System.Linq;

namespace Herald;

/// <summary>One invalid configuration value: its key (<c>telemetry.transport.buffer.max_batch_size</c>), the value given and why it is wrong.</summary>
public sealed record ConfigError(string Key, string? Value, string Reason)
{
    /// <summary>Where the value was written, <c>path(line,column)</c>, when it came from a file.</summary>
    public string? Location { get; init; }

    /// <inheritdoc />
    public override string ToString() => (Location is null ? "" : Location + ": ") + $"{Key} = {Value ?? "(missing)"}: {Reason}";
}

/// <summary>Invalid telemetry configuration. Thrown once at startup and names every bad key, not just the first.</summary>
public sealed class TelemetryConfigException : Exception
{
    /// <summary>Creates the exception from all errors found.</summary>
    public TelemetryConfigException(IReadOnlyList<ConfigError> errors)
        : base($"Invalid telemetry configuration ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):" + Environment.NewLine
               + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
    {
        Errors = errors;
    }

    /// <summary>Every invalid value.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
