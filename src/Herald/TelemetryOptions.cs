using System;
using System.Collections.Immutable;
using Herald.Configuration;

namespace Herald;

/// <summary>What the worker does when the buffer is full (<c>telemetry.transport.worker.backpressure</c>).</summary>
public enum BackpressureMode
{
    /// <summary><c>drop_oldest</c>: drop the oldest queued events to make room, and count them.</summary>
    DropOldest,
    /// <summary><c>block</c>: the producer waits up to <c>block_timeout_seconds</c>, then drops the event and counts it.</summary>
    Block,
    /// <summary><c>fan_out</c>: the producer sends the overflowing event itself, synchronously, on its own thread.</summary>
    FanOut,
}

/// <summary>
/// Settings of a <see cref="TelemetryPublisher"/>, in the shape of the <c>telemetry:</c> configuration section
/// (keys in docs/configuration.md). Defaults are the documented ones, read from the configuration rule table.
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary><c>telemetry.transport</c>: the transport, and the buffer and worker settings every transport shares.</summary>
    public TransportOptions Transport { get; init; } = new();

    /// <summary>
    /// <c>telemetry.transports</c>: several transports fed from one buffer, each at its own pace with its own retries and
    /// status. Only their connection keys are read (<c>type</c>, <c>file_path</c>, <c>endpoint</c>, TLS, auth, format,
    /// <c>send_timeout_seconds</c>, ...); <c>buffer</c>, <c>worker</c> and <c>worker_poll_seconds</c> come from
    /// <see cref="Transport"/>. Empty: <see cref="Transport"/> alone.
    /// </summary>
    public ImmutableArray<TransportOptions> Transports { get; init; } = ImmutableArray<TransportOptions>.Empty;

    /// <summary>The transports to create: <see cref="Transports"/> when set, else <see cref="Transport"/>.</summary>
    public ImmutableArray<TransportOptions> Connections => Transports.IsDefaultOrEmpty ? ImmutableArray.Create(Transport) : Transports;

    /// <summary>
    /// <c>enabled</c>: false runs the publisher as the stub sink — every event is counted as dropped, nothing is sent, no
    /// worker runs — and prints a warning banner once, as <c>transport.type: stub</c> does.
    /// </summary>
    public bool Enabled { get; init; } = TelemetryConfigRules.Enabled.DefaultBoolean;

    /// <summary>Whether the publisher runs as the stub sink: <see cref="Enabled"/> is false, or the one transport's type is <c>stub</c>.</summary>
    public bool IsStub => !Enabled || (Transports.IsDefaultOrEmpty && Transport.Type == TelemetryConfigRules.StubTransport.Type);

    /// <summary>Envelope <c>source</c> for events whose schema has no <c>x-source</c> (default: <c>&lt;module&gt;_service</c>).</summary>
    public string? Source { get; init; }

    /// <summary>How long <c>DisposeAsync</c> waits for queued events to be sent before counting them as dropped (<c>shutdown_timeout_seconds</c>).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(TelemetryConfigRules.ShutdownTimeoutSeconds.DefaultNumber);

    /// <summary><c>telemetry.transforms</c>.</summary>
    public TransformsOptions Transforms { get; init; } = new();

    /// <summary>
    /// <c>resource</c>: OpenTelemetry resource attributes the otlp transport sends with every request, merged over
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c> (docs/transports.md). Values are <see cref="string"/>, <see cref="long"/>,
    /// <see cref="double"/> or <see cref="bool"/>; other transports do not read it.
    /// </summary>
    public ImmutableDictionary<string, object> Resource { get; init; } = ImmutableDictionary<string, object>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>
    /// The project's event types (the generated <c>HeraldEvents.Registry</c>, or several joined with
    /// <see cref="EventRegistry.Combine"/>). Needed when transforms name event kinds or fields, so that a typo
    /// fails at startup instead of silently matching nothing.
    /// </summary>
    public EventRegistry? Events { get; init; }

    /// <summary>Reads the <c>telemetry:</c> section of a YAML or JSON file (docs/configuration.md).</summary>
    /// <param name="path">The file; its other top-level keys are the application's and are not read.</param>
    /// <param name="events">The event types transforms may name; checked now when given, else when the publisher is created.</param>
    /// <exception cref="TelemetryConfigException">The file is missing, cannot be parsed, or has invalid values; every problem is named with its line and column.</exception>
    public static TelemetryOptions FromFile(string path, EventRegistry? events = null) => Configuration.TelemetryConfigLoader.FromFile(path, events);

    /// <summary>
    /// Reads a <c>telemetry</c> section of <c>Microsoft.Extensions.Configuration</c> (appsettings, environment variables,
    /// command line, <c>AddTelemetryFile</c>). Keys are matched case-insensitively.
    /// </summary>
    /// <exception cref="TelemetryConfigException">Invalid values; every problem is named.</exception>
    public static TelemetryOptions FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration section, EventRegistry? events = null)
        => Configuration.TelemetryConfigLoader.FromConfiguration(section, events);
}

