using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Herald.Configuration;

namespace Herald;

/// <summary>
/// Checks <see cref="TelemetryOptions"/> built in code (files and configuration sections are checked while they are
/// read) and reports every invalid value at once. Ranges and choices come from the same rule table the file
/// checker and the HER201 analyzer use.
/// </summary>
public static class TelemetryOptionsValidator
{
    /// <summary>Transport types this runtime can create by name.</summary>
    public static IReadOnlyList<string> TransportTypes => TelemetryConfigRules.TransportTypes;

    /// <summary>All problems, empty when the options are valid.</summary>
    /// <param name="options">The options.</param>
    /// <param name="checkTransport">False when a transport instance is supplied in code, so <c>type</c> is not used.</param>
    public static IReadOnlyList<ConfigError> Validate(TelemetryOptions options, bool checkTransport = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConfigError>();
        TransportOptions t = options.Transport;
        // Telemetry turned off opens no connection: its keys are not checked (an unset token variable on a machine
        // where telemetry is disabled must not stop the game).
        if (options.Enabled && options.Transports.IsDefaultOrEmpty) CheckConnection(errors, t, "telemetry.transport", checkTransport);
        for (int i = 0; options.Enabled && !options.Transports.IsDefault && i < options.Transports.Length; i++)
        {
            if (options.Transports[i] is null) errors.Add(new ConfigError($"telemetry.transports[{i}]", null, "must not be null"));
            else if (checkTransport && options.Transports[i].Type == "stub") errors.Add(new ConfigError($"telemetry.transports[{i}].type", "stub", TelemetryConfigRules.StubInListReason));
            else CheckConnection(errors, options.Transports[i], $"telemetry.transports[{i}]", checkTransport);
        }
        Check(errors, "shutdown_timeout_seconds", options.ShutdownTimeout.TotalSeconds);
        Check(errors, "transport.worker_poll_seconds", t.WorkerPollSeconds);
        Check(errors, "transport.buffer.max_batch_size", t.Buffer.MaxBatchSize);
        Check(errors, "transport.buffer.max_buffer_bytes", t.Buffer.MaxBufferBytes);
        Check(errors, "transport.buffer.flush_interval_ticks", t.Buffer.FlushIntervalTicks);
        Check(errors, "transport.worker.block_timeout_seconds", t.Worker.BlockTimeoutSeconds);
        Check(errors, "transport.worker.restart_limit", t.Worker.RestartLimit);
        Check(errors, "transport.worker.send_retry_limit", t.Worker.SendRetryLimit);
        CheckTransforms(errors, options);
        return errors;
    }

