using System;

namespace Herald;

/// <summary>
/// Marks a method as a handler of one event type: it takes the event's generated type (and optionally a
/// <see cref="System.Threading.CancellationToken"/>) and returns <c>void</c>, <see cref="System.Threading.Tasks.Task"/>
/// or <see cref="System.Threading.Tasks.ValueTask"/>. Register the object with <see cref="TelemetryPublisher.SubscribeAll"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class SubscribeAttribute([EventType] string eventType) : Attribute
{
    /// <summary>The event type, e.g. <c>metrics.aggregation_completed</c>; use the generated constant (<c>MetricsAggregationCompleted.EventType</c>).</summary>
    public string EventType { get; } = eventType;
}
