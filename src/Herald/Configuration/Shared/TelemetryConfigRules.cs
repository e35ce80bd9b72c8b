// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace Herald.Configuration;

/// <summary>How a configuration value is typed.</summary>
internal enum ConfigValueKind
{
    Section,
    Text,
    Boolean,
    Integer,
    Number,
    Choice,
    Pipeline,
    TransportList,
}

/// <summary>One key of the <c>telemetry:</c> section: its type, allowed range or choices, and default.</summary>
internal sealed class ConfigRule
{
    public ConfigRule(string path, ConfigValueKind kind, string? defaultText = null, double min = double.NaN, double max = double.NaN,
        bool minExclusive = false, string[]? choices = null)
    {
        Path = path;
        Kind = kind;
        DefaultText = defaultText;
        Min = min;
        Max = max;
        MinExclusive = minExclusive;
        Choices = choices ?? Array.Empty<string>();
    }

    /// <summary>The key below <c>telemetry.</c>, dotted: <c>transport.buffer.max_batch_size</c>.</summary>
    public string Path { get; }

    public ConfigValueKind Kind { get; }

    public string? DefaultText { get; }

    public double Min { get; }

    public double Max { get; }

    public bool MinExclusive { get; }

    public string[] Choices { get; }

    /// <summary>Why <paramref name="value"/> is out of range, or null when it is allowed.</summary>
    public string? CheckRange(double value)
    {
        bool belowMin = MinExclusive ? !(value > Min) : !(value >= Min);
        if (!belowMin && value <= Max) return null;
        string low = MinExclusive ? "greater than " + Format(Min) : "at least " + Format(Min);
        return $"must be {low} and at most {Format(Max)}";
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// The single definition of the <c>telemetry:</c> configuration shape (snake_case keys): used by the
/// runtime's startup validation, the HER201 analyzer and docs/configuration.md's table.
/// </summary>
internal static class TelemetryConfigRules
{
    /// <summary>Transport types this runtime creates by name.</summary>
    public static readonly string[] TransportTypes = { "stdout", "file", "tcp", "http", "websocket", "prometheus", "stub" };

    public const string StubInListReason = "the stub replaces every transport: set telemetry.transport.type: stub (or telemetry.enabled: false) instead of listing it";

    public const string TlsOnlyReason = "only used with TLS (enable_tls: true, or an https:// or wss:// endpoint); set it, or remove this key";

    /// <summary>Whether a transport with these settings talks TLS: tcp with enable_tls, http and websocket by their URL scheme.</summary>
    public static bool UsesTls(bool enableTls, string? endpoint)
        => enableTls || (endpoint is not null && (endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || endpoint.StartsWith("wss://", StringComparison.OrdinalIgnoreCase)));

    public static readonly string[] HttpFormats = { "ndjson", "json_array", "cloudevents" };

    public static readonly string[] Compressions = { "none", "gzip" };

    public static readonly string[] BackpressureModes = { "drop_oldest", "block", "fan_out" };

    /// <summary>Transforms of <c>transforms.pipeline</c>.</summary>
    public static readonly string[] TransformNames = { "snapshot_normalizer", "redact_fields", "ensure_fields", "schema_validator" };

    /// <summary>
    /// The keys of one connection: allowed on each item of <c>transports</c> (checked with the <c>transport.*</c> rules);
    /// the other <c>transport</c> keys (buffer, worker, worker_poll_seconds) are shared by all transports.
    /// </summary>
    public static readonly string[] ConnectionKeys =
    {
        "type", "file_path", "endpoint", "enable_tls", "format", "compression", "auth_token_env", "metric_prefix",
        "tls_ca_file", "tls_pin_sha256", "send_timeout_seconds",
        "file_mode", "directory_mode", "max_file_bytes", "rotate_interval_seconds", "retained_files", "compress_rotated",
    };

    public static readonly ConfigRule[] All =
    {
        new ConfigRule("enabled", ConfigValueKind.Boolean, "true"),
        new ConfigRule("source", ConfigValueKind.Text),
        new ConfigRule("shutdown_timeout_seconds", ConfigValueKind.Number, "5", min: 0, max: 3600),
        new ConfigRule("transport", ConfigValueKind.Section),
        new ConfigRule("transport.type", ConfigValueKind.Choice, "stdout", choices: TransportTypes),
        new ConfigRule("transport.file_path", ConfigValueKind.Text),
        new ConfigRule("transport.endpoint", ConfigValueKind.Text),
        new ConfigRule("transport.enable_tls", ConfigValueKind.Boolean, "false"),
        new ConfigRule("transport.format", ConfigValueKind.Choice, "ndjson", choices: HttpFormats),
        new ConfigRule("transport.compression", ConfigValueKind.Choice, "none", choices: Compressions),
        new ConfigRule("transport.auth_token_env", ConfigValueKind.Text),
        new ConfigRule("transport.metric_prefix", ConfigValueKind.Text, "townlet_telemetry"),
        new ConfigRule("transport.tls_ca_file", ConfigValueKind.Text),
        new ConfigRule("transport.tls_pin_sha256", ConfigValueKind.Text),
        new ConfigRule("transport.send_timeout_seconds", ConfigValueKind.Number, "1", min: 0, max: 3600, minExclusive: true),
        new ConfigRule("transport.file_mode", ConfigValueKind.Text),
        new ConfigRule("transport.directory_mode", ConfigValueKind.Text),
        new ConfigRule("transport.max_file_bytes", ConfigValueKind.Integer, "0", min: 0, max: long.MaxValue),
        new ConfigRule("transport.rotate_interval_seconds", ConfigValueKind.Number, "0", min: 0, max: 31_622_400),
        new ConfigRule("transport.retained_files", ConfigValueKind.Integer, "10", min: 0, max: 1_000_000),
        new ConfigRule("transport.compress_rotated", ConfigValueKind.Boolean, "false"),
        new ConfigRule("transport.worker_poll_seconds", ConfigValueKind.Number, "0.5", min: 0, max: 3600, minExclusive: true),
        new ConfigRule("transport.buffer", ConfigValueKind.Section),
        new ConfigRule("transport.buffer.max_batch_size", ConfigValueKind.Integer, "512", min: 1, max: 1_000_000),
        new ConfigRule("transport.buffer.max_buffer_bytes", ConfigValueKind.Integer, "16777216", min: 8 * 1024, max: 1 << 30),
        new ConfigRule("transport.buffer.flush_interval_ticks", ConfigValueKind.Integer, "1", min: 0, max: int.MaxValue),
        new ConfigRule("transport.worker", ConfigValueKind.Section),
        new ConfigRule("transport.worker.backpressure", ConfigValueKind.Choice, "drop_oldest", choices: BackpressureModes),
        new ConfigRule("transport.worker.block_timeout_seconds", ConfigValueKind.Number, "0.5", min: 0, max: 3600, minExclusive: true),
        new ConfigRule("transport.worker.restart_limit", ConfigValueKind.Integer, "3", min: 0, max: 1000),
        new ConfigRule("transport.worker.send_retry_limit", ConfigValueKind.Integer, "5", min: 0, max: 1000),
        new ConfigRule("transports", ConfigValueKind.TransportList),
        new ConfigRule("transforms", ConfigValueKind.Section),
        new ConfigRule("transforms.pipeline", ConfigValueKind.Pipeline),
        new ConfigRule("transforms.schema_redaction", ConfigValueKind.Boolean, "true"),
        new ConfigRule("transforms.legacy_aliases", ConfigValueKind.Boolean, "false"),
    };

    private static readonly Dictionary<string, ConfigRule> ByPath = Index();

    public static ConfigRule Rule(string path) => ByPath[path];

    public static bool TryGetRule(string path, out ConfigRule rule) => ByPath.TryGetValue(path, out rule!);

    /// <summary>The keys allowed directly under a section (<c>""</c> for <c>telemetry:</c> itself).</summary>
    public static List<string> ChildKeys(string sectionPath)
    {
        var keys = new List<string>();
        string prefix = sectionPath.Length == 0 ? "" : sectionPath + ".";
        foreach (ConfigRule rule in All)
        {
            if (rule.Path.StartsWith(prefix, StringComparison.Ordinal) && rule.Path.IndexOf('.', prefix.Length) < 0) keys.Add(rule.Path.Substring(prefix.Length));
        }
        return keys;
    }

    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true": value = true; return true;
            case "false": value = false; return true;
            default: value = false; return false;
        }
    }

    public static bool TryParseInteger(string text, out long value)
        => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && !double.IsInfinity(value);

    /// <summary>The candidate closest to <paramref name="text"/> by edit distance, when it is close enough to be a typo.</summary>
    public static string? ClosestMatch(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = EditDistance(text, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, text.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }

    private static Dictionary<string, ConfigRule> Index()
    {
        var index = new Dictionary<string, ConfigRule>(StringComparer.Ordinal);
        foreach (ConfigRule rule in All) index.Add(rule.Path, rule);
        return index;
    }
}
