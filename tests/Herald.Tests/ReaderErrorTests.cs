using System.Text;
using CsCheck;
using Herald.Events;
using Herald.Tests.Schemas;

namespace Herald.Tests;

/// <summary>Every way a payload can be wrong gives one exception type with a JSON path and a byte position.</summary>
public sealed class ReaderErrorTests
{
    private const string ValidTick = """{"tick":1,"duration_ms":16.5,"agent_count":3,"events_emitted":7}""";

    private static EventFormatException Fails<TEvent>(string json) where TEvent : IEvent<TEvent>
        => Assert.Throws<EventFormatException>(() => TEvent.Read(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Missing_required_property()
    {
        var ex = Fails<LoopTick>("""{"tick":1,"duration_ms":16.5,"agent_count":3}""");
        Assert.Contains("missing required property 'events_emitted'", ex.Message);
        Assert.Equal("$", ex.Path);
        Assert.Equal(44, ex.BytePosition); // the closing brace
    }

    [Fact]
    public void Wrong_token_type()
    {
        var ex = Fails<LoopTick>("""{"tick":"1","duration_ms":16.5,"agent_count":3,"events_emitted":7}""");
        Assert.Equal("$.tick", ex.Path);
        Assert.Equal(8, ex.BytePosition);
        Assert.Contains("expected an integer", ex.Reason);
    }

    [Fact]
    public void Null_where_the_schema_does_not_allow_it()
    {
        var ex = Fails<AppEvent>("""{"source":null,"message":"m"}""");
        Assert.Equal("$.source", ex.Path);
        Assert.Contains("got null", ex.Reason);
    }

    [Fact]
    public void Bad_enum_value()
    {
        var ex = Fails<AppEvent>("""{"source":"s","message":"m","severity":"fatal"}""");
        Assert.Equal("$.severity", ex.Path);
        Assert.Contains("expected one of debug, info, warning, error", ex.Reason);
    }

    [Fact]
    public void Bad_date_and_bad_uuid()
    {
        string sink = KitchenSinkJson();
        Assert.Equal("$.at", Fails<TestKitchenSink>(sink.Replace("\"2024-05-01T10:00:00+02:00\"", "\"yesterday\"")).Path);
        Assert.Equal("$.id", Fails<TestKitchenSink>(sink.Replace("\"0f8fad5b-d9cb-469f-a165-70867728950e\"", "\"not-a-uuid\"")).Path);
    }

    [Fact]
    public void Integer_overflow()
    {
        var ex = Fails<LoopTick>("""{"tick":9223372036854775808,"duration_ms":1,"agent_count":3,"events_emitted":7}""");
        Assert.Equal("$.tick", ex.Path);
        Assert.Contains("64-bit range", ex.Reason);
        Assert.Equal("$.agent_count", Fails<LoopTick>("""{"tick":1,"duration_ms":1,"agent_count":2147483648,"events_emitted":7}""").Path);
        Assert.Equal("$.tick", Fails<LoopTick>("""{"tick":1.5,"duration_ms":1,"agent_count":3,"events_emitted":7}""").Path);
    }

    [Fact]
    public void Duplicate_property()
    {
        var ex = Fails<LoopTick>("""{"tick":1,"tick":2,"duration_ms":1,"agent_count":3,"events_emitted":7}""");
        Assert.Equal("$.tick", ex.Path);
        Assert.Contains("duplicate", ex.Reason);
    }

    [Fact]
    public void Truncated_input()
    {
        for (int cut = 0; cut < ValidTick.Length - 1; cut++)
        {
            var ex = Fails<LoopTick>(ValidTick.Substring(0, cut));
            Assert.InRange(ex.BytePosition, 0, cut);
        }
    }

    [Fact]
    public void Excessive_depth()
    {
        string deep = new string('[', 100) + new string(']', 100);
        var ex = Fails<LoopFailure>(ValidFailure().Replace("\"global_context\":{}", "\"global_context\":" + deep));
        Assert.Equal("$.global_context", ex.Path);
        Assert.Contains("depth", ex.Reason);
    }

    [Fact]
    public void Trailing_content_and_non_object_roots()
    {
        Assert.Contains("after the payload", Fails<LoopTick>(ValidTick + " {}").Reason);
        Assert.Contains("expected an object", Fails<LoopTick>("[1,2]").Reason);
        Assert.Contains("does not contain any JSON tokens", Fails<LoopTick>("").Reason);
        Assert.Contains("malformed", Fails<LoopTick>("{'tick':1}").Reason);
    }

    [Fact]
    public void Nested_paths_name_the_array_index_and_property()
    {
        string json = KitchenSinkJson().Replace("{\"name\":\"b\",\"energy\":0.5}", "{\"name\":\"b\",\"energy\":\"high\"}");
        var ex = Fails<TestKitchenSink>(json);
        Assert.Equal("$.agents[1].energy", ex.Path);
        Assert.Equal(json.IndexOf("\"high\"", StringComparison.Ordinal), ex.BytePosition);

        var deeper = Fails<LoopFailure>(ValidFailure().Replace("\"alive\":true", "\"alive\":1"));
        Assert.Equal("$.transport.worker.alive", deeper.Path);
        var map = Fails<TestKitchenSink>(KitchenSinkJson().Replace("\"scores\":{\"a b\":1.5}", "\"scores\":{\"a b\":true}"));
        Assert.Equal("$.scores['a b']", map.Path);
    }

    [Fact]
    public void Any_property_order_and_unknown_properties_are_accepted()
    {
        var tick = LoopTick.Read("""{"events_emitted":7,"future_field":{"a":[1,{"b":null}]},"agent_count":3,"duration_ms":16.5,"tick":1}"""u8);
        Assert.Equal(new LoopTick { Tick = 1, DurationMs = 16.5, AgentCount = 3, EventsEmitted = 7 }, tick);
    }

    private const string Structural = "{}[]\",:0-e";

    [Fact]
    public void Mutated_payloads_only_ever_throw_EventFormatException()
    {
        byte[] valid = Encoding.UTF8.GetBytes(ValidFailure());
        Gen.Int.Sample(seed =>
        {
            var rng = new Random(seed);
            byte[] mutated = (byte[])valid.Clone();
            for (int i = 0, n = rng.Next(1, 4); i < n; i++)
            {
                int at = rng.Next(mutated.Length);
                mutated[at] = rng.Next(3) switch { 0 => (byte)rng.Next(256), 1 => (byte)Structural[rng.Next(Structural.Length)], _ => (byte)' ' };
            }
            try
            {
                LoopFailure.Read(mutated);
            }
            catch (EventFormatException ex)
            {
                Assert.InRange(ex.BytePosition, 0, mutated.Length);
                Assert.StartsWith("$", ex.Path);
            }
        }, iter: 5_000, threads: 1);
    }

    internal static string ValidFailure() =>
        """{"tick":5,"status":"error","duration_ms":3.5,"failure_count":1,"error":"X: y","snapshot_path":null,"transport":{"provider":"file","queue_length":2,"dropped_messages":0,"last_flush_duration_ms":null,"payloads_flushed_total":10,"bytes_flushed_total":900,"auth_enabled":false,"worker":{"alive":true,"error":null,"restart_count":0}},"global_context":{},"summary":{"duration_ms":3.5,"queue_length":2,"dropped_messages":0}}""";

    internal static string KitchenSinkJson() =>
        """{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","at":"2024-05-01T10:00:00+02:00","small":1,"big":2,"ratio":0.5,"value":1.25,"flag":true,"mood":"on-edge","names":["x",null],"points":[{"x":1,"y":2}],"matrix":[[1,2],[]],"agents":[{"name":"a","energy":1},{"name":"b","energy":0.5}],"scores":{"a b":1.5}}""";
}
