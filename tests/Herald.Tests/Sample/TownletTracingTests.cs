using System.Diagnostics;
using System.Text.Json;
using Townlet.Sim;

namespace Herald.Tests.Sample;

/// <summary>
/// The sample's traces: each simulated second inside an Activity when someone listens, none otherwise; and the run
/// options that reach every canonical event type. Each test uses its own ActivitySource, so its listener does not
/// reach the other tests' simulations.
/// </summary>
public sealed class TownletTracingTests
{
    /// <summary>What was current at each Emit: the event type, and the Activity's ids and first tick.</summary>
    private sealed class ActivityRecordingSink : ITelemetrySink
    {
        private readonly StubTelemetrySink _stub = new();
        public List<(string Type, ActivityTraceId? TraceId, ActivitySpanId? SpanId, long? FirstTick, long? Tick)> Emitted { get; } = new();

        public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>
        {
            Activity? current = Activity.Current;
            long? tick = evt is Herald.Events.LoopTick t ? t.Tick : null;
            Emitted.Add((TEvent.EventType, current?.TraceId, current?.SpanId, (long?)current?.GetTagItem("townlet.tick.first"), tick));
            _stub.Emit(in evt);
        }

        public TransportStatus TransportStatus => _stub.TransportStatus;
        public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => default;
        public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _stub.TryGetLatest(out evt);
        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static ActivitySource NewSource() => new("Townlet.Sim.Tests." + Guid.NewGuid().ToString("N"));

    [Fact]
    public void With_a_listener_each_simulated_second_is_one_activity_and_every_event_is_emitted_inside_one()
    {
        using ActivitySource source = NewSource();
        var stopped = new List<Activity>();
        using ActivityListener listener = SimTracing.Listen(source);
        using var watcher = new ActivityListener { ShouldListenTo = s => s == source, ActivityStopped = stopped.Add };
        ActivitySource.AddActivityListener(watcher);
        var sink = new ActivityRecordingSink();

        SimResult result = new Simulation(new SimSettings { Ticks = 290, FailAtTick = 150, Tracing = source }, sink).Run();

        Assert.Equal(5, stopped.Count); // 60 + 60 + 60 + 60 + 50 ticks
        Assert.All(stopped, a => Assert.Equal((SimTracing.SecondActivity, default(ActivitySpanId), ActivityTraceFlags.Recorded), (a.OperationName, a.ParentSpanId, a.ActivityTraceFlags)));
        Assert.Equal(5, stopped.Select(a => a.TraceId).Distinct().Count()); // each second its own trace
        Assert.Equal([(1L, 60L), (61, 120), (121, 180), (181, 240), (241, 290)], stopped.Select(a => ((long)a.GetTagItem("townlet.tick.first")!, (long)a.GetTagItem("townlet.tick.last")!)));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Unset, ActivityStatusCode.Error, ActivityStatusCode.Unset, ActivityStatusCode.Unset], stopped.Select(a => a.Status));
        Assert.Contains("failure injected at tick 150", stopped[2].StatusDescription);

