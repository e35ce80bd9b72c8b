using System.Text;
using Google.Protobuf;
using Herald.Events;
using Herald.Transports.Otlp;
using static Herald.Tests.Transports.OtlpDecoder;

namespace Herald.Tests.Transports;

/// <summary>
/// The otlp encoders against an independent decoder (Google.Protobuf's CodedInputStream by field number, and
/// System.Text.Json): every value type, nesting, envelope attributes, severity, body, time, trace context, resource
/// and scope, the two encodings agreeing record for record, canonical lengths, and no allocation per event.
/// </summary>
public sealed class OtlpEncodingTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    internal static string Line(string type = "test.event", string payload = "{}", string timestamp = "1703001234.567", string source = "\"simulation_loop\"",
        string target = "null", string meta = "{\"correlation_id\":null,\"version\":\"1.0\"}", string id = "evt_test_1703001234567_a1b2c3")
        => $"{{\"id\":\"{id}\",\"type\":\"{type}\",\"source\":{source},\"target\":{target},\"timestamp\":{timestamp},\"payload\":{payload},\"meta\":{meta}}}";

    private static Export[] Both(OtlpPayloadTypes? types, Func<string, string?>? environment = null, TelemetryOptions? telemetry = null, params string[] lines)
    {
        OtlpResource resource = OtlpResource.Resolve(telemetry?.Resource, telemetry?.Source, environment ?? NoEnvironment);
        types ??= new OtlpPayloadTypes(null);
        byte[] batch = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        Export protobuf = FromProtobuf(new OtlpProtobufEncoder(resource, types).Encode(batch).ToArray());
        Export json = FromJson(new OtlpJsonEncoder(resource, types).Encode(batch).ToArray());
        Assert.Equal(protobuf.Records.Select(r => r.ToString()), json.Records.Select(r => r.ToString()));
        Assert.Equal(protobuf.Resource, json.Resource);
        return [protobuf, json];
    }

    private static LogRecord One(string line, OtlpPayloadTypes? types = null) => Assert.Single(Both(types, lines: line)[0].Records);

    [Fact]
    public void Every_value_type_round_trips_in_both_encodings()
    {
        const string Payload = """
            {"i":42,"neg":-7,"zero":0,"big":9223372036854775807,"huge":18446744073709551616,"d":2.5,"e":1e3,"negd":-0.125,
             "s":"a \"quoted\" line\nwith \u00e9 and \ud83d\ude00","empty":"","t":true,"f":false,"n":null,
             "obj":{"a":1,"b":{"c":"x"},"z":null},"eobj":{},"arr":[1,"two",3.5,null,[true],{"k":false}],"earr":[]}
            """;
        LogRecord record = One(Line(payload: Payload.ReplaceLineEndings("")));
        Assert.Equal("int:42", record.Attr("i"));
        Assert.Equal("int:-7", record.Attr("neg"));
        Assert.Equal("int:0", record.Attr("zero"));
        Assert.Equal("int:9223372036854775807", record.Attr("big"));
        Assert.Equal("double:1.8446744073709552E+19", record.Attr("huge")); // past int64: a double
        Assert.Equal("double:2.5", record.Attr("d"));
        Assert.Equal("double:1000", record.Attr("e"));
        Assert.Equal("double:-0.125", record.Attr("negd"));
        Assert.Equal("string:a \"quoted\" line\nwith é and 😀", record.Attr("s"));
        Assert.Equal("string:", record.Attr("empty"));
        Assert.Equal("bool:true", record.Attr("t"));
        Assert.Equal("bool:false", record.Attr("f"));
        Assert.Equal("none", record.Attr("n"));
        Assert.Equal("kvlist{a=int:1,b=kvlist{c=string:x},z=none}", record.Attr("obj"));
        Assert.Equal("kvlist{}", record.Attr("eobj"));
        Assert.Equal("array[int:1,string:two,double:3.5,none,array[bool:true],kvlist{k=bool:false}]", record.Attr("arr"));
        Assert.Equal("array[]", record.Attr("earr"));
    }

    [Fact]
    public void Escaped_keys_are_unescaped()
    {
        LogRecord record = One(Line(payload: """{"a\"b":1,"caf\u00e9":"x"}"""));
        Assert.Equal("int:1", record.Attr("a\"b"));
        Assert.Equal("string:x", record.Attr("café"));
    }

    /// <summary>Schema <c>number</c> paths are doubles even when the text is a whole number (the registry's DoubleFields).</summary>
    [Fact]
    public void Double_fields_of_the_registry_are_doubles_even_when_integral()
    {
        string[] paths = ["duration_ms", "stats.mean", "samples[]", "weights{}", "zones[].area", "matrix[][]"];
        var types = new OtlpPayloadTypes(HeraldEvents.Registry, d => d.EventType == "loop.tick" ? paths : []);
        const string Payload = """{"duration_ms":2,"tick":7,"stats":{"mean":3,"count":4},"samples":[1,2],"weights":{"a":1,"b":2},"zones":[{"area":5,"id":6}],"matrix":[[1,2],[3]],"other":{"mean":1}}""";
        LogRecord record = One(Line(type: "loop.tick", payload: Payload), types);
        Assert.Equal("double:2", record.Attr("duration_ms"));
        Assert.Equal("int:7", record.Attr("tick"));
        Assert.Equal("kvlist{mean=double:3,count=int:4}", record.Attr("stats"));
        Assert.Equal("array[double:1,double:2]", record.Attr("samples"));
        Assert.Equal("kvlist{a=double:1,b=double:2}", record.Attr("weights"));
        Assert.Equal("array[kvlist{area=double:5,id=int:6}]", record.Attr("zones"));
        Assert.Equal("array[array[double:1,double:2],array[double:3]]", record.Attr("matrix"));
        Assert.Equal("kvlist{mean=int:1}", record.Attr("other"));

        // Another event type with the same field names is typed by its own (empty) list.
        Assert.Equal("int:2", One(Line(type: "app.event", payload: """{"duration_ms":2}"""), types).Attr("duration_ms"));
    }

    [Fact]
    public void The_generated_registry_types_a_whole_number_on_a_schema_number_path_as_a_double()
    {
        // loop.tick: duration_ms is a schema number, tick an integer; both are written as whole numbers here.
        var types = new OtlpPayloadTypes(HeraldEvents.Registry);
        LogRecord record = One(Line(type: "loop.tick", payload: """{"tick":7,"duration_ms":2,"agent_count":3,"events_emitted":4}"""), types);
        Assert.Equal("double:2", record.Attr("duration_ms"));
        Assert.Equal("int:7", record.Attr("tick"));
        Assert.Equal("int:3", record.Attr("agent_count"));
    }

    [Fact]
    public void Envelope_fields_are_namespaced_attributes_and_never_collide_with_the_payload()
    {
        LogRecord record = One(Line(payload: """{"source":"payload-source","id":5}""", target: "\"agent_7\"",
            meta: """{"correlation_id":"corr-1","version":"2.1"}"""));
        Assert.Equal("string:payload-source", record.Attr("source"));
        Assert.Equal("int:5", record.Attr("id"));
        Assert.Equal("string:simulation_loop", record.Attr("herald.event.source"));
        Assert.Equal("string:evt_test_1703001234567_a1b2c3", record.Attr("herald.event.id"));
        Assert.Equal("string:2.1", record.Attr("herald.event.version"));
        Assert.Equal("string:corr-1", record.Attr("herald.correlation_id"));
        Assert.Equal("string:agent_7", record.Attr("herald.event.target"));
        Assert.Equal("test.event", record.EventName);

        LogRecord plain = One(Line());
        Assert.DoesNotContain(plain.Attributes, a => a.Key is "herald.correlation_id" or "herald.event.target");
        Assert.Equal(["herald.event.id", "herald.event.source", "herald.event.version"], plain.Attributes.Select(a => a.Key));
    }

    [Fact]
    public void Body_is_the_payloads_message_else_the_event_type()
    {
        Assert.Equal("string:disk almost full", One(Line(payload: """{"message":"disk almost full","free":3}""")).Body);
        Assert.Equal("string:test.event", One(Line(payload: """{"message":7}""")).Body);
        Assert.Equal("string:test.event", One(Line()).Body);
    }

    [Theory]
    [InlineData("trace", 1)]
    [InlineData("debug", 5)]
    [InlineData("info", 9)]
    [InlineData("warn", 13)]
    [InlineData("warning", 13)]
    [InlineData("ERROR", 17)]
    [InlineData("fatal", 21)]
    [InlineData("critical", 21)]
    public void A_payload_severity_field_sets_number_and_text(string severity, int number)
    {
        LogRecord record = One(Line(payload: $$"""{"severity":"{{severity}}"}"""));
        Assert.Equal((number, severity), (record.SeverityNumber, record.SeverityText));
    }

    [Theory]
    [InlineData("app.event", null, 9, "low")]
    [InlineData("console.result", null, 10, "medium")]
    [InlineData("loop.failure", null, 17, "critical")]
    [InlineData("no.such_type", null, 9, "")]
    [InlineData("loop.failure", "\"loud\"", 17, "loud")] // an unknown severity text is kept; the number comes from the priority
    public void Without_a_severity_field_the_schema_priority_decides(string type, string? severity, int number, string text)
    {
        var types = new OtlpPayloadTypes(HeraldEvents.Registry);
        string payload = severity is null ? "{}" : $$"""{"severity":{{severity}}}""";
        LogRecord record = One(Line(type: type, payload: payload), types);
        Assert.Equal((number, text), (record.SeverityNumber, record.SeverityText));
    }

    [Theory]
    [InlineData("1703001234.567", 1703001234567000000UL)]
    [InlineData("1703001234.5", 1703001234500000000UL)]
    [InlineData("1703001234", 1703001234000000000UL)]
    [InlineData("1703001234.000000001", 1703001234000000001UL)]
    [InlineData("1703001234.1234567899", 1703001234123456789UL)] // past nanoseconds: cut, never rounded up
    [InlineData("0.001", 1000000UL)]
    public void Timestamps_become_exact_nanoseconds(string timestamp, ulong nanos)
    {
        LogRecord record = One(Line(timestamp: timestamp));
        Assert.Equal(nanos, record.Time);
        Assert.Equal(nanos, record.Observed);
    }

    [Fact]
    public void Trace_context_comes_from_meta()
    {
        const string Meta = """{"correlation_id":null,"trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736","span_id":"00f067aa0ba902b7","trace_flags":1,"version":"1.0"}""";
        LogRecord traced = One(Line(meta: Meta));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1u), (traced.TraceId, traced.SpanId, traced.Flags));

        LogRecord unsampled = One(Line(meta: Meta.Replace("\"trace_flags\":1", "\"trace_flags\":0", StringComparison.Ordinal)));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", 0u), (unsampled.TraceId, unsampled.Flags));

        foreach (string meta in new[]
        {
            """{"correlation_id":null,"trace_id":null,"span_id":null,"version":"1.0"}""",
            """{"correlation_id":null,"version":"1.0"}""", // envelope 1.0
            """{"correlation_id":null,"trace_id":"not-hex","span_id":"00f067aa0ba902b7","trace_flags":1,"version":"1.0"}""",
        })
        {
            LogRecord none = One(Line(meta: meta));
            Assert.Equal(("", "", 0u), (none.TraceId, none.SpanId, none.Flags));
        }
    }

    [Fact]
    public void Resource_merges_configuration_over_the_environment_with_types_kept()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=staging,team=a%2Cb%20c,service.name=from-attributes, host.name = box1 ",
        };
        var telemetry = new TelemetryOptions
        {
            Source = "game_service",
            Resource = new TelemetryOptions().Resource.Add("deployment.environment", "dev").Add("build", 42L).Add("ratio", 0.5).Add("beta", true),
        };
        Export export = Both(null, k => env.GetValueOrDefault(k), telemetry, Line())[0];
        Assert.Equal(
            ["service.name=string:from-attributes", "beta=bool:true", "build=int:42", "deployment.environment=string:dev", "host.name=string:box1",
             "ratio=double:0.5", "team=string:a,b c", "telemetry.sdk.name=string:herald", "telemetry.sdk.language=string:dotnet",
             $"telemetry.sdk.version=string:{OtlpResource.Version}"],
            export.Resource.Select(a => a.ToString()));
        Assert.Equal(("Herald", 1, 1), (export.ScopeName, export.ResourceLogs, export.ScopeLogs));
        Assert.DoesNotContain('+', export.ScopeVersion);
        Assert.Equal(OtlpResource.Version, export.ScopeVersion);
        Assert.StartsWith(typeof(TelemetryPublisher).Assembly.GetName().Version!.ToString(3), export.ScopeVersion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("config", "named", "attrs", "game", "config")]
    [InlineData(null, "named", "attrs", "game", "named")]
    [InlineData(null, null, "attrs", "game", "attrs")]
    [InlineData(null, null, null, "game", "game")]
    public void Service_name_precedence(string? configured, string? serviceName, string? attributes, string? source, string expected)
    {
        var env = new Dictionary<string, string>();
        if (serviceName is not null) env["OTEL_SERVICE_NAME"] = serviceName;
        if (attributes is not null) env["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=" + attributes;
        var telemetry = new TelemetryOptions { Source = source, Resource = configured is null ? new TelemetryOptions().Resource : new TelemetryOptions().Resource.Add("service.name", configured) };
        Assert.Equal("string:" + expected, Both(null, k => env.GetValueOrDefault(k), telemetry, Line())[0].Resource[0].Value);
    }

    [Fact]
    public void Without_any_name_the_service_is_unknown_service_and_the_process()
    {
        string name = Both(null, null, new TelemetryOptions(), Line())[0].Resource.Single(a => a.Key == "service.name").Value;
        Assert.Equal("string:unknown_service:" + System.Diagnostics.Process.GetCurrentProcess().ProcessName, name);
    }

    [Fact]
    public void Real_envelopes_decode_to_the_same_records_in_both_encodings()
    {
        var lines = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            lines.Add(Line(type: i % 2 == 0 ? "loop.tick" : "app.event", payload: "{\"tick\":" + i + ",\"duration_ms\":" + i + ".25,\"tags\":[\"a\",\"b\"],\"nested\":{\"deep\":{\"n\":" + i + "}}}",
                timestamp: $"1703001234.{i:000}", meta: i % 3 == 0 ? $$"""{"correlation_id":"c{{i}}","trace_id":"{{i:x32}}","span_id":"{{i + 1:x16}}","trace_flags":1,"version":"1.0"}""" : "{\"correlation_id\":null,\"version\":\"1.0\"}"));
        }
        Export[] both = Both(new OtlpPayloadTypes(HeraldEvents.Registry), null, null, [.. lines]);
        Assert.Equal(50, both[0].Records.Count);
        Assert.Equal(both[0].Records.Select(r => r.ToString()), both[1].Records.Select(r => r.ToString()));
    }

    /// <summary>Nested lengths are the shortest varints: the bytes equal what Google's CodedOutputStream writes for the same message.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(16_380)]
    [InlineData(16_384)]
    [InlineData(2_100_000)]
    public void Protobuf_lengths_are_canonical(int size)
    {
        byte[] text = Enumerable.Repeat((byte)'x', size).ToArray();
        var writer = new ProtobufWriter();
        writer.Begin(1, 3);        // reserved 3: shrinks when smaller
        writer.Begin(2);           // reserved 1: grows when larger
        writer.WriteBytes(1, text);
        writer.WriteVarint(2, 300);
        writer.End();
        writer.WriteFixed64(3, 0x0102030405060708UL);
        writer.End();

        byte[] inner, expected;
        using (var stream = new MemoryStream())
        {
            var output = new CodedOutputStream(stream);
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(text));
            output.WriteTag(2, WireFormat.WireType.Varint);
            output.WriteUInt64(300);
            output.Flush();
            inner = stream.ToArray();
        }
        using (var stream = new MemoryStream())
        {
            var middle = new MemoryStream();
            var m = new CodedOutputStream(middle);
            m.WriteTag(2, WireFormat.WireType.LengthDelimited);
            m.WriteBytes(ByteString.CopyFrom(inner));
            m.WriteTag(3, WireFormat.WireType.Fixed64);
            m.WriteFixed64(0x0102030405060708UL);
            m.Flush();
            var output = new CodedOutputStream(stream);
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(middle.ToArray()));
            output.Flush();
            expected = stream.ToArray();
        }
        Assert.Equal(expected, writer.Written.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encoding_allocates_nothing_per_event_in_steady_state(bool json)
    {
        var types = new OtlpPayloadTypes(HeraldEvents.Registry, d => d.EventType == "loop.tick" ? ["duration_ms", "stats.mean"] : []);
        OtlpResource resource = OtlpResource.Resolve(null, "game", NoEnvironment);
        IOtlpEncoder encoder = json ? new OtlpJsonEncoder(resource, types) : new OtlpProtobufEncoder(resource, types);
        const string Meta = """{"correlation_id":"c\"1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","trace_flags":1,"version":"1.0"}""";
        byte[] batch = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 1_000).Select(i =>
            Line(type: i % 2 == 0 ? "loop.tick" : "app.event", meta: Meta, timestamp: $"1703001234.{i % 1000:000}",
                payload: $$$"""{"tick":{{{i}}},"duration_ms":{{{i}}},"stats":{"mean":1.5,"n":[1,2,null]},"message":"caf\u00e9 {{{i}}}","severity":"warn","ok":true}""") + "\n")));
        encoder.Encode(batch); // first batch: buffers grow
        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadOnlyMemory<byte> second = encoder.Encode(batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000, (json ? FromJson(second.ToArray()) : FromProtobuf(second.ToArray())).Records.Count);
        Assert.True(allocated == 0, $"{allocated} bytes allocated encoding 1,000 events ({allocated / 1000.0} per event)");
    }
}
