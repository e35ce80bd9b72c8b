using System.Text;
using System.Text.Json;
using Herald.Transports;

namespace Herald.Tests.Transports;

/// <summary>The CloudEvents batch carries an envelope's trace as the Distributed Tracing extension's <c>traceparent</c>.</summary>
public sealed class CloudEventsTraceTests
{
    [Fact]
    public void An_envelope_with_a_trace_gets_a_traceparent_and_one_without_gets_none()
    {
        const string Traced = """{"id":"evt_loop_1","type":"loop.tick","source":"simulation_loop","target":null,"timestamp":1703001234.567,"payload":{"tick":1},"meta":{"correlation_id":"req-1","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","trace_flags":1,"version":"1.0"}}""";
        const string Unsampled = """{"id":"evt_loop_2","type":"loop.tick","source":"simulation_loop","target":null,"timestamp":1703001234.567,"payload":{"tick":2},"meta":{"correlation_id":null,"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7","trace_flags":0,"version":"1.0"}}""";
        const string Untraced = """{"id":"evt_loop_3","type":"loop.tick","source":"simulation_loop","target":null,"timestamp":1703001234.567,"payload":{"tick":3},"meta":{"correlation_id":null,"trace_id":null,"span_id":null,"version":"1.0"}}""";
        const string Charter10 = """{"id":"evt_loop_4","type":"loop.tick","source":"simulation_loop","target":null,"timestamp":1703001234.567,"payload":{"tick":4},"meta":{"correlation_id":null,"version":"1.0"}}""";
        byte[] batch = Encoding.UTF8.GetBytes(string.Join('\n', Traced, Unsampled, Untraced, Charter10) + "\n");

        using JsonDocument body = JsonDocument.Parse(HttpBatchFormats.Render(HttpBatchFormat.CloudEvents, batch));
        JsonElement[] events = body.RootElement.EnumerateArray().ToArray();

        Assert.Equal(4, events.Length);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", events[0].GetProperty("traceparent").GetString());
        Assert.Equal("req-1", events[0].GetProperty("correlationid").GetString());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00", events[1].GetProperty("traceparent").GetString());
        Assert.False(events[2].TryGetProperty("traceparent", out _));
        Assert.False(events[3].TryGetProperty("traceparent", out _));
    }
}
