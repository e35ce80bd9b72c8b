// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System;
using System.Collections.Generic;

namespace Herald.Configuration;

/// <summary>
/// The one definition of the <c>telemetry:</c> configuration: every key's name, type, default, range, choices or
/// form, each transport type's requirements and each transform's parameters. Nothing else spells a key. Read by the
/// file checker (<see cref="TelemetryConfigChecker"/>, at startup and in the HER201 analyzer), the binder and the
/// options validator (which renders options built in code as a section and runs the same checker), the transport
/// factory, the option defaults and docs/configuration.md's table (a test compares them).
/// </summary>
/// <remarks>
/// Adding a key: a rule here (and in <see cref="All"/>), a property with this rule's default on the options, and its
/// binding in <c>TelemetryConfigBinding</c>; the tests then ask for a row in docs/configuration.md.
/// </remarks>
internal static class TelemetryConfigRules
{
    public const string DefaultMetricPrefix = "townlet_telemetry";

    /// <summary>The otlp <c>encoding</c> that sends OTLP/JSON instead of protobuf.</summary>
    public const string JsonEncoding = "json";

    /// <summary>The <c>compression</c> that gzips request bodies.</summary>
    public const string Gzip = "gzip";

    public static readonly ConfigRule Enabled = new ConfigRule("enabled", ConfigValueKind.Boolean, "true");
    public static readonly ConfigRule Source = new ConfigRule("source", ConfigValueKind.Text);
    public static readonly ConfigRule ShutdownTimeoutSeconds = new ConfigRule("shutdown_timeout_seconds", ConfigValueKind.Number, "5", min: 0, max: 3600);
    /// <summary>OpenTelemetry resource attributes (the otlp transport): names to string, number or boolean values.</summary>
    public static readonly ConfigRule Resource = new ConfigRule("resource", ConfigValueKind.Attributes);

    public static readonly ConfigRule Transport = new ConfigRule("transport", ConfigValueKind.Section);
    // The keys transport types require come first: the transport rows name them, and the type key lists the rows.
    public static readonly ConfigRule FilePath = new ConfigRule("transport.file_path", ConfigValueKind.Text, connection: true);
    public static readonly ConfigRule Endpoint = new ConfigRule("transport.endpoint", ConfigValueKind.Text, connection: true);

    // Transport types: what each requires. The form of a required endpoint is checked wherever the type is known.
    public static readonly TransportRule StdoutTransport = new TransportRule("stdout", TransportKind.Stdout);
    // Events may hold personal data: the file transport's files are not readable by others.
    public static readonly TransportRule FileTransport = new TransportRule("file", TransportKind.File, FilePath, requiredReason: "required for the file transport",
        defaultFileMode: "0640", defaultDirectoryMode: "0750");
    public static readonly TransportRule TcpTransport = new TransportRule("tcp", TransportKind.Tcp, Endpoint, ConfigTextForm.HostPort, "required for the tcp transport, as host:port");
    public static readonly TransportRule HttpTransport = new TransportRule("http", TransportKind.Http, Endpoint, ConfigTextForm.HttpUrl, "required for the http transport, as an http(s) URL");
    public static readonly TransportRule WebSocketTransport = new TransportRule("websocket", TransportKind.WebSocket, Endpoint, ConfigTextForm.WebSocketUrl, "required for the websocket transport, as a ws(s) URL");
    // node_exporter usually runs as its own user, and the textfile holds only counters: readable by others.
    public static readonly TransportRule PrometheusTransport = new TransportRule("prometheus", TransportKind.Prometheus, FilePath,
        requiredReason: "required for the prometheus transport: the .prom file in node_exporter's textfile directory", defaultFileMode: "0644", defaultDirectoryMode: "0755");
    // The endpoint is optional: without it the OTEL_EXPORTER_OTLP_* variables, else http://localhost:4318/v1/logs.
    public static readonly TransportRule OtlpTransport = new TransportRule("otlp", TransportKind.Otlp, Endpoint, ConfigTextForm.HttpUrl,
        "an http(s) URL for the otlp transport (the collector's base URL; /v1/logs is appended unless the path ends with it)", requiredOptional: true);
    public static readonly TransportRule StubTransport = new TransportRule("stub", TransportKind.Stub, allowedInList: false);

