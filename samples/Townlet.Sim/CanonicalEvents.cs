using System.Collections.Immutable;
using System.Text.Json;
using Herald.Events;

namespace Townlet.Sim;

/// <summary>One realistic instance of every canonical event, as a simulation would emit them.</summary>
internal static class CanonicalEvents
{
    private const double Now = 1703001234.567;

    public static LoopHealth Health() => new()
    {
        Tick = 1200,
        Status = LoopHealthStatus.Ok,
        DurationMs = 16.25,
        FailureCount = 0,
        Transport = Transport(),
    };

    public static TransportSnapshot Transport() => new()
    {
        Provider = "file",
        QueueLength = 3,
        DroppedMessages = 0,
        LastFlushDurationMs = 0.412,
        PayloadsFlushedTotal = 48_213,
        BytesFlushedTotal = 6_204_877,
        AuthEnabled = false,
        Worker = new TransportSnapshotWorker { Alive = true, Error = null, RestartCount = 0 },
    };

    /// <summary>Every canonical event as JSON, each checked by a write → read round trip.</summary>
    public static IEnumerable<(string Type, string Json)> All()
    {
        var shown = new List<(string, string)>();
        Visit(new ShowVisitor(shown));
        return shown;
    }

    /// <summary>Emits one of each canonical event.</summary>
    public static void PublishAll(Herald.ITelemetrySink sink) => Visit(new EmitVisitor(sink));

    private interface IVisitor
    {
        void Visit<TEvent>(TEvent value) where TEvent : Herald.IEvent<TEvent>;
    }

    private sealed class ShowVisitor(List<(string, string)> shown) : IVisitor
    {
        public void Visit<TEvent>(TEvent value) where TEvent : Herald.IEvent<TEvent> => shown.Add(Show(value));
    }

    private sealed class EmitVisitor(Herald.ITelemetrySink sink) : IVisitor
    {
        public void Visit<TEvent>(TEvent value) where TEvent : Herald.IEvent<TEvent> => sink.Emit(value);
    }

    private static void Visit(IVisitor v)
    {
        v.Visit(new LoopTick { Tick = 1201, DurationMs = 16.667, AgentCount = 128, EventsEmitted = 42 });
        v.Visit(Health());
        v.Visit(new LoopFailure
        {
            Tick = 1202,
            DurationMs = 3.5,
            FailureCount = 1,
            Error = "InvalidOperationException: agent 17 has no home",
            SnapshotPath = "snapshots/tick_1202.json",
            Transport = Transport(),
            GlobalContext = JsonSerializer.SerializeToElement(new { weather = "rain", day = 3 }),
            Health = Health(),
            Summary = new LoopFailureSummary { DurationMs = 3.5, QueueLength = 3, DroppedMessages = 0 },
        });
        v.Visit(new ConsoleResult
        {
            Tick = 1202,
            CmdId = "cmd-7",
            Command = "spawn_agent",
            Status = ConsoleResultStatus.Ok,
            Issuer = "operator@example",
            DurationMs = 0.8,
            Result = JsonSerializer.SerializeToElement(new { agent_id = 129 }),
        });
        v.Visit(new MetricsAggregationStarted { JobId = "aggregate_mission_metrics", StartedAt = Now });
        v.Visit(new MetricsAggregationCompleted { JobId = "aggregate_mission_metrics", EntriesProcessed = 247, DurationMs = 3323, CompletedAt = Now + 3.323 });
        v.Visit(new MetricsAggregationFailed { JobId = "aggregate_mission_metrics", ErrorMessage = "Connection to Redis lost", ErrorType = "RedisConnectionError", FailedAt = Now + 5.111 });
        v.Visit(new TelemetryConnectionEstablished { RobotId = "agent_017", ConnectionId = "ws_agent_017_1703003456", ConnectedAt = Now });
        v.Visit(new TelemetryConnectionClosed { RobotId = "agent_017", ConnectionId = "ws_agent_017_1703003456", DurationSeconds = 1080.5, Reason = "client_disconnect", DisconnectedAt = Now + 1080.5 });
        v.Visit(new TelemetryMetricsPublished
        {
            RobotId = "agent_017",
            Metrics = new TelemetryMetricsPublishedMetrics { CpuUsage = 45.2, MemoryUsage = 62.8, NetworkLatencyMs = 12.5, BatteryPercentage = 78.0 },
            PublishedAt = Now,
        });
        v.Visit(new AppEvent { Source = "economy", Message = "market opened", Severity = AppEventSeverity.Info });
        v.Visit(new AppMetric
        {
            Name = "agents.hunger.mean",
            Value = 0.37,
            Unit = "ratio",
            Tags = ImmutableDictionary<string, string>.Empty.Add("district", "north"),
        });
    }

    /// <summary>Serializes, reads back and checks the round trip, so the sample fails loudly if the generator regresses.</summary>
    private static (string, string) Show<TEvent>(TEvent value) where TEvent : Herald.IEvent<TEvent>
    {
        byte[] utf8 = Herald.Serialization.EventJson.ToUtf8Bytes(value);
        TEvent back = TEvent.Read(utf8);
        if (!EqualityComparer<TEvent>.Default.Equals(value, back))
            throw new InvalidOperationException($"{TEvent.EventType} did not survive a round trip");
        return (TEvent.EventType, System.Text.Encoding.UTF8.GetString(utf8));
    }
}