/// <summary><c>telemetry.transforms</c>: what happens to each event before any listener, subscriber or transport sees it.</summary>
public sealed record TransformsOptions
{
    /// <summary><c>pipeline</c>: the transforms, in order.</summary>
    public ImmutableArray<TransformOptions> Pipeline { get; init; } = ImmutableArray<TransformOptions>.Empty;

    /// <summary><c>schema_redaction</c>: whether fields the schema marks <c>x-redact</c> are redacted (default true).</summary>
    public bool SchemaRedaction { get; init; } = TelemetryConfigRules.SchemaRedaction.DefaultBoolean;

    /// <summary>
    /// <c>legacy_aliases</c>: also write every field that declares <c>x-aliases</c> under its first alias (a root alias
    /// <c>/name</c> at the payload root), for consumers that still read the old names (default false).
    /// </summary>
    public bool LegacyAliases { get; init; } = TelemetryConfigRules.LegacyAliases.DefaultBoolean;
}

/// <summary>One transform of <c>telemetry.transforms.pipeline</c>.</summary>
public abstract record TransformOptions
{
    private protected TransformOptions()
    {
    }

    /// <summary>The event kinds it applies to; empty means all.</summary>
    public ImmutableArray<string> Kinds { get; init; } = ImmutableArray<string>.Empty;
}

/// <summary><c>redact_fields: {fields, kinds}</c>: the fields are written as <c>"[REDACTED]"</c> (kinds empty: every kind that has the field).</summary>
public sealed record RedactFieldsTransform(ImmutableArray<string> Fields) : TransformOptions;

/// <summary><c>ensure_fields: {required_fields_by_kind}</c>: events of a kind missing one of its fields (absent or null) are rejected and counted.</summary>
public sealed record EnsureFieldsTransform(ImmutableDictionary<string, ImmutableArray<string>> RequiredFieldsByKind) : TransformOptions;

/// <summary><c>schema_validator</c>: events that break their schema's constraints (bounds, lengths, patterns, item counts) are rejected and counted.</summary>
public sealed record SchemaValidatorTransform : TransformOptions;

/// <summary><c>snapshot_normalizer</c>: free-form objects and maps are written with their keys sorted, so equal events are equal bytes.</summary>
public sealed record SnapshotNormalizerTransform : TransformOptions;

/// <summary><c>telemetry.transport</c>.</summary>
public sealed record TransportOptions
{
    /// <summary><c>type</c>: <c>stdout</c>, <c>file</c>, <c>tcp</c>, <c>http</c>, <c>websocket</c>, <c>prometheus</c>, <c>otlp</c> or <c>stub</c> (send nothing, count every event as dropped).</summary>
    public string Type { get; init; } = TelemetryConfigRules.TransportType.DefaultText!;

    /// <summary><c>file_path</c> for the file transport.</summary>
    public string? FilePath { get; init; }

    /// <summary><c>endpoint</c>: where network transports connect.</summary>
    public string? Endpoint { get; init; }

    /// <summary><c>enable_tls</c>: network transports use TLS.</summary>
    public bool EnableTls { get; init; } = TelemetryConfigRules.EnableTls.DefaultBoolean;

    /// <summary><c>format</c> (http): <c>ndjson</c> (default), <c>json_array</c> or <c>cloudevents</c>.</summary>
    public string Format { get; init; } = TelemetryConfigRules.Format.DefaultText!;

    /// <summary><c>encoding</c> (otlp): <c>protobuf</c> (when null, the default) or <c>json</c>.</summary>
    public string? Encoding { get; init; }

    /// <summary><c>compression</c> (http, otlp): <c>none</c> (default) or <c>gzip</c>.</summary>
    public string Compression
    {
        get => _compression;
        init
        {
            _compression = value;
            CompressionSet = true;
        }
    }

    private readonly string _compression = TelemetryConfigRules.Compression.DefaultText!;

    /// <summary>Whether <see cref="Compression"/> was set (by configuration or code): the otlp transport reads the OTEL_* variables only when not.</summary>
    internal bool CompressionSet { get; private init; }

    /// <summary><c>auth_token_env</c>: the name of the environment variable holding a bearer token (never the token itself).</summary>
    public string? AuthTokenEnv { get; init; }

    /// <summary><c>metric_prefix</c> (prometheus): the prefix of every metric name, default <c>townlet_telemetry</c>.</summary>
    public string? MetricPrefix { get; init; }

    /// <summary><c>tls_ca_file</c>: a PEM bundle of the roots to trust instead of the system store (with <c>enable_tls</c>).</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>
    /// <c>tls_pin_sha256</c>: accept a certificate whose public key (DER SubjectPublicKeyInfo) has this SHA-256 — 64 hex
    /// digits or <c>sha256//BASE64</c> — and whose validity dates hold; name and chain are not checked (with <c>enable_tls</c>).
    /// </summary>
    public string? TlsPinSha256 { get; init; }

    /// <summary>
    /// <c>file_mode</c> (file, prometheus): the permissions of files the transport creates, as an octal string, set exactly
    /// whatever the umask; existing files keep theirs. Not set: <c>0640</c> (file), <c>0644</c> (prometheus).
    /// </summary>
    public string? FileMode { get; init; }