    /// <summary>One connection's keys (<paramref name="key"/>: <c>telemetry.transport</c> or <c>telemetry.transports[i]</c>).</summary>
    private static void CheckConnection(List<ConfigError> errors, TransportOptions t, string key, bool checkTransport)
    {
        if (checkTransport)
        {
            if (!TelemetryConfigRules.TransportTypes.Contains(t.Type))
                errors.Add(new ConfigError(key + ".type", t.Type, "must be one of " + string.Join(", ", TelemetryConfigRules.TransportTypes)));
            if (t.Type is "file" or "prometheus" && string.IsNullOrWhiteSpace(t.FilePath))
                errors.Add(new ConfigError(key + ".file_path", t.FilePath, $"required for the {t.Type} transport"));
            if (t.Type == "tcp")
            {
                try
                {
                    Transports.TcpTransport.ParseEndpoint(t.Endpoint);
                }
                catch (ArgumentException)
                {
                    errors.Add(new ConfigError(key + ".endpoint", t.Endpoint, "required for the tcp transport, as host:port"));
                }
            }
        }
        if (checkTransport && t.Type == "http" && !(Uri.TryCreate(t.Endpoint, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
            errors.Add(new ConfigError(key + ".endpoint", t.Endpoint, "required for the http transport, as an http(s) URL"));
        if (checkTransport && t.Type == "websocket" && !(Uri.TryCreate(t.Endpoint, UriKind.Absolute, out Uri? ws) && (ws.Scheme == "ws" || ws.Scheme == "wss")))
            errors.Add(new ConfigError(key + ".endpoint", t.Endpoint, "required for the websocket transport, as a ws(s) URL"));
        if (t.MetricPrefix is not null && !Transports.PrometheusTextfileTransport.IsMetricName(t.MetricPrefix))
            errors.Add(new ConfigError(key + ".metric_prefix", t.MetricPrefix, "must be a Prometheus metric name: letters, digits, '_' and ':', not starting with a digit"));
        if (!TelemetryConfigRules.HttpFormats.Contains(t.Format))
            errors.Add(new ConfigError(key + ".format", t.Format, "must be one of " + string.Join(", ", TelemetryConfigRules.HttpFormats)));
        if (!TelemetryConfigRules.Compressions.Contains(t.Compression))
            errors.Add(new ConfigError(key + ".compression", t.Compression, "must be one of " + string.Join(", ", TelemetryConfigRules.Compressions)));
        // The value named is the variable, never the secret it holds.
        if (t.AuthTokenEnv is { } variable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
            errors.Add(new ConfigError(key + ".auth_token_env", variable, "the environment variable is not set (or empty)"));
        if (!TelemetryConfigRules.UsesTls(t.EnableTls, t.Endpoint))
        {
            if (t.TlsCaFile is not null) errors.Add(new ConfigError(key + ".tls_ca_file", t.TlsCaFile, TelemetryConfigRules.TlsOnlyReason));
            if (t.TlsPinSha256 is not null) errors.Add(new ConfigError(key + ".tls_pin_sha256", t.TlsPinSha256, TelemetryConfigRules.TlsOnlyReason));
        }
        if (t.TlsPinSha256 is not null)
        {
            try
            {
                Transports.CertificateTrust.ParsePin(t.TlsPinSha256);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                errors.Add(new ConfigError(key + ".tls_pin_sha256", t.TlsPinSha256, "must be the SHA-256 of the certificate's public key (SubjectPublicKeyInfo): 64 hex digits (colons allowed) or sha256//BASE64, as curl's --pinnedpubkey"));
            }
        }
        if (TelemetryConfigRules.Rule("transport.send_timeout_seconds").CheckRange(t.SendTimeoutSeconds) is { } why)
            errors.Add(new ConfigError(key + ".send_timeout_seconds", t.SendTimeoutSeconds.ToString(CultureInfo.InvariantCulture), why));
        if (Transports.FileModes.Check(t.FileMode, directory: false) is { } badFileMode)
            errors.Add(new ConfigError(key + ".file_mode", t.FileMode, badFileMode));
        if (Transports.FileModes.Check(t.DirectoryMode, directory: true) is { } badDirectoryMode)
            errors.Add(new ConfigError(key + ".directory_mode", t.DirectoryMode, badDirectoryMode));
        if (TelemetryConfigRules.Rule("transport.max_file_bytes").CheckRange(t.MaxFileBytes) is { } badMax)
            errors.Add(new ConfigError(key + ".max_file_bytes", t.MaxFileBytes.ToString(CultureInfo.InvariantCulture), badMax));
        if (TelemetryConfigRules.Rule("transport.rotate_interval_seconds").CheckRange(t.RotateIntervalSeconds) is { } badInterval)
            errors.Add(new ConfigError(key + ".rotate_interval_seconds", t.RotateIntervalSeconds.ToString(CultureInfo.InvariantCulture), badInterval));
        if (TelemetryConfigRules.Rule("transport.retained_files").CheckRange(t.RetainedFiles) is { } badRetained)
            errors.Add(new ConfigError(key + ".retained_files", t.RetainedFiles.ToString(CultureInfo.InvariantCulture), badRetained));
    }

    /// <summary>Throws <see cref="TelemetryConfigException"/> naming every invalid value.</summary>
    public static void ThrowIfInvalid(TelemetryOptions options, bool checkTransport = true)
    {
        IReadOnlyList<ConfigError> errors = Validate(options, checkTransport);
        if (errors.Count > 0) throw new TelemetryConfigException(errors);
    }

    private static void Check(List<ConfigError> errors, string path, double value)
    {
        if (TelemetryConfigRules.Rule(path).CheckRange(value) is { } why)
            errors.Add(new ConfigError("telemetry." + path, value.ToString(CultureInfo.InvariantCulture), why));
    }

    private static void CheckTransforms(List<ConfigError> errors, TelemetryOptions options)
    {
        var specs = new List<TransformSpec>();
        ImmutableArray<TransformOptions> pipeline = options.Transforms.Pipeline.IsDefault ? ImmutableArray<TransformOptions>.Empty : options.Transforms.Pipeline;
        for (int i = 0; i < pipeline.Length; i++)
        {
            TransformOptions transform = pipeline[i];
            string name = transform switch
            {
                RedactFieldsTransform => "redact_fields",
                EnsureFieldsTransform => "ensure_fields",
                SchemaValidatorTransform => "schema_validator",
                _ => "snapshot_normalizer",
            };
            string key = $"telemetry.transforms.pipeline[{i}].{name}";
            var spec = new TransformSpec(name, key);
            Names(transform.Kinds, key + ".kinds", spec.Kinds);
            if (transform is RedactFieldsTransform redact)
            {
                if (redact.Fields.IsDefaultOrEmpty) errors.Add(new ConfigError(key + ".fields", null, "required: the fields to redact"));
                Names(redact.Fields, key + ".fields", spec.Fields);
            }
            if (transform is EnsureFieldsTransform ensure)
            {
                foreach (var (kind, fields) in ensure.RequiredFieldsByKind ?? ImmutableDictionary<string, ImmutableArray<string>>.Empty)
                {
                    string kindKey = key + ".required_fields_by_kind." + kind;
                    var names = new List<ConfigName>();
                    Names(fields, kindKey, names);
                    spec.RequiredFieldsByKind.Add(new(new ConfigName(kind, kindKey, 0, 0), names));
                }
            }
            specs.Add(spec);
        }

        bool namesEvents = specs.Any(s => s.Kinds.Count > 0 || s.Fields.Count > 0 || s.RequiredFieldsByKind.Count > 0);
        if (!namesEvents) return;
        EventRegistry? events;
        try
        {
            events = EventRegistration.ForOptions(options.Events);
        }
        catch (TelemetryConfigException ex)
        {
            errors.AddRange(ex.Errors);
            return;
        }
        if (events is null)
        {
            errors.Add(new ConfigError("telemetry.transforms.pipeline", null,
                "names event kinds or fields, but no event types are known: add schemas to the project (its generated events register themselves), or set TelemetryOptions.Events"));
            return;
        }
        foreach (ConfigIssue issue in TelemetryConfigChecker.CheckEvents(specs, new RegistryCatalog(events)))
            errors.Add(new ConfigError(issue.Key, issue.Value, issue.Reason));
    }

    private static void Names(ImmutableArray<string> names, string key, List<ConfigName> into)
    {
        if (names.IsDefault) return;
        for (int i = 0; i < names.Length; i++) into.Add(new ConfigName(names[i], $"{key}[{i}]", 0, 0));
    }
}
