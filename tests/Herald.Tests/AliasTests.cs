using System.Text;
using Herald.Events;
using Herald.Tests.Schemas;

namespace Herald.Tests;

/// <summary>Legacy names (x-aliases) are accepted on read; the canonical name wins; output uses canonical names only.</summary>
public sealed class AliasTests
{
    private const string LegacyFailure =
        """{"tick":5,"status":"error","tick_duration_ms":3.5,"telemetry_queue":12,"telemetry_dropped":4,"failure_count":1,"error":"X: y","snapshot_path":null,"transport":{"provider":null,"queue_length":12,"dropped_messages":4,"last_flush_duration_ms":null,"payloads_flushed_total":0,"bytes_flushed_total":0,"auth_enabled":false,"worker":{"alive":true,"error":null,"restart_count":0}},"global_context":{}}""";

    [Fact]
    public void A_legacy_loop_failure_is_read_and_its_summary_synthesised()
    {
        LoopFailure failure = LoopFailure.Read(Encoding.UTF8.GetBytes(LegacyFailure));
        Assert.Equal(3.5, failure.DurationMs);
        Assert.Equal(new LoopFailureSummary { DurationMs = 3.5, QueueLength = 12, DroppedMessages = 4 }, failure.Summary);

        string rewritten = failure.ToString();
        Assert.DoesNotContain("tick_duration_ms", rewritten);
        Assert.DoesNotContain("telemetry_queue", rewritten);
        Assert.Contains("\"summary\":{\"duration_ms\":3.5,\"queue_length\":12,\"dropped_messages\":4}", rewritten);
    }

    [Fact]
    public void An_explicit_summary_wins_over_legacy_root_fields()
    {
        string json = LegacyFailure.Replace("\"global_context\":{}", "\"global_context\":{},\"summary\":{\"duration_ms\":1,\"queue_length\":2,\"dropped_messages\":3}");
        LoopFailure failure = LoopFailure.Read(Encoding.UTF8.GetBytes(json));
        Assert.Equal(new LoopFailureSummary { DurationMs = 1, QueueLength = 2, DroppedMessages = 3 }, failure.Summary);
    }

    [Fact]
    public void The_canonical_name_wins_over_its_alias_in_either_order()
    {
        string before = ReaderErrorTests.ValidFailure().Replace("\"duration_ms\":3.5,\"failure_count\"", "\"tick_duration_ms\":9,\"duration_ms\":3.5,\"failure_count\"");
        string after = ReaderErrorTests.ValidFailure().Replace("\"duration_ms\":3.5,\"failure_count\"", "\"duration_ms\":3.5,\"tick_duration_ms\":9,\"failure_count\"");
        Assert.Equal(3.5, LoopFailure.Read(Encoding.UTF8.GetBytes(before)).DurationMs);
        Assert.Equal(3.5, LoopFailure.Read(Encoding.UTF8.GetBytes(after)).DurationMs);
    }

    [Fact]
    public void Without_summary_or_legacy_fields_summary_is_missing()
    {
        string json = LegacyFailure.Replace("\"telemetry_queue\":12,", "");
        var ex = Assert.Throws<EventFormatException>(() => LoopFailure.Read(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("'summary'", ex.Reason);
    }

    [Fact]
    public void A_same_level_alias_fills_the_property()
    {
        string json = ReaderErrorTests.KitchenSinkJson().Replace("\"flag\":true", "\"flag\":true,\"old_renamed\":\"legacy\"");
        Assert.Equal("legacy", TestKitchenSink.Read(Encoding.UTF8.GetBytes(json)).CustomName);
    }
}

/// <summary><c>legacy_aliases</c>: the opt-in that also writes each aliased field under its first alias, for old readers.</summary>
public sealed class LegacyAliasWritingTests
{
    private static LoopFailure Failure() => LoopFailure.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.ValidFailure())) with
    {
        DurationMs = 7.25,
        Summary = new LoopFailureSummary { DurationMs = 7.25, QueueLength = 12, DroppedMessages = 4 },
    };

