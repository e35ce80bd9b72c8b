using Herald.Events;

namespace Herald.Tests.Configuration;

/// <summary>Reading the <c>telemetry:</c> configuration shape from YAML and JSON files, and the errors a bad file gets.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string ExampleYaml = """
        # An example configuration, with Herald's event kinds.
        simulation:
          ticks: 100   # another section of the game's config: not ours
        telemetry:
          transport:
            type: file   # stdout | file
            file_path: logs/telemetry.jsonl
            endpoint: localhost:9090
            enable_tls: true
            send_timeout_seconds: 1.0
            worker_poll_seconds: 0.25
            buffer:
              max_batch_size: 32
              max_buffer_bytes: 256000
              flush_interval_ticks: 2
            worker:
              backpressure: block  # drop_oldest | block | fan_out
              block_timeout_seconds: 0.75
              restart_limit: 4
          transforms:
            pipeline:
              - snapshot_normalizer
              - redact_fields: {fields: [command], kinds: [console.result]}
              - ensure_fields: {required_fields_by_kind: {console.result: [cmd_id]}}
              - schema_validator
        """;

    [Fact]
    public void Example_yaml_binds_every_key()
    {
        TelemetryOptions o = TelemetryOptions.FromFile(Write("telemetry.yaml", ExampleYaml), HeraldEvents.Registry);

        Assert.Equal("file", o.Transport.Type);
        Assert.Equal("logs/telemetry.jsonl", o.Transport.FilePath);
        Assert.Equal("localhost:9090", o.Transport.Endpoint);
        Assert.True(o.Transport.EnableTls);
        Assert.Equal(1.0, o.Transport.SendTimeoutSeconds);
        Assert.Equal(0.25, o.Transport.WorkerPollSeconds);
        Assert.Equal(32, o.Transport.Buffer.MaxBatchSize);
        Assert.Equal(256000, o.Transport.Buffer.MaxBufferBytes);
        Assert.Equal(2, o.Transport.Buffer.FlushIntervalTicks);
        Assert.Equal(BackpressureMode.Block, o.Transport.Worker.Backpressure);
        Assert.Equal(0.75, o.Transport.Worker.BlockTimeoutSeconds);
        Assert.Equal(4, o.Transport.Worker.RestartLimit);
        Assert.Equal(5, o.Transport.Worker.SendRetryLimit); // not given: the default
        Assert.Same(HeraldEvents.Registry, o.Events);

        Assert.Collection(o.Transforms.Pipeline,
            t => Assert.IsType<SnapshotNormalizerTransform>(t),
            t =>
            {
                var redact = Assert.IsType<RedactFieldsTransform>(t);
                Assert.Equal(new[] { "command" }, redact.Fields);
                Assert.Equal(new[] { "console.result" }, redact.Kinds);
            },
            t => Assert.Equal(new[] { "cmd_id" }, Assert.IsType<EnsureFieldsTransform>(t).RequiredFieldsByKind["console.result"]),
            t => Assert.IsType<SchemaValidatorTransform>(t));
    }

    [Fact]
    public void Json_file_reads_the_same_as_yaml()
    {
        const string Json = """
            {
              "telemetry": {
                "transport": {
                  "type": "file", "file_path": "logs/telemetry.jsonl", "endpoint": "localhost:9090", "enable_tls": true,
                  "send_timeout_seconds": 1.0, "worker_poll_seconds": 0.25,
                  "buffer": { "max_batch_size": 32, "max_buffer_bytes": 256000, "flush_interval_ticks": 2 },
                  "worker": { "backpressure": "block", "block_timeout_seconds": 0.75, "restart_limit": 4 }
                },
                "transforms": { "pipeline": [
                  "snapshot_normalizer",
                  { "redact_fields": { "fields": ["command"], "kinds": ["console.result"] } },
                  { "ensure_fields": { "required_fields_by_kind": { "console.result": ["cmd_id"] } } },
                  "schema_validator"
                ] }
              }
            }
            """;
        TelemetryOptions fromYaml = TelemetryOptions.FromFile(Write("a.yaml", ExampleYaml), HeraldEvents.Registry);
        TelemetryOptions fromJson = TelemetryOptions.FromFile(Write("a.json", Json), HeraldEvents.Registry);

        Assert.Equal(fromYaml.Transport, fromJson.Transport);
        Assert.Equal(fromYaml.Transforms.Pipeline.Length, fromJson.Transforms.Pipeline.Length);
        Assert.Equal(
            fromYaml.Transforms.Pipeline.Select(t => t.GetType()),
            fromJson.Transforms.Pipeline.Select(t => t.GetType()));
    }

    [Fact]
    public void Empty_telemetry_section_gives_the_defaults()
    {
        TelemetryOptions o = TelemetryOptions.FromFile(Write("t.yaml", "telemetry:\n"));
        Assert.Equal(new TelemetryOptions().Transport, o.Transport);
        Assert.Empty(o.Transforms.Pipeline);
        Assert.True(o.Transforms.SchemaRedaction);
    }

    [Fact]
    public void Every_bad_key_is_named_with_its_value_line_and_column()
    {
        string path = Write("telemetry.yaml", """
            telemetry:
              transport:
                type: fille
                worker_poll_seconds: -1
                buffer:
                  max_batch_size: lots
                  max_bufer_bytes: 1000
                worker:
                  backpressure: drop_newest
                  restart_limit: 5000
              transforms:
                pipeline:
                  - redact_field: {fields: [x]}
                  - ensure_fields: {required_fields_by_kind: {loop.tick: [tick]}, extra: 1}
              shutdown_timeout_seconds: [1, 2]
            """);

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path));
        string Located(int line, int column) => $"{path}({line},{column})";
        var expected = new (string Key, string Location, string Reason)[]
        {
            ("telemetry.transport.type", Located(3, 11), "did you mean 'file'?"),
            ("telemetry.transport.worker_poll_seconds", Located(4, 26), "must be greater than 0"),
            ("telemetry.transport.buffer.max_batch_size", Located(6, 23), "must be a whole number"),
            ("telemetry.transport.buffer.max_bufer_bytes", Located(7, 7), "did you mean 'max_buffer_bytes'?"),
            ("telemetry.transport.worker.backpressure", Located(9, 21), "must be one of drop_oldest, block, fan_out"),
            ("telemetry.transport.worker.restart_limit", Located(10, 22), "at most 1000"),
            ("telemetry.transforms.pipeline[0]", Located(13, 9), "did you mean 'redact_fields'?"),
            ("telemetry.transforms.pipeline[1].ensure_fields.extra", Located(14, 71), "unknown parameter"),
            ("telemetry.shutdown_timeout_seconds", Located(15, 29), "must be a single value"),
        };
        Assert.Equal(expected.Length, ex.Errors.Count);
        foreach (var (key, location, reason) in expected)
        {
            ConfigError error = Assert.Single(ex.Errors, e => e.Key == key);
            Assert.Equal(location, error.Location);
            Assert.Contains(reason, error.Reason);
            Assert.Contains(error.ToString(), ex.Message);
        }
    }

    [Fact]
    public void Kinds_and_fields_are_checked_against_the_registry()
    {
        string path = Write("telemetry.yaml", """
            telemetry:
              transforms:
                pipeline:
                  - redact_fields: {fields: [isuer, tick], kinds: [console.result, loop.tik]}
                  - ensure_fields: {required_fields_by_kind: {loop.health: [tick, nope]}}
            """);

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path, HeraldEvents.Registry));

        Assert.Collection(ex.Errors.OrderBy(e => e.Location, StringComparer.Ordinal),
            e => Assert.Equal((path + "(4,34)", "'console.result' has no field 'isuer'; did you mean 'issuer'?"), (e.Location, e.Reason)),
            e => Assert.Equal((path + "(4,41)", "'console.result.tick' cannot be redacted: only string and free-form fields among the first 64 can"), (e.Location, e.Reason)),
            e => Assert.Equal((path + "(4,72)", "no schema defines this event type or x-kind; did you mean 'loop.tick'?"), (e.Location, e.Reason)),
            e => Assert.Equal((path + "(5,71)", "'loop.health' has no field 'nope'"), (e.Location, e.Reason)));
    }

    [Fact]
    public void Naming_events_unknown_to_the_given_registry_fails_at_load_and_at_creation()
    {
        string path = Write("telemetry.yaml", "telemetry:\n  transforms:\n    pipeline:\n      - redact_fields: {fields: [issuer]}\n");
        var none = new EventRegistry([]);

        var atLoad = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path, none));
        Assert.Equal((path + "(4,34)", "no event type has this field"), (Assert.Single(atLoad.Errors).Location, atLoad.Errors[0].Reason));
        TelemetryOptions options = TelemetryOptions.FromFile(path) with { Events = none }; // the registered events know 'issuer'
        var atCreation = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
        Assert.Equal("no event type has this field", Assert.Single(atCreation.Errors).Reason);
    }

    [Theory]
    [InlineData("telemetry:\n\ttransport: {}\n", 2, 1, "tabs")]
    [InlineData("telemetry:\n  source: \"unclosed\n", 2, 11, "must end on the line")]
    [InlineData("telemetry:\n  source: &anchor x\n", 2, 11, "anchors")]
    [InlineData("telemetry:\n  source: |\n    text\n", 2, 11, "block scalars")]
    [InlineData("telemetry:\n  source: a\n  source: b\n", 3, 3, "duplicate key 'source'")]
    [InlineData("telemetry:\n  transport: {type: file,\n", 2, 14, "never closed")]
    [InlineData("telemetry:\n  source: a\n---\nother: 1\n", 3, 1, "one document")]
    [InlineData("telemetry:\n  transport:\n    type: file\n      file_path: x\n", 4, 7, "indentation")]
    public void Syntax_errors_point_at_line_and_column(string text, int line, int column, string reason)
    {
        string path = Write("bad.yaml", text);
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal($"{path}({line},{column})", error.Location);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Missing_file_is_a_config_error_naming_the_path()
    {
        string path = Path.Combine(_dir, "absent.yaml");
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path));
        Assert.Equal(path, Assert.Single(ex.Errors).Value);
    }

    [Fact]
    public void A_file_without_a_telemetry_section_says_so()
    {
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(Write("t.yaml", "telemetri:\n  transport: {}\n")));
        Assert.Contains("'telemetri'", Assert.Single(ex.Errors).Reason);
    }

    [Fact]
    public void Tls_trust_settings_without_tls_and_a_tcp_transport_without_endpoint_are_errors()
    {
        string path = Write("telemetry.yaml", """
            telemetry:
              transport:
                type: tcp
                tls_pin_sha256: AB:CD
            """);
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path));
        Assert.Equal(
            new[] { "telemetry.transport.endpoint", "telemetry.transport.tls_pin_sha256", "telemetry.transport.tls_pin_sha256" },
            ex.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        // The pin is both set without TLS and not a SHA-256: each is its own error.
        string[] pin = ex.Errors.Where(e => e.Key.EndsWith("pin_sha256", StringComparison.Ordinal)).Select(e => e.Reason).ToArray();
        Assert.Contains(pin, r => r.Contains("only used with TLS", StringComparison.Ordinal));
        Assert.Contains(pin, r => r.Contains("64 hex digits", StringComparison.Ordinal));
    }
}