    /// <summary>
    /// <c>directory_mode</c> (file, prometheus): the permissions of directories the transport creates for <c>file_path</c>,
    /// octal. Not set: <c>0750</c> (file), <c>0755</c> (prometheus).
    /// </summary>
    public string? DirectoryMode { get; init; }

    /// <summary><c>max_file_bytes</c> (file): rotate before a batch would make the active file larger than this (0: never).</summary>
    public long MaxFileBytes { get; init; } = TelemetryConfigRules.MaxFileBytes.DefaultInteger;

    /// <summary><c>rotate_interval_seconds</c> (file): rotate before a batch once the active file has been open this long (0: never).</summary>
    public double RotateIntervalSeconds { get; init; } = TelemetryConfigRules.RotateIntervalSeconds.DefaultNumber;

    /// <summary><c>retained_files</c> (file): closed files kept after a rotation, the oldest deleted first (0: keep all).</summary>
    public int RetainedFiles { get; init; } = (int)TelemetryConfigRules.RetainedFiles.DefaultInteger;

    /// <summary><c>compress_rotated</c> (file): gzip closed files after rotation (<c>events.000001.jsonl.gz</c>).</summary>
    public bool CompressRotated { get; init; } = TelemetryConfigRules.CompressRotated.DefaultBoolean;

    /// <summary><c>send_timeout_seconds</c>: the longest one send may take.</summary>
    public double SendTimeoutSeconds
    {
        get => _sendTimeoutSeconds;
        init
        {
            _sendTimeoutSeconds = value;
            SendTimeoutSet = true;
        }
    }

    private readonly double _sendTimeoutSeconds = TelemetryConfigRules.SendTimeoutSeconds.DefaultNumber;

    /// <summary>Whether <see cref="SendTimeoutSeconds"/> was set (by configuration or code): the otlp transport reads the OTEL_* variables only when not.</summary>
    internal bool SendTimeoutSet { get; private init; }

    /// <summary><c>worker_poll_seconds</c>: the longest an event waits in the buffer before the worker sends it.</summary>
    public double WorkerPollSeconds { get; init; } = TelemetryConfigRules.WorkerPollSeconds.DefaultNumber;

    /// <summary><c>buffer</c>.</summary>
    public BufferOptions Buffer { get; init; } = new();

    /// <summary><c>worker</c>.</summary>
    public WorkerOptions Worker { get; init; } = new();
}

/// <summary><c>telemetry.transport.buffer</c>.</summary>
public sealed record BufferOptions
{
    /// <summary><c>max_batch_size</c>: events per transport send; reaching it wakes the worker.</summary>
    public int MaxBatchSize { get; init; } = (int)TelemetryConfigRules.MaxBatchSize.DefaultInteger;

    /// <summary>
    /// <c>max_buffer_bytes</c>: the most serialized bytes queued before backpressure applies. 1 MiB is allocated up
    /// front, the rest only when a burst needs it.
    /// </summary>
    public int MaxBufferBytes { get; init; } = (int)TelemetryConfigRules.MaxBufferBytes.DefaultInteger;

    /// <summary>
    /// <c>max_event_bytes</c>: the largest serialized event envelope accepted; a larger one is rejected and counted, with
    /// its reason, never queued. Null: the default, see <see cref="EffectiveMaxEventBytes"/>. When set, at least 256 and
    /// at most <see cref="MaxBufferBytes"/>.
    /// </summary>
    public int? MaxEventBytes { get; init; }

    /// <summary>The limit in force: <see cref="MaxEventBytes"/> when set, else 1 MiB or <see cref="MaxBufferBytes"/> when that is smaller.</summary>
    public int EffectiveMaxEventBytes => MaxEventBytes ?? (int)Math.Min(TelemetryConfigRules.MaxEventBytes.DefaultInteger, MaxBufferBytes);

    /// <summary><c>flush_interval_ticks</c>: every this many <c>Tick</c> calls the worker sends what is queued (0: never).</summary>
    public int FlushIntervalTicks { get; init; } = (int)TelemetryConfigRules.FlushIntervalTicks.DefaultInteger;
}

/// <summary><c>telemetry.transport.worker</c>.</summary>
public sealed record WorkerOptions
{
    /// <summary><c>backpressure</c>.</summary>
    public BackpressureMode Backpressure { get; init; } = ConfigChoices.Parse<BackpressureMode>(TelemetryConfigRules.Backpressure, TelemetryConfigRules.Backpressure.DefaultText!);

    /// <summary><c>block_timeout_seconds</c>: how long <c>block</c> mode waits for room.</summary>
    public double BlockTimeoutSeconds { get; init; } = TelemetryConfigRules.BlockTimeoutSeconds.DefaultNumber;

    /// <summary><c>restart_limit</c>: worker restarts after crashes before the publisher falls back to the stub.</summary>
    public int RestartLimit { get; init; } = (int)TelemetryConfigRules.RestartLimit.DefaultInteger;

    /// <summary><c>send_retry_limit</c>: retries of a transiently failed batch before it is dropped.</summary>
    public int SendRetryLimit { get; init; } = (int)TelemetryConfigRules.SendRetryLimit.DefaultInteger;
}
