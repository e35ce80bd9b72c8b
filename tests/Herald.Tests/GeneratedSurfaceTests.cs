using System.Buffers;
using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Herald.Events;
using Herald.Tests.Schemas;

namespace Herald.Tests;

/// <summary>The shape of generated types: constants, struct events, defaults, const, deprecation, equality, converter, registry.</summary>
public sealed class GeneratedSurfaceTests
{
    [Fact]
    public void Event_type_is_a_constant_usable_in_attributes()
    {
        FieldInfo field = typeof(LoopTick).GetField(nameof(LoopTick.EventType))!;
        Assert.True(field.IsLiteral);
        Assert.Equal("loop.tick", field.GetRawConstantValue());
        Assert.Equal("metrics.aggregation_started", MetricsAggregationStarted.EventType);
        Assert.Equal("loop.failure"u8.ToArray(), LoopFailure.EventTypeUtf8.ToArray());
        Assert.Equal("1.2", LoopFailure.SchemaVersion);
    }

    [Fact]
    public void X_struct_events_are_readonly_record_structs_and_others_sealed_records()
    {
        Assert.True(typeof(LoopTick).IsValueType);
        Assert.NotNull(typeof(LoopTick).GetCustomAttribute<System.Runtime.CompilerServices.IsReadOnlyAttribute>());
        Assert.False(typeof(LoopFailure).IsValueType);
        Assert.True(typeof(LoopFailure).IsSealed);
        Assert.All(typeof(LoopFailure).GetProperties(), p => Assert.True(p.SetMethod is null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit))));
    }

    [Fact]
    public void Defaults_apply_when_absent_and_const_is_fixed()
    {
        var sink = TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson()));
        Assert.Equal(TestKitchenSinkLevel.Low, sink.Level);
        Assert.Equal(3, sink.Retries);
        Assert.Equal("sink", sink.Kind);
        Assert.Equal(Mood.OnEdge, sink.Mood);
        Assert.Equal(AppEventSeverity.Info, new AppEvent { Source = "s", Message = "m" }.Severity);
        var wrong = Assert.Throws<EventFormatException>(() => TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson().Replace("\"small\":1", "\"kind\":\"tap\",\"small\":1"))));
        Assert.Equal("$.kind", wrong.Path);
    }

    [Fact]
    public void Deprecated_fields_are_obsolete_and_descriptions_become_docs()
    {
        ObsoleteAttribute obsolete = typeof(TestKitchenSink).GetProperty("LegacyName")!.GetCustomAttribute<ObsoleteAttribute>()!;
        Assert.Equal("Deprecated by the schema: Use note.", obsolete.Message);
    }

    [Fact]
    public void Optional_fields_are_omitted_and_required_nullables_written_as_null()
    {
        var evt = new ConsoleResult { Tick = 1, Command = "c", Status = ConsoleResultStatus.Error, DurationMs = 2 };
        Assert.Equal("""{"tick":1,"command":"c","status":"error","duration_ms":2}""", evt.ToString());
        Assert.Equal("{}", new TestAllOptional().ToString());
        Assert.Equal("""{"b":2}""", new TestAllOptional { B = 2 }.ToString());
        Assert.Equal("""{"b":2,"c":[true]}""", new TestAllOptional { B = 2, C = ImmutableArray.Create(true) }.ToString());
        Assert.Equal("{}", new TestEmpty().ToString());
        Assert.Contains("\"snapshot_path\":null", LoopFailure.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.ValidFailure())).ToString());
    }

    [Fact]
    public void Records_compare_arrays_maps_and_json_by_content()
    {
        TestKitchenSink a = TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson()));
        TestKitchenSink b = TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson()));
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a with { Names = ImmutableArray.Create<string?>("x", "y") });
        Assert.NotEqual(a, a with { Scores = ImmutableDictionary<string, double>.Empty });
        Assert.NotEqual(a, a with { Extra = JsonSerializer.SerializeToElement(1) });
        Assert.Equal(a with { Extra = JsonSerializer.SerializeToElement(new { x = 1 }) }, a with { Extra = JsonSerializer.SerializeToElement(new { x = 1 }) });
    }

    [Fact]
    public void JsonSerializer_uses_the_generated_converter_byte_for_byte()
    {
        LoopFailure failure = LoopFailure.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.ValidFailure()));
        var buffer = new ArrayBufferWriter<byte>();
        LoopFailure.Write(buffer, failure);
        Assert.Equal(buffer.WrittenSpan.ToArray(), JsonSerializer.SerializeToUtf8Bytes(failure));
        Assert.Equal(failure, JsonSerializer.Deserialize<LoopFailure>(buffer.WrittenSpan));

        var tick = new LoopTick { Tick = 3, DurationMs = 0.25, AgentCount = 1, EventsEmitted = 0 };
        string wrapped = JsonSerializer.Serialize(new { evt = tick });
        Assert.Equal("""{"evt":{"tick":3,"duration_ms":0.25,"agent_count":1,"events_emitted":0}}""", wrapped);
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LoopTick>("""{"tick":3}"""));
        Assert.IsType<EventFormatException>(ex.InnerException);
    }

    [Fact]
    public void The_registry_lists_every_canonical_event_and_reads_by_utf8_name()
    {
        EventRegistry registry = Herald.Events.HeraldEvents.Registry;
        Assert.Equal(EventTypes.CanonicalEventTypes.OrderBy(t => t), registry.All.Select(e => e.EventType).OrderBy(t => t));
        Assert.True(registry.TryGet("loop.failure"u8, out EventDescriptor failure));
        Assert.Equal(typeof(LoopFailure), failure.ClrType);
        Assert.Equal("critical", failure.Priority);
        Assert.Equal("simulation_loop", failure.Source);
        Assert.Contains("summary", failure.Fields);
        object boxed = failure.ReadBoxed(Encoding.UTF8.GetBytes(ReaderErrorTests.ValidFailure()));
        Assert.IsType<LoopFailure>(boxed);
        Assert.False(registry.TryGet("loop.tik"u8, out _));
        Assert.False(registry.TryGet(Encoding.UTF8.GetBytes(new string('x', 1000)), out _)); // longer than the stack buffer
        Assert.True(registry.TryGet("console.result", out EventDescriptor console));
        Assert.Equal(new[] { "issuer" }, console.RedactedFields);
        Assert.Equal("metrics_service", registry.All.Single(e => e.EventType == "metrics.aggregation_started").Source);
    }

    [Fact]
    public void A_utf8_name_is_looked_up_without_allocating()
    {
        // On net8.0, where Dictionary has no span lookup, the registry keeps a lookup of its own (EventRegistry.SpanLookup).
        EventRegistry registry = Herald.Events.HeraldEvents.Registry;
        Assert.Equal(0, AllocationProbe.SmallestRound(() =>
        {
            Assert.True(registry.TryGet("metrics.aggregation_started"u8, out _));
            Assert.False(registry.TryGet("metrics.aggregation_startee"u8, out _));
        }));
    }
}