    /// <summary>Every transport type; <see cref="TransportType"/>'s choices are their names, in this order.</summary>
    public static readonly TransportRule[] TransportRules = { StdoutTransport, FileTransport, TcpTransport, HttpTransport, WebSocketTransport, PrometheusTransport, OtlpTransport, StubTransport };

    public static readonly ConfigRule TransportType = new ConfigRule("transport.type", ConfigValueKind.Choice, StdoutTransport.Type,
        choices: Array.ConvertAll(TransportRules, t => t.Type), connection: true);
    public static readonly ConfigRule EnableTls = new ConfigRule("transport.enable_tls", ConfigValueKind.Boolean, "false", connection: true);
    public static readonly ConfigRule Format = new ConfigRule("transport.format", ConfigValueKind.Choice, "ndjson", choices: new[] { "ndjson", "json_array", "cloudevents" }, connection: true);
    public static readonly ConfigRule Encoding = new ConfigRule("transport.encoding", ConfigValueKind.Choice, "protobuf", choices: new[] { "protobuf", JsonEncoding }, connection: true,
        onlyFor: OtlpTransport.Type);
    public static readonly ConfigRule Compression = new ConfigRule("transport.compression", ConfigValueKind.Choice, "none", choices: new[] { "none", Gzip }, connection: true);
    public static readonly ConfigRule AuthTokenEnv = new ConfigRule("transport.auth_token_env", ConfigValueKind.Text, connection: true);
    public static readonly ConfigRule MetricPrefix = new ConfigRule("transport.metric_prefix", ConfigValueKind.Text, DefaultMetricPrefix, form: ConfigTextForm.MetricName, connection: true);
    public static readonly ConfigRule TlsCaFile = new ConfigRule("transport.tls_ca_file", ConfigValueKind.Text, connection: true, tlsOnly: true);
    public static readonly ConfigRule TlsPinSha256 = new ConfigRule("transport.tls_pin_sha256", ConfigValueKind.Text, form: ConfigTextForm.PublicKeyPin, connection: true, tlsOnly: true);
    public static readonly ConfigRule SendTimeoutSeconds = new ConfigRule("transport.send_timeout_seconds", ConfigValueKind.Number, "1", min: 0, max: 3600, minExclusive: true, connection: true);
    public static readonly ConfigRule FileMode = new ConfigRule("transport.file_mode", ConfigValueKind.Text, form: ConfigTextForm.FileMode, connection: true);
    public static readonly ConfigRule DirectoryMode = new ConfigRule("transport.directory_mode", ConfigValueKind.Text, form: ConfigTextForm.DirectoryMode, connection: true);
    public static readonly ConfigRule MaxFileBytes = new ConfigRule("transport.max_file_bytes", ConfigValueKind.Integer, "0", min: 0, max: long.MaxValue, connection: true);
    public static readonly ConfigRule RotateIntervalSeconds = new ConfigRule("transport.rotate_interval_seconds", ConfigValueKind.Number, "0", min: 0, max: 31_622_400, connection: true);
    public static readonly ConfigRule RetainedFiles = new ConfigRule("transport.retained_files", ConfigValueKind.Integer, "10", min: 0, max: 1_000_000, connection: true);
    public static readonly ConfigRule CompressRotated = new ConfigRule("transport.compress_rotated", ConfigValueKind.Boolean, "false", connection: true);
    public static readonly ConfigRule WorkerPollSeconds = new ConfigRule("transport.worker_poll_seconds", ConfigValueKind.Number, "0.5", min: 0, max: 3600, minExclusive: true);

