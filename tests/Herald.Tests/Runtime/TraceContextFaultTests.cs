using System.Diagnostics;
using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>
/// The trace context is taken at <c>Emit</c>: what happens to the activity afterwards, before the worker writes a copied
/// event's envelope, does not change what the envelope carries.
/// </summary>
public sealed class TraceContextFaultTests
{
    [Fact]
    public async Task A_copied_event_keeps_the_trace_flags_its_activity_had_at_emit()
    {
        using var traced = new TracedActivities();
        var transport = new RecordingTransport();
        // No tick flushes, a 5 s poll and a batch larger than what is emitted: nothing wakes the worker before FlushAsync.
        await using var publisher = TelemetryPublisher.Create(Options(pollSeconds: 5, maxBatch: 10_000, flushIntervalTicks: 0), transport);
        using Activity activity = traced.Start();
        Assert.Equal(ActivityTraceFlags.Recorded, activity.ActivityTraceFlags);
        publisher.Emit(Tick(1));
        activity.ActivityTraceFlags = ActivityTraceFlags.None; // a sampling decision revised after the Emit
        publisher.Emit(Tick(2));
        await Task.Delay(100);
        Assert.Empty(transport.Lines); // still queued as copies

        await publisher.FlushAsync();
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"trace_flags\":1,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"trace_flags\":0,", lines[1], StringComparison.Ordinal);
    }
}
