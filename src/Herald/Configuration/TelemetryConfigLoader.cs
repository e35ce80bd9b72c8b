using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Herald.Configuration;

/// <summary>
/// Turns configuration text or an <see cref="IConfiguration"/> section into <see cref="TelemetryOptions"/>:
/// parse into <see cref="ConfigNode"/>s, check with the shared <see cref="TelemetryConfigChecker"/> (the HER201
/// analyzer runs the same code), then bind. Every problem is reported in one <see cref="TelemetryConfigException"/>.
/// </summary>
internal static class TelemetryConfigLoader
{
    public static TelemetryOptions FromFile(string path, EventRegistry? events)
    {
        string text = ReadFile(path);
        ConfigNode document;
        try
        {
            document = ConfigTextParser.Parse(text);
        }
        catch (ConfigSyntaxException ex)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("telemetry", null, ex.Message) { Location = Location(path, ex.Line, ex.Column) } });
        }
        TelemetryConfigChecker checker = TelemetryConfigChecker.CheckDocument(document);
        ConfigNode? section = document.Kind == ConfigNodeKind.Mapping ? document.Find("telemetry")?.Value : null;
        return Finish(checker, section, events, path);
    }

    public static TelemetryOptions FromConfiguration(IConfiguration section, EventRegistry? events)
    {
        ConfigNode node = FromConfigurationSection(section);
        return Finish(TelemetryConfigChecker.CheckSection(node), node, events, path: null);
    }

    /// <summary>Parses a configuration file and flattens it into <c>Microsoft.Extensions.Configuration</c> keys.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Flatten(string path)
    {
        ConfigNode document;
        try
        {
            document = ConfigTextParser.Parse(ReadFile(path));
        }
        catch (ConfigSyntaxException ex)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("telemetry", null, ex.Message) { Location = Location(path, ex.Line, ex.Column) } });
        }
        var pairs = new List<KeyValuePair<string, string?>>();
        Flatten(document, prefix: null, pairs);
        return pairs;
    }

    /// <summary>The file's text; a file that cannot be read (missing, a directory, no permission) is a configuration error.</summary>
    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("telemetry", path, "cannot read the configuration file: " + ex.Message) });
        }
    }

    private static void Flatten(ConfigNode node, string? prefix, List<KeyValuePair<string, string?>> into)
    {
        switch (node.Kind)
        {
            case ConfigNodeKind.Scalar:
                if (prefix is not null) into.Add(new(prefix, node.Value));
                break;
            case ConfigNodeKind.Mapping:
                foreach (ConfigEntry entry in node.Entries) Flatten(entry.Value, Join(prefix, entry.Key), into);
                break;
            case ConfigNodeKind.Sequence:
                for (int i = 0; i < node.Items.Count; i++) Flatten(node.Items[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), into);
                break;
        }
    }

    private static string Join(string? prefix, string key) => prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;

    private static TelemetryOptions Finish(TelemetryConfigChecker checker, ConfigNode? section, EventRegistry? events, string? path)
    {
        var issues = new List<ConfigIssue>(checker.Issues);
        bool namesEvents = checker.Transforms.Any(t => t.Kinds.Count > 0 || t.Fields.Count > 0 || t.RequiredFieldsByKind.Count > 0);
        if (issues.Count == 0 && namesEvents && EventRegistration.ForOptions(events) is { } known)
            issues.AddRange(TelemetryConfigChecker.CheckEvents(checker.Transforms, new RegistryCatalog(known)));
        if (issues.Count > 0)
        {
            throw new TelemetryConfigException(issues.Select(i => new ConfigError(i.Key, i.Value, i.Reason)
            {
                Location = path is null || i.Line == 0 ? null : Location(path, i.Line, i.Column),
            }).ToArray());
        }
        // Events stays as given (null: the registered events, resolved again when the publisher is created).
        TelemetryOptions options = Bind(section, checker.Transforms) with { Events = events };
        // What only the bound values show (a URL's scheme, an unset token variable) fails here too, not at Create.
        TelemetryOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    private static string Location(string path, int line, int column) => $"{path}({line},{column})";

    /// <summary>Binds a checked section: only keys that are present override the defaults.</summary>
    private static TelemetryOptions Bind(ConfigNode? section, List<TransformSpec> transforms)
    {
        var options = new TelemetryOptions();
        if (section is null || section.Kind != ConfigNodeKind.Mapping) return options;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(section, "", values);

        TransportOptions t = BindConnection(options.Transport, values, "transport.");
        BufferOptions b = t.Buffer;
        WorkerOptions w = t.Worker;
        return options with
        {
            Enabled = Boolean(values, "enabled", options.Enabled),
            Source = Text(values, "source") ?? options.Source,
            ShutdownTimeout = TimeSpan.FromSeconds(Number(values, "shutdown_timeout_seconds", options.ShutdownTimeout.TotalSeconds)),
            Transports = section.Find("transports")?.Value is { Kind: ConfigNodeKind.Sequence } list
                ? list.Items.Select(item => BindConnection(new TransportOptions(), Values(item), "")).ToImmutableArray()
                : ImmutableArray<TransportOptions>.Empty,
            Transport = t with
            {
                WorkerPollSeconds = Number(values, "transport.worker_poll_seconds", t.WorkerPollSeconds),
                Buffer = b with
                {
                    MaxBatchSize = (int)Integer(values, "transport.buffer.max_batch_size", b.MaxBatchSize),
                    MaxBufferBytes = (int)Integer(values, "transport.buffer.max_buffer_bytes", b.MaxBufferBytes),
                    FlushIntervalTicks = (int)Integer(values, "transport.buffer.flush_interval_ticks", b.FlushIntervalTicks),
                },
                Worker = w with
                {
                    Backpressure = Text(values, "transport.worker.backpressure") switch
                    {
                        "block" => BackpressureMode.Block,
                        "fan_out" => BackpressureMode.FanOut,
                        "drop_oldest" => BackpressureMode.DropOldest,
                        _ => w.Backpressure,
                    },
                    BlockTimeoutSeconds = Number(values, "transport.worker.block_timeout_seconds", w.BlockTimeoutSeconds),
                    RestartLimit = (int)Integer(values, "transport.worker.restart_limit", w.RestartLimit),
                    SendRetryLimit = (int)Integer(values, "transport.worker.send_retry_limit", w.SendRetryLimit),
                },
            },
            Transforms = new TransformsOptions
            {
                SchemaRedaction = Boolean(values, "transforms.schema_redaction", true),
                LegacyAliases = Boolean(values, "transforms.legacy_aliases", false),
                Pipeline = transforms.Select(ToOptions).ToImmutableArray(),
            },
        };
    }

    /// <summary>The connection keys (<see cref="TelemetryConfigRules.ConnectionKeys"/>) found under <paramref name="prefix"/>.</summary>
    private static TransportOptions BindConnection(TransportOptions t, Dictionary<string, string> values, string prefix) => t with
    {
        Type = Text(values, prefix + "type") ?? t.Type,
        FilePath = Text(values, prefix + "file_path") ?? t.FilePath,
        Endpoint = Text(values, prefix + "endpoint") ?? t.Endpoint,
        EnableTls = Boolean(values, prefix + "enable_tls", t.EnableTls),
        Format = Text(values, prefix + "format") ?? t.Format,
        Compression = Text(values, prefix + "compression") ?? t.Compression,
        AuthTokenEnv = Text(values, prefix + "auth_token_env") ?? t.AuthTokenEnv,
        MetricPrefix = Text(values, prefix + "metric_prefix") ?? t.MetricPrefix,
        TlsCaFile = Text(values, prefix + "tls_ca_file") ?? t.TlsCaFile,
        TlsPinSha256 = Text(values, prefix + "tls_pin_sha256") ?? t.TlsPinSha256,
        SendTimeoutSeconds = Number(values, prefix + "send_timeout_seconds", t.SendTimeoutSeconds),
        FileMode = Text(values, prefix + "file_mode") ?? t.FileMode,
        DirectoryMode = Text(values, prefix + "directory_mode") ?? t.DirectoryMode,
        MaxFileBytes = Integer(values, prefix + "max_file_bytes", t.MaxFileBytes),
        RotateIntervalSeconds = Number(values, prefix + "rotate_interval_seconds", t.RotateIntervalSeconds),
        RetainedFiles = (int)Integer(values, prefix + "retained_files", t.RetainedFiles),
        CompressRotated = Boolean(values, prefix + "compress_rotated", t.CompressRotated),
    };

    private static Dictionary<string, string> Values(ConfigNode mapping)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(mapping, "", values);
        return values;
    }

    private static TransformOptions ToOptions(TransformSpec spec)
    {
        ImmutableArray<string> kinds = spec.Kinds.Select(k => k.Name).ToImmutableArray();
        return spec.Name switch
        {
            "redact_fields" => new RedactFieldsTransform(spec.Fields.Select(f => f.Name).ToImmutableArray()) { Kinds = kinds },
            "ensure_fields" => new EnsureFieldsTransform(spec.RequiredFieldsByKind.ToImmutableDictionary(p => p.Key.Name, p => p.Value.Select(f => f.Name).ToImmutableArray(), StringComparer.Ordinal)) { Kinds = kinds },
            "schema_validator" => new SchemaValidatorTransform { Kinds = kinds },
            _ => new SnapshotNormalizerTransform { Kinds = kinds },
        };
    }

    /// <summary>Scalar values of a checked section by dotted path (the pipeline is read from the checker's specs).</summary>
    private static void Collect(ConfigNode node, string path, Dictionary<string, string> into)
    {
        foreach (ConfigEntry entry in node.Entries)
        {
            string child = path.Length == 0 ? entry.Key : path + "." + entry.Key;
            if (entry.Value.Kind == ConfigNodeKind.Mapping) Collect(entry.Value, child, into);
            else if (entry.Value.Kind == ConfigNodeKind.Scalar && entry.Value.Value is { } value) into[child] = value;
        }
    }

    private static string? Text(Dictionary<string, string> values, string key) => values.TryGetValue(key, out string? v) ? v : null;

    private static double Number(Dictionary<string, string> values, string key, double fallback)
        => values.TryGetValue(key, out string? v) && TelemetryConfigRules.TryParseNumber(v, out double d) ? d : fallback;

    private static long Integer(Dictionary<string, string> values, string key, long fallback)
        => values.TryGetValue(key, out string? v) && TelemetryConfigRules.TryParseInteger(v, out long l) ? l : fallback;

    private static bool Boolean(Dictionary<string, string> values, string key, bool fallback)
        => values.TryGetValue(key, out string? v) && TelemetryConfigRules.TryParseBoolean(v, out bool b) ? b : fallback;

    /// <summary>
    /// An <see cref="IConfiguration"/> section as a node tree: children keyed 0..n-1 are a list. Keys are lower-cased,
    /// because configuration keys are case-insensitive (<c>TELEMETRY__TRANSPORT__TYPE</c> from the environment).
    /// </summary>
    private static ConfigNode FromConfigurationSection(IConfiguration section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
            return ConfigNode.Scalar(section is IConfigurationSection s && !string.IsNullOrEmpty(s.Value) ? s.Value : null, 0, 0);
        bool isList = children.Select((c, i) => c.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(same => same);
        if (isList)
        {
            ConfigNode list = ConfigNode.Sequence(0, 0);
            foreach (IConfigurationSection child in children) list.Items.Add(FromConfigurationSection(child));
            return list;
        }
        ConfigNode map = ConfigNode.Mapping(0, 0);
        foreach (IConfigurationSection child in children) map.Entries.Add(new ConfigEntry(child.Key.ToLowerInvariant(), 0, 0, FromConfigurationSection(child)));
        return map;
    }
}
