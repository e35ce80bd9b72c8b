using System.Diagnostics;
using Herald.Events;
using Herald.Tests.Schemas;
using static Herald.Tests.Runtime.PublisherTestKit;
using static Herald.Tests.Runtime.TracedActivities;

namespace Herald.Tests.Runtime;

/// <summary>
/// The W3C trace context in <c>meta</c> (Herald envelope 1.1): <see cref="Activity.Current"/> at <c>Emit</c>, on every path —
/// a copied <c>loop.tick</c> (written later by the worker), a struct holding a string and a class (serialized at once) —
/// alone and together with a correlation scope; null keys without an activity.
/// </summary>
public sealed class TraceContextTests
{
    private static readonly string[] Kinds = ["copied struct", "serialized struct", "class"];

    /// <summary>One event of each kind, in the order of <see cref="Kinds"/>.</summary>
    private static void EmitEachKind(TelemetryPublisher publisher, int n)
    {
        publisher.Emit(Tick(n));                                                     // x-struct without references: copied
        publisher.Emit(new TestHot { Tick = n, Agent = "agent", Mood = Mood.Calm }); // x-struct holding a string: serialized
        publisher.Emit(new AppEvent { Source = "trace", Message = "m" + n });        // a class: serialized
    }

    private static readonly string[] Versions = [LoopTick.SchemaVersion, TestHot.SchemaVersion, AppEvent.SchemaVersion];

    private static void AssertMeta(string[] lines, int first, Activity? activity, string? correlation = null)
    {
        for (int kind = 0; kind < Kinds.Length; kind++)
        {
            string expected = "," + Meta(activity, correlation, Versions[kind]);
            Assert.True(lines[first + kind].EndsWith(expected, StringComparison.Ordinal), $"{Kinds[kind]}: {lines[first + kind]}\nexpected it to end with {expected}");
        }
    }

