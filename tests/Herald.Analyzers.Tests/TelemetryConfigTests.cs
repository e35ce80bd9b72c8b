using V = Herald.Analyzers.Tests.Verify<Herald.Analyzers.TelemetryConfigAnalyzer>;

namespace Herald.Analyzers.Tests;

/// <summary>HER201: telemetry.yaml checked at build time by the runtime's own reader and checker.</summary>
public sealed class TelemetryConfigTests
{
    private const string Code = "class Game { }";

    [Fact]
    public async Task HER201_every_problem_at_its_line_and_column()
    {
        const string Yaml = """
            telemetry:
              transport:
                type: kafka
                buffer:
                  max_batch_size: 0
                worker:
                  backpresure: block
              transforms:
                pipeline:
                  - redact_fields: {fields: [isuer], kinds: [console.result]}
                  - ensure_fields: {required_fields_by_kind: {loop.tik: [tick]}}
            """;
        // Every problem at once, as at run time: the transforms' event names are checked although other keys are wrong.
        await V.AnalyzerAsync(Code, new[] { ("telemetry.yaml", Yaml) },
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 3, 11, 3, 16).WithArguments("telemetry.transport.type", "kafka", "must be one of stdout, file, tcp, http, websocket, prometheus, otlp, stub"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 5, 23, 5, 24).WithArguments("telemetry.transport.buffer.max_batch_size", "0", "must be at least 1 and at most 1000000"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 7, 7, 7, 18).WithArguments("telemetry.transport.worker.backpresure", "block", "unknown key; did you mean 'backpressure'?"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 10, 34, 10, 39).WithArguments("telemetry.transforms.pipeline[0].redact_fields.fields[0]", "isuer", "'console.result' has no field 'isuer'; did you mean 'issuer'?"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 11, 51, 11, 59).WithArguments("telemetry.transforms.pipeline[1].ensure_fields.required_fields_by_kind.loop.tik", "loop.tik", "no schema defines this event type or x-kind; did you mean 'loop.tick'?"));
    }

    [Fact]
    public async Task HER201_reads_the_rule_table_for_new_keys_and_endpoint_forms()
    {
        const string Yaml = """
            telemetry:
              transport:
                type: tcp
                endpoint: collector
                buffer: {max_buffer_bytes: 65536, max_event_bytes: 131072}
            """;
        await V.AnalyzerAsync(Code, new[] { ("telemetry.yaml", Yaml) },
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 4, 15, 4, 24).WithArguments("telemetry.transport.endpoint", "collector", "required for the tcp transport, as host:port"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 5, 56, 5, 62).WithArguments("telemetry.transport.buffer.max_event_bytes", "131072", "must be at most max_buffer_bytes (65536)"));
    }

    [Fact]
    public async Task HER201_kinds_and_fields_come_from_the_generated_event_types()
    {
        const string Yaml = """
            telemetry:
              transforms:
                pipeline:
                  - redact_fields: {fields: [isuer, tick], kinds: [console.result]}
                  - ensure_fields: {required_fields_by_kind: {loop.tik: [tick]}}
            """;
        await V.AnalyzerAsync(Code, new[] { ("telemetry.yaml", Yaml) },
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 4, 34, 4, 39).WithArguments("telemetry.transforms.pipeline[0].redact_fields.fields[0]", "isuer", "'console.result' has no field 'isuer'; did you mean 'issuer'?"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 4, 41, 4, 45).WithArguments("telemetry.transforms.pipeline[0].redact_fields.fields[1]", "tick", "'console.result.tick' cannot be redacted: only string and free-form fields among the first 64 can"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 5, 51, 5, 59).WithArguments("telemetry.transforms.pipeline[1].ensure_fields.required_fields_by_kind.loop.tik", "loop.tik", "no schema defines this event type or x-kind; did you mean 'loop.tick'?"));
    }

    /// <summary>An event declared the way the generator writes it, with the schema's <c>x-kind</c> on its fields attribute.</summary>
    private const string SnapshotEvent = """
        using System;
        using System.Buffers;
        [Herald.EventFields(new[] { "tick", "policy_identity" }, new[] { "policy_identity" }, Kind = "snapshot")]
        public readonly record struct WorldSnapshot : Herald.IEvent<WorldSnapshot>
        {
            public const string EventType = "world.snapshot";
            static string Herald.IEvent<WorldSnapshot>.EventType => EventType;
            public static ReadOnlySpan<byte> EventTypeUtf8 => "world.snapshot"u8;
            public static string SchemaVersion => "1.0";
            public static string? SchemaSource => null;
            public static ulong SchemaRedactions => 0;
            public static bool HasFiniteChecks => false;
            public static void Write(IBufferWriter<byte> output, in WorldSnapshot value) { }
            public static void WritePayload(ref Herald.Serialization.JsonOutput json, in WorldSnapshot value, ulong redactions) { }
            public static ulong PresentFields(in WorldSnapshot value) => 0;
            public static string? Validate(in WorldSnapshot value) => null;
            public static string? NonFiniteNumber(in WorldSnapshot value) => null;
            public static WorldSnapshot Read(ReadOnlySpan<byte> utf8) => default;
        }
        """;

    [Fact]
    public async Task HER201_a_kind_names_the_events_that_declare_it()
    {
        const string Yaml = """
            telemetry:
              transforms:
                pipeline:
                  - redact_fields: {fields: [policy_identity], kinds: [snapshot, snapshott]}
                  - ensure_fields: {required_fields_by_kind: {snapshot: [tick, tock]}}
            """;
        await V.AnalyzerAsync(SnapshotEvent, new[] { ("telemetry.yaml", Yaml) },
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 4, 70, 4, 79).WithArguments("telemetry.transforms.pipeline[0].redact_fields.kinds[1]", "snapshott", "no schema defines this event type or x-kind; did you mean 'snapshot'?"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 5, 68, 5, 72).WithArguments("telemetry.transforms.pipeline[1].ensure_fields.required_fields_by_kind.snapshot[1]", "tock", "'world.snapshot' (of kind 'snapshot') has no field 'tock'; did you mean 'tick'?"));
    }

    [Fact]
    public async Task HER201_checks_each_item_of_a_transports_list()
    {
        const string Yaml = """
            telemetry:
              transports:
                - {type: file, file_path: a.jsonl}
                - type: http
                  endpont: "http://127.0.0.1:9/ingest"
            """;
        await V.AnalyzerAsync(Code, new[] { ("telemetry.yaml", Yaml) },
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 4, 13, 4, 17).WithArguments("telemetry.transports[1].endpoint", "(missing)", "required for the http transport, as an http(s) URL"),
            V.Diagnostic("HER201").WithSpan("telemetry.yaml", 5, 7, 5, 14).WithArguments("telemetry.transports[1].endpont", "http://127.0.0.1:9/ingest", "unknown key; did you mean 'endpoint'?"));
    }

    [Fact]
    public async Task HER201_syntax_errors_and_json_files()
    {
        await V.AnalyzerAsync(Code, new[] { ("telemetry.json", "{ \"telemetry\": { \"transport\": { \"type\": \"file\" } }") },
            V.Diagnostic("HER201").WithSpan("telemetry.json", 1, 1, 1, 2).WithArguments("telemetry", "(missing)", "'{' is never closed"));
    }

    [Fact]
    public async Task HER201_stays_silent_for_a_valid_file_and_other_files()
    {
        const string Valid = """
            telemetry:
              transport: {type: file, file_path: telemetry/events.jsonl, worker: {backpressure: fan_out}}
              transforms:
                pipeline:
                  - snapshot_normalizer
                  - redact_fields: {fields: [command], kinds: [console.result]}
                  - ensure_fields: {required_fields_by_kind: {loop.health: [tick]}}
                  - schema_validator
            """;
        await V.AnalyzerAsync(Code, new[] { ("telemetry.yaml", Valid), ("other.yaml", "telemetry: {transport: {type: kafka}}") });
    }
}
