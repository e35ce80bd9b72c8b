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
    public override string ToString() => (Location is null ? "" : Location + ": ") + $"{Key} = {Shown(Key, Value)}: {Reason}";

    /// <summary>
    /// The value as messages show it (they end up in logs): an <c>auth_token_env</c> that looks like a pasted token rather
    /// than a variable name is not shown; credentials and URL user info are redacted from any value.
    /// </summary>
    private static string Shown(string key, string? value)
    {
        if (value is null) return "(missing)";
        if (key.EndsWith("." + Configuration.TelemetryConfigRules.AuthTokenEnv.Name, StringComparison.Ordinal) && LooksLikeToken(value)) return "(not shown: it looks like a token, not a variable name)";
        return Transports.ServerText.ForLog(value);
    }

    /// <summary>Not a variable name at all, or a long mix of upper- and lowercase letters and digits (variable names are words: <c>GAME_TELEMETRY_TOKEN</c>).</summary>
    private static bool LooksLikeToken(string value)
    {
        bool variable = value.Length > 0 && (char.IsAsciiLetter(value[0]) || value[0] == '_') && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return !variable || (value.Length >= 16 && value.Any(char.IsAsciiLetterUpper) && value.Any(char.IsAsciiLetterLower) && value.Any(char.IsAsciiDigit));
    }
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