    private static async Task<string> PublishedLine(bool legacyAliases)
    {
        var transport = new Runtime.RecordingTransport();
        TelemetryOptions options = Runtime.PublisherTestKit.Options() with { Transforms = new TransformsOptions { LegacyAliases = legacyAliases } };
        await using (var publisher = TelemetryPublisher.Create(options, transport))
        {
            publisher.Emit(Failure());
            await publisher.FlushAsync();
        }
        return Assert.Single(transport.Lines);
    }

    [Fact]
    public async Task With_the_option_on_a_line_holds_both_forms_and_an_old_reader_finds_its_fields()
    {
        string line = await PublishedLine(legacyAliases: true);
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        var payload = doc.RootElement.GetProperty("payload");
        // The structured fields...
        Assert.Equal(7.25, payload.GetProperty("duration_ms").GetDouble());
        Assert.Equal(12, payload.GetProperty("summary").GetProperty("queue_length").GetInt64());
        Assert.Equal(4, payload.GetProperty("summary").GetProperty("dropped_messages").GetInt64());
        // ...and the legacy root fields, with the same values, each once.
        Assert.Equal(12, payload.GetProperty("telemetry_queue").GetInt64());
        Assert.Equal(4, payload.GetProperty("telemetry_dropped").GetInt64());
        Assert.Equal(7.25, payload.GetProperty("tick_duration_ms").GetDouble());
        Assert.Equal(1, payload.EnumerateObject().Count(p => p.Name == "tick_duration_ms"));

        // Herald's own reader takes the line back as the same event.
        Assert.Equal(Failure(), LoopFailure.Read(Encoding.UTF8.GetBytes(payload.GetRawText())));
    }

    [Fact]
    public async Task With_the_option_off_no_alias_is_written()
    {
        string line = await PublishedLine(legacyAliases: false);
        Assert.DoesNotContain("telemetry_queue", line);
        Assert.DoesNotContain("telemetry_dropped", line);
        Assert.DoesNotContain("tick_duration_ms", line);
        Assert.Equal(Failure().ToString(), System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("payload").GetRawText());
    }

    [Fact]
    public void When_both_forms_are_present_and_differ_the_canonical_fields_win()
    {
        string json = ReaderErrorTests.ValidFailure().Replace("\"global_context\":{}",
            "\"global_context\":{},\"tick_duration_ms\":99,\"telemetry_queue\":98,\"telemetry_dropped\":97");
        LoopFailure failure = LoopFailure.Read(Encoding.UTF8.GetBytes(json));
        Assert.Equal(3.5, failure.DurationMs);
        Assert.Equal(new LoopFailureSummary { DurationMs = 3.5, QueueLength = 2, DroppedMessages = 0 }, failure.Summary);
    }

    [Fact]
    public void A_same_level_alias_is_written_next_to_its_field_and_redacted_with_it()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var json = new Serialization.JsonOutput(buffer) { Options = Serialization.JsonOutputOptions.LegacyAliases };
        TestKitchenSink sink = TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson())) with { CustomName = "n" };
        TestKitchenSink.WriteObject(ref json, sink);
        json.Complete();
        string written = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.Contains("\"renamed\":\"n\",\"old_renamed\":\"n\"", written);
        Assert.Equal(sink, TestKitchenSink.Read(buffer.WrittenSpan));

        buffer.ResetWrittenCount();
        json = new Serialization.JsonOutput(buffer) { Options = Serialization.JsonOutputOptions.LegacyAliases };
        Assert.True(Schemas.HeraldEvents.Registry.TryGet(TestKitchenSink.EventType, out EventDescriptor descriptor));
        ulong renamedBit = 1UL << descriptor.Fields.IndexOf("renamed");
        TestKitchenSink.WriteObject(ref json, sink, renamedBit);
        json.Complete();
        Assert.Contains("\"renamed\":\"[REDACTED]\",\"old_renamed\":\"[REDACTED]\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
