using Herald.Events;

namespace Herald.Tests;

/// <summary>
/// <see cref="EventDescriptor.DoubleFields"/> of the canonical registry: an integral double is written <c>2</c>, so a
/// reader of the JSON text learns from the descriptor which values are doubles.
/// </summary>
public sealed class DoubleFieldsTests
{
    [Fact]
    public void The_canonical_registry_lists_number_paths_and_not_integers()
    {
        EventRegistry registry = HeraldEvents.Registry;

        Assert.True(registry.TryGet("loop.tick", out EventDescriptor tick));
        Assert.Equal(new[] { "duration_ms" }, tick.DoubleFields);
        Assert.DoesNotContain("tick", tick.DoubleFields);
        Assert.Equal("""{"tick":3,"duration_ms":2,"agent_count":1,"events_emitted":0}""",
            new LoopTick { Tick = 3, DurationMs = 2, AgentCount = 1, EventsEmitted = 0 }.ToString());

        Assert.True(registry.TryGet("loop.failure", out EventDescriptor failure));
        Assert.Contains("health.transport.last_flush_duration_ms", failure.DoubleFields);
        Assert.DoesNotContain("failure_count", failure.DoubleFields);
        Assert.True(registry.TryGet("metrics.aggregation_failed", out EventDescriptor failed));
        Assert.Equal(new[] { "failed_at" }, failed.DoubleFields);
    }

    [Fact]
    public void A_descriptor_created_without_paths_has_none()
    {
        // The signature earlier generated code calls: DoubleFields is empty, never a default array.
        EventDescriptor d = EventDescriptor.Create<LoopTick>(null, null, new[] { "tick" }, [], [], null);
        Assert.True(d.DoubleFields.IsEmpty);
        Assert.True(EventDescriptor.Create<LoopTick>(null, null, new[] { "tick" }, [], []).DoubleFields.IsEmpty);
    }
}