    [Fact]
    public async Task Without_an_activity_every_kind_of_event_has_null_trace_keys()
    {
        Assert.Null(Activity.Current);
        var transport = new RecordingTransport();
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            EmitEachKind(publisher, 0);
            using (Correlation.Begin("req-1")) EmitEachKind(publisher, 1);
            await publisher.FlushAsync();
        }
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(6, lines.Length);
        AssertMeta(lines, 0, null);
        AssertMeta(lines, 3, null, "req-1");
        Assert.EndsWith(",\"meta\":{\"correlation_id\":null,\"trace_id\":null,\"span_id\":null,\"version\":\"1.0\"}}", lines[0]);
    }

    [Fact]
    public async Task Every_kind_of_event_carries_the_activity_current_at_emit_alone_and_with_a_correlation_scope()
    {
        using var traced = new TracedActivities();
        var transport = new RecordingTransport();
        Activity outer, inner;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            using (outer = traced.Start("outer"))
            {
                // The activity flows across an await. Before any Emit: a thread emits through its own shard, and events of
                // different threads have no defined order.
                await Task.Yield();
                EmitEachKind(publisher, 0);
                using (Correlation.Begin("req-2"))
                {
                    EmitEachKind(publisher, 1);
                    using (inner = traced.Start("inner")) EmitEachKind(publisher, 2); // the innermost activity
                    EmitEachKind(publisher, 3);
                }
            }
            EmitEachKind(publisher, 4);
            await publisher.FlushAsync();
        }
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(15, lines.Length);
        Assert.Equal(ActivityTraceFlags.Recorded, outer.ActivityTraceFlags);
        Assert.Equal(outer.TraceId, inner.TraceId);
        Assert.NotEqual(outer.SpanId, inner.SpanId);
        AssertMeta(lines, 0, outer);
        AssertMeta(lines, 3, outer, "req-2");
        AssertMeta(lines, 6, inner, "req-2");
        AssertMeta(lines, 9, outer, "req-2");
        AssertMeta(lines, 12, null);
        Assert.EndsWith($",\"meta\":{{\"correlation_id\":null,\"trace_id\":\"{outer.TraceId.ToHexString()}\",\"span_id\":\"{outer.SpanId.ToHexString()}\",\"trace_flags\":1,\"version\":\"1.0\"}}}}", lines[0]);
    }

    [Fact]
    public async Task A_copied_event_written_after_its_activity_stopped_keeps_the_ids_it_had_at_emit()
    {
        using var traced = new TracedActivities();
        var transport = new RecordingTransport();
        // No tick flushes, a 5 s poll and a batch larger than what is emitted: nothing wakes the worker before FlushAsync.
        await using var publisher = TelemetryPublisher.Create(Options(pollSeconds: 5, maxBatch: 10_000, flushIntervalTicks: 0), transport);
        Activity activity = traced.Start();
        publisher.Emit(Tick(1));
        activity.Stop();
        Assert.Null(Activity.Current);
        publisher.Emit(Tick(2));
        await Task.Delay(200);
        Assert.Empty(transport.Lines); // still queued as copies: the envelopes are written below

        await publisher.FlushAsync();
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("," + Meta(activity), lines[0]);
        Assert.EndsWith("," + Meta(null), lines[1]);
    }

    [Fact]
    public async Task An_activity_nobody_samples_has_flags_0_and_a_hierarchical_one_no_trace()
    {
        var transport = new RecordingTransport();
        Activity unsampled;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            using (unsampled = new Activity("unsampled").Start()) EmitEachKind(publisher, 0);
            using (new Activity("hierarchical").SetIdFormat(ActivityIdFormat.Hierarchical).Start()) EmitEachKind(publisher, 1);
            await publisher.FlushAsync();
        }
        string[] lines = transport.Lines.ToArray();
        Assert.Equal(ActivityTraceFlags.None, unsampled.ActivityTraceFlags);
        AssertMeta(lines, 0, unsampled);
        Assert.Contains("\"trace_flags\":0,", lines[0]);
        AssertMeta(lines, 3, null); // no W3C ids to carry
    }

    [Fact]
    public void The_trace_keys_are_written_whether_the_producer_serializes_or_the_worker_writes_a_queued_copy()
    {
        // A backlogged queue makes producers serialize copyable events too; both writers get the same activity.
        using var traced = new TracedActivities();
        using Activity activity = traced.Start();
        var format = Herald.Publishing.EnvelopeFormat.For<LoopTick>(null, new Herald.Publishing.TransformPlan(new TransformsOptions(), null));
        var stamp = new Herald.Publishing.EnvelopeStamp();
        stamp.Update(1_703_001_234_567);
        var serialized = new System.Buffers.ArrayBufferWriter<byte>();
        var json = new Herald.Serialization.JsonOutput(serialized);
        format.Write(ref json, Tick(1), stamp, 0xa1b2c3, "req-3", Herald.Publishing.EnvelopeTrace.Capture());
        json.Complete();

        var buffer = new Herald.Publishing.EventBuffer(1 << 20, BackpressureMode.Block, TimeSpan.FromSeconds(1), lanes: 1,
            new Herald.Publishing.EventSizeLimit(1 << 20), new Herald.Publishing.WorkerSignals(1), accepted: () => 1);
        var queue = new Herald.Publishing.EmitQueue(buffer, capacity: 1024, lineBytes: 8192);
        Assert.True(queue.TryAdd(format, Tick(1), 1_703_001_234_567, 0xa1b2c3, "req-3", Herald.Publishing.EnvelopeTrace.Capture()));
        Assert.Equal(Herald.Publishing.WriteOutcome.Written, queue.WriteOldest(Herald.Publishing.Writer.Worker));

        string line = System.Text.Encoding.UTF8.GetString(serialized.WrittenSpan);
        Assert.Equal("{\"id\":\"evt_loop_1703001234567_a1b2c3\",\"type\":\"loop.tick\",\"source\":\"simulation_loop\",\"target\":null,\"timestamp\":1703001234.567,"
            + "\"payload\":{\"tick\":1,\"duration_ms\":16.25,\"agent_count\":128,\"events_emitted\":3}," + Meta(activity, "req-3") + "\n", line);
        buffer.SealCurrent();
        Assert.True(buffer.TryTakeSealed(0, out Herald.Publishing.Chunk chunk));
        Assert.Equal(line, System.Text.Encoding.UTF8.GetString(chunk.Data, 0, chunk.Length));
    }
}
