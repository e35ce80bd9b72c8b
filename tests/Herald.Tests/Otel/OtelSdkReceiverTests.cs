using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Otel;

/// <summary>
/// The reference sender against the receiver: what the OpenTelemetry .NET SDK sends (OTLP/HTTP protobuf) reads back
/// from the dashboard with its event name, attributes, body, severity, trace context, resource and scope. Herald's own
/// OTLP records are compared with these.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class OtelSdkReceiverTests(SharedDashboard shared)
{
    [Fact]
    public async Task A_record_logged_inside_an_activity_reads_back_with_its_event_name_attributes_and_trace_ids()
    {
        AspireDashboard dashboard = shared.Dashboard;
        string service = SharedDashboard.UniqueService("otel-sdk");
        using var source = new ActivitySource("Herald.Tests.Otel." + service);
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);

        var record = new ReferenceRecord("loop.tick", [new("tick", 42L), new("duration_ms", 1.5), new("ok", true), new("source", "simulation_loop")], Body: "tick 42", Level: LogLevel.Warning);
        string traceId, spanId;
        DateTimeOffset before = DateTimeOffset.UtcNow;
        using (var sender = new OtelSdkSender(dashboard.LogsEndpoint, service, resource: [new("deployment.environment", "test")]))
        {
            using (Activity activity = source.StartActivity("second")!)
            {
                (traceId, spanId) = (activity.TraceId.ToHexString(), activity.SpanId.ToHexString());
                sender.Log(record);
            }
            sender.Log(record with { EventName = "loop.health" }); // outside any activity
        }

        IReadOnlyList<StoredLog> logs = await dashboard.WaitForLogsAsync(2, resource: service);
        StoredLog tick = Assert.Single(logs, l => l.EventName == "loop.tick");
        Assert.Equal([("tick", "42"), ("duration_ms", "1.5"), ("ok", "true"), ("source", "simulation_loop")], tick.Attributes.Select(a => (a.Key, a.Value)));
        Assert.Equal(("tick 42", 13, "Warning"), (tick.Body, tick.SeverityNumber, tick.SeverityText));
        Assert.Equal((traceId, spanId, (int?)1), (tick.TraceId, tick.SpanId, tick.Flags));
        Assert.InRange(tick.Time, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(("Herald", null), (tick.ScopeName, tick.ScopeVersion));
        Assert.Equal([("service.name", service), ("service.instance.id", ""), ("deployment.environment", "test")], tick.Resource.Select(a => (a.Key, a.Value)));

        StoredLog health = Assert.Single(logs, l => l.EventName == "loop.health");
        Assert.Equal((null, null), (health.TraceId, health.SpanId));
        Assert.Equal(tick.Attributes.ToArray(), health.Attributes.ToArray());
    }
}
