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