        Assert.Equal(result.EventsPerType.Values.Sum(), sink.Emitted.Count);
        Assert.All(sink.Emitted, e => Assert.NotNull(e.TraceId)); // the connects before tick 1 and the shutdown disconnects too
        var spans = stopped.ToDictionary(a => a.SpanId);
        Assert.All(sink.Emitted, e => Assert.Equal(spans[e.SpanId!.Value].TraceId, e.TraceId));
        Assert.All(sink.Emitted.Where(e => e.Tick is not null), e => Assert.Equal((e.Tick - 1) / 60 * 60 + 1, e.FirstTick));
        Assert.Equal(stopped[2].SpanId, Assert.Single(sink.Emitted, e => e.Type == "loop.failure").SpanId);
        Assert.Null(Activity.Current);
    }

    [Fact]
    public void Inside_a_host_activity_the_seconds_are_its_children()
    {
        using ActivitySource source = NewSource();
        using ActivityListener listener = SimTracing.Listen(source);
        var sink = new ActivityRecordingSink();

        using (Activity host = source.StartActivity("host")!)
        {
            new Simulation(new SimSettings { Ticks = 120, Tracing = source }, sink).Run();
            Assert.Same(host, Activity.Current);
            Assert.All(sink.Emitted, e => Assert.Equal(host.TraceId, e.TraceId));
            Assert.Equal(2, sink.Emitted.Select(e => e.SpanId).Distinct().Count());
            Assert.DoesNotContain(sink.Emitted, e => e.SpanId == host.SpanId);
        }
    }

    [Fact]
    public void Without_a_listener_no_activity_is_created_and_the_world_is_the_same()
    {
        using ActivitySource source = NewSource();
        var quiet = new ActivityRecordingSink();
        SimResult withoutListener = new Simulation(new SimSettings { Ticks = 600, Tracing = source }, quiet).Run();
        Assert.All(quiet.Emitted, e => Assert.Null(e.TraceId));

        using ActivityListener listener = SimTracing.Listen(source);
        var traced = new ActivityRecordingSink();
        SimResult withListener = new Simulation(new SimSettings { Ticks = 600, Tracing = source }, traced).Run();
        Assert.Equal(withoutListener.Checksum, withListener.Checksum);
        Assert.Equal(quiet.Emitted.Select(e => e.Type), traced.Emitted.Select(e => e.Type));
    }

    [Theory]
    [InlineData(null, "file", false)]
    [InlineData(null, "file,otlp", true)]
    [InlineData(null, "OTLP", true)]
    [InlineData(false, "otlp", false)]
    [InlineData(true, "file", true)]
    [InlineData(true, "stub", true)]
    public void The_run_listens_itself_when_asked_or_when_a_transport_is_otlp(bool? requested, string transports, bool listens) =>
        Assert.Equal(listens, SimTracing.ShouldListen(requested, transports.Split(',')));

    [Fact]
    public void The_trace_options_parse()
    {
        Assert.Null(SimArguments.Parse([]).Trace);
        Assert.True(SimArguments.Parse(["--trace"]).Trace);
        Assert.False(SimArguments.Parse(["--no-trace"]).Trace);
        Assert.Equal(2, SimArguments.Parse(["--fail-aggregation", "2"]).FailAggregation);
        Assert.Throws<ArgumentException>(() => SimArguments.Parse(["--fail-aggregation", "0"]));
    }

    /// <summary>The canonical event types: every <c>x-event</c> in the repository's schemas/ (copied beside the tests).</summary>
    public static IReadOnlyList<string> CanonicalEventTypes() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "schemas"), "*.schema.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("x-event").GetString()!)
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The run the end-to-end OTLP test makes (as command-line options): every canonical event type, a few times.</summary>
    public static readonly string[] EveryTypeArguments = ["--ticks", "3600", "--fail-at-tick", "100", "--fail-aggregation", "2"];

    [Fact]
    public void A_run_with_a_failing_tick_and_a_failing_aggregation_emits_every_canonical_event_type()
    {
        SimArguments args = SimArguments.Parse(EveryTypeArguments);
        var settings = new SimSettings { Ticks = args.Ticks, FailAtTick = args.FailAtTick, FailAggregationRun = args.FailAggregation, Tracing = null };
        SimResult result = new Simulation(settings, new StubTelemetrySink()).Run();

        IReadOnlyList<string> canonical = CanonicalEventTypes();
        Assert.Equal(12, canonical.Count);
        Assert.All(canonical, type => Assert.True(result.EventsPerType.GetValueOrDefault(type) > 0, $"{type} not emitted: {string.Join(", ", result.EventsPerType)}"));
        Assert.Equal(1, result.EventsPerType["metrics.aggregation_failed"]);
        Assert.Equal(1, result.EventsPerType["metrics.aggregation_completed"]);

        // Failing an aggregation run does not change the world.
        SimResult plain = new Simulation(settings with { FailAggregationRun = null }, new StubTelemetrySink()).Run();
        Assert.Equal(plain.Checksum, result.Checksum);
        Assert.False(plain.EventsPerType.ContainsKey("metrics.aggregation_failed"));
    }
}