    public static readonly ConfigRule Buffer = new ConfigRule("transport.buffer", ConfigValueKind.Section);
    public static readonly ConfigRule MaxBatchSize = new ConfigRule("transport.buffer.max_batch_size", ConfigValueKind.Integer, "512", min: 1, max: 1_000_000);
    public static readonly ConfigRule MaxBufferBytes = new ConfigRule("transport.buffer.max_buffer_bytes", ConfigValueKind.Integer, "16777216", min: 8 * 1024, max: 1 << 30);
    /// <summary>The default is this rule's, or <see cref="MaxBufferBytes"/> when that is smaller (<c>BufferOptions.EffectiveMaxEventBytes</c>).</summary>
    public static readonly ConfigRule MaxEventBytes = new ConfigRule("transport.buffer.max_event_bytes", ConfigValueKind.Integer, "1048576", min: 256, max: 1 << 30, atMost: MaxBufferBytes);
    public static readonly ConfigRule FlushIntervalTicks = new ConfigRule("transport.buffer.flush_interval_ticks", ConfigValueKind.Integer, "1", min: 0, max: int.MaxValue);

    public static readonly ConfigRule Worker = new ConfigRule("transport.worker", ConfigValueKind.Section);
    public static readonly ConfigRule Backpressure = new ConfigRule("transport.worker.backpressure", ConfigValueKind.Choice, "drop_oldest", choices: new[] { "drop_oldest", "block", "fan_out" });
    public static readonly ConfigRule BlockTimeoutSeconds = new ConfigRule("transport.worker.block_timeout_seconds", ConfigValueKind.Number, "0.5", min: 0, max: 3600, minExclusive: true);
    public static readonly ConfigRule RestartLimit = new ConfigRule("transport.worker.restart_limit", ConfigValueKind.Integer, "3", min: 0, max: 1000);
    public static readonly ConfigRule SendRetryLimit = new ConfigRule("transport.worker.send_retry_limit", ConfigValueKind.Integer, "5", min: 0, max: 1000);

    public static readonly ConfigRule Transports = new ConfigRule("transports", ConfigValueKind.TransportList);

    public static readonly ConfigRule Transforms = new ConfigRule("transforms", ConfigValueKind.Section);
    public static readonly ConfigRule Pipeline = new ConfigRule("transforms.pipeline", ConfigValueKind.Pipeline);
    public static readonly ConfigRule SchemaRedaction = new ConfigRule("transforms.schema_redaction", ConfigValueKind.Boolean, "true");
    public static readonly ConfigRule LegacyAliases = new ConfigRule("transforms.legacy_aliases", ConfigValueKind.Boolean, "false");

    /// <summary>Every key, sections before their keys, in the order docs/configuration.md lists them.</summary>
    public static readonly ConfigRule[] All =
    {
        Enabled, Source, ShutdownTimeoutSeconds, Resource,
        Transport, TransportType, FilePath, Endpoint, EnableTls, Format, Encoding, Compression, AuthTokenEnv, MetricPrefix, TlsCaFile, TlsPinSha256,
        SendTimeoutSeconds, FileMode, DirectoryMode, MaxFileBytes, RotateIntervalSeconds, RetainedFiles, CompressRotated, WorkerPollSeconds,
        Buffer, MaxBatchSize, MaxBufferBytes, MaxEventBytes, FlushIntervalTicks,
        Worker, Backpressure, BlockTimeoutSeconds, RestartLimit, SendRetryLimit,
        Transports,
        Transforms, Pipeline, SchemaRedaction, LegacyAliases,
    };

    /// <summary>Transport types this runtime creates by name.</summary>
    public static readonly string[] TransportTypes = TransportType.Choices;

    // Transforms of transforms.pipeline and their parameters.
    public const string KindsParameter = "kinds";
    public const string FieldsParameter = "fields";
    public const string RequiredFieldsByKindParameter = "required_fields_by_kind";

