using Herald.Events;
using Herald.Tests.Schemas;

namespace Herald.Tests;

/// <summary>Runs a generic check over every generated event type (canonical and test fixtures).</summary>
internal static class EventTypes
{
    public interface ICheck
    {
        void Run<TEvent>() where TEvent : IEvent<TEvent>;
    }

    public static void ForEach(ICheck check)
    {
        check.Run<LoopTick>();
        check.Run<LoopHealth>();
        check.Run<LoopFailure>();
        check.Run<ConsoleResult>();
        check.Run<MetricsAggregationStarted>();
        check.Run<MetricsAggregationCompleted>();
        check.Run<MetricsAggregationFailed>();
        check.Run<TelemetryConnectionEstablished>();
        check.Run<TelemetryConnectionClosed>();
        check.Run<TelemetryMetricsPublished>();
        check.Run<AppEvent>();
        check.Run<AppMetric>();
        check.Run<TestKitchenSink>();
        check.Run<TestAllOptional>();
        check.Run<TestEmpty>();
        check.Run<TestHot>();
        check.Run<TestNumbers>();
    }

    public static readonly string[] CanonicalEventTypes =
    {
        "loop.tick", "loop.health", "loop.failure", "console.result",
        "metrics.aggregation_started", "metrics.aggregation_completed", "metrics.aggregation_failed",
        "telemetry.connection_established", "telemetry.connection_closed", "telemetry.metrics_published",
        "app.event", "app.metric",
    };
}