    public static readonly TransformRule SnapshotNormalizer = new TransformRule("snapshot_normalizer", new[] { KindsParameter });
    public static readonly TransformRule RedactFields = new TransformRule("redact_fields", new[] { FieldsParameter, KindsParameter },
        FieldsParameter, "required: the fields to redact, e.g. redact_fields: {fields: [issuer]}");
    public static readonly TransformRule EnsureFields = new TransformRule("ensure_fields", new[] { RequiredFieldsByKindParameter, KindsParameter },
        RequiredFieldsByKindParameter, "required: e.g. ensure_fields: {required_fields_by_kind: {loop.tick: [tick]}}");
    public static readonly TransformRule SchemaValidator = new TransformRule("schema_validator", new[] { KindsParameter },
        refused: "schemas", refusedReason: "Herald validates events against their compiled schemas; remove 'schemas' (use 'kinds' to limit which events are checked)");

    public static readonly TransformRule[] TransformRules = { SnapshotNormalizer, RedactFields, EnsureFields, SchemaValidator };

    /// <summary>Transforms of <c>transforms.pipeline</c>.</summary>
    public static readonly string[] TransformNames = Array.ConvertAll(TransformRules, t => t.Name);

    public const string StubInListReason = "the stub replaces every transport: set telemetry.transport.type: stub (or telemetry.enabled: false) instead of listing it";

    public const string TlsOnlyReason = "only used with TLS (enable_tls: true, or an https:// or wss:// endpoint); set it, or remove this key";

    public const string AuthTokenUnsetReason = "the environment variable is not set (or empty)";

    public const string ResourceReason = "must be a mapping of attribute names to string, number or true/false values, e.g. {service.name: my-game, deployment.environment: dev}";

    public const string ResourceValueReason = "must be a string, a number or true/false";

    /// <summary>Why a key that only one transport type reads is an error on another.</summary>
    public static string OnlyForReason(string type) => $"only used by the {type} transport; remove it, or set type: {type}";

    public const string TransportListReason = "must be a non-empty list of transports, e.g. [{type: file, file_path: events.jsonl}, {type: http, endpoint: ...}]";

    public const string TransportItemReason = "must be a mapping of connection keys (type, file_path, endpoint, ...)";

    /// <summary>The keys of one connection: allowed on each item of <c>transports</c> (checked with the <c>transport.*</c> rules).</summary>
    public static readonly string[] ConnectionKeys = ConnectionKeyNames();

    private static readonly Dictionary<string, ConfigRule> ByPath = Index();

    public static ConfigRule Rule(string path) => ByPath[path];

    public static bool TryGetRule(string path, out ConfigRule rule) => ByPath.TryGetValue(path, out rule!);

    /// <summary>The full key of a rule: <c>telemetry.transport.buffer.max_batch_size</c>.</summary>
    public static string Key(ConfigRule rule) => "telemetry." + rule.Path;

    /// <summary>The key of one connection: <c>telemetry.transport</c>, or <c>telemetry.transports[i]</c> when there is a list.</summary>
    public static string ConnectionKey(bool inList, int index) => inList ? Key(Transports) + "[" + index + "]" : Key(Transport);

    /// <summary>The rule of a transport <c>type</c>, or null when no transport has that name.</summary>
    public static TransportRule? TransportOf(string? type)
    {
        foreach (TransportRule rule in TransportRules)
        {
            if (rule.Type == type) return rule;
        }
        return null;
    }

    /// <summary>The rule of a transform, or null.</summary>
    public static TransformRule? TransformOf(string name)
    {
        foreach (TransformRule rule in TransformRules)
        {
            if (rule.Name == name) return rule;
        }
        return null;
    }

    /// <summary>Whether a transport with these settings talks TLS: tcp with enable_tls, http and websocket by their URL scheme.</summary>
    public static bool UsesTls(bool enableTls, string? endpoint)
        => enableTls || (endpoint is not null && (endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || endpoint.StartsWith("wss://", StringComparison.OrdinalIgnoreCase)));

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

    private static string[] ConnectionKeyNames()
    {
        var names = new List<string>();
        foreach (ConfigRule rule in All)
        {
            if (rule.IsConnectionKey) names.Add(rule.Name);
        }
        return names.ToArray();
    }

    private static Dictionary<string, ConfigRule> Index()
    {
        var index = new Dictionary<string, ConfigRule>(StringComparer.Ordinal);
        foreach (ConfigRule rule in All) index.Add(rule.Path, rule);
        return index;
    }
}
