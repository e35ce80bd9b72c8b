using System.Diagnostics;
using System.Runtime.InteropServices;
using Herald;
using Herald.Events;

namespace Townlet.Sim;

/// <summary>What a run does: how long, which seed, what fails, which console commands.</summary>
internal sealed record SimSettings
{
    public int Ticks { get; init; } = 10_000;
    public int Seed { get; init; } = 42;
    public long? FailAtTick { get; init; }
    public IReadOnlyList<ConsoleCommand> Console { get; init; } = ConsoleScript.Parse(ConsoleScript.Default, "default script");
    /// <summary>A loop.health every this many ticks.</summary>
    public int HealthEvery { get; init; } = 60;
    /// <summary>A world.diff every this many ticks (0: none).</summary>
    public int DiffEvery { get; init; } = 60;
    /// <summary>A world.snapshot every this many ticks (0: none).</summary>
    public int SnapshotEvery { get; init; } = 600;
    /// <summary>A <c>tick_health</c> log line every this many ticks (0: none), from the same status as loop.health.</summary>
    public int TickHealthEvery { get; init; }
    /// <summary>Where a failing tick's world snapshot is written; null: not written.</summary>
    public string? SnapshotDirectory { get; init; }
    /// <summary>One in this many metric aggregation jobs fails, chosen by the seed.</summary>
    public int AggregationFailureOneIn { get; init; } = 4;
    /// <summary>The metric aggregation job's run with this number (1: the first) fails too, whatever the seed chose.</summary>
    public int? FailAggregationRun { get; init; }
    /// <summary>Each simulated second runs inside an Activity of this source (<see cref="SimTracing"/>); null: none.</summary>
    public ActivitySource? Tracing { get; init; } = SimTracing.Source;
}

/// <summary>What a run measured.</summary>
internal sealed record SimResult(int Ticks, double AverageTickMicroseconds, long Failures, IReadOnlyDictionary<string, long> EventsPerType,
    string Checksum, LoopFailure? LastFailure, double WallSeconds);

/// <summary>
/// The game loop: a fixed-step <see cref="Town"/> and the telemetry a game emits around it — <c>loop.tick</c> every tick,
/// <c>loop.health</c> from the live transport status, <c>console.result</c> per console command, <c>loop.failure</c>
/// when a tick throws, the metric aggregation job every 30 simulated seconds, agents' connection lifecycle, and
/// <c>app.event</c>/<c>app.metric</c>. Each simulated second runs inside an Activity when someone listens
/// (<see cref="SimTracing"/>), so its events carry a trace id. The same loop runs against the real publisher and the stub, so the
/// difference in tick time is what telemetry costs.
/// </summary>
internal sealed class Simulation(SimSettings settings, ITelemetrySink sink)
{
    private const double EpochSeconds = 1_800_000_000; // simulated wall clock: deterministic timestamps in payloads
    private const int AggregationEveryTicks = 30 * Town.TicksPerSecond;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private int _emittedThisTick;
    private int _aggregationRuns;

    public Action<long>? OnTick { get; init; }

    /// <summary>Where <c>tick_health</c> lines go (standard error by default: standard output may carry the events).</summary>
    public Action<string> Log { get; init; } = Console.Error.WriteLine;

    public SimResult Run()
    {
        var town = new Town(settings.Seed);
        var commands = settings.Console.ToLookup(c => c.Tick);
        var publisher = sink as TelemetryPublisher;
        long failures = 0, totalTicks = 0;
        LoopHealth? lastHealth = null;
        LoopFailure? lastFailure = null;
        double windowMs = 0;
        var wall = Stopwatch.StartNew();
        var world = new WorldTelemetry(town);
        Activity? second = SimTracing.StartSecond(settings.Tracing, 1, settings.Seed);
        foreach (Agent agent in town.Agents) Connect(town, agent);

        for (long tick = 1; tick <= settings.Ticks; tick++)
        {
            if (tick % Town.TicksPerSecond == 1 && tick > 1)
            {
                SimTracing.EndSecond(second, tick - 1);
                second = SimTracing.StartSecond(settings.Tracing, tick, settings.Seed);
            }
            long started = Stopwatch.GetTimestamp();
            _emittedThisTick = 0;
            try
            {
                if (tick == settings.FailAtTick) throw new InvalidOperationException($"agent_{1 + tick % town.Agents.Count:D3} has no home (failure injected at tick {tick})");
                foreach (JobChange change in town.Step())
                {
                    world.JobChanged(change);
                    Emit(new AppEvent { Source = "economy", Message = $"{change.Agent.Id} now works as {change.Agent.Job.ToString().ToLowerInvariant()}", Severity = AppEventSeverity.Info });
                }
                foreach (ConsoleCommand command in commands[tick]) RunCommand(command, town, tick);
                ConnectionLifecycle(town);
                if (tick % AggregationEveryTicks == 0) AggregateMetrics(town, tick);
                if (tick % 300 == 0)
                {
                    Emit(new AppMetric { Name = "agents.hunger.mean", Value = Math.Round(town.MeanHunger, 4), Unit = "ratio" });
                    Emit(new AppMetric { Name = "economy.money.total", Value = Math.Round(town.TotalMoney, 2), Unit = "coins" });
                }
                if (settings.DiffEvery > 0 && tick % settings.DiffEvery == 0) Emit(world.Diff(town));
                if (settings.SnapshotEvery > 0 && tick % settings.SnapshotEvery == 0) Emit(WorldTelemetry.Snapshot(town));
                double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Emit(new LoopTick { Tick = tick, DurationMs = Math.Round(ms, 4), AgentCount = town.Agents.Count, EventsEmitted = _emittedThisTick + 1 });
                if (tick % settings.HealthEvery == 0)
                {
                    TransportStatus status = sink.TransportStatus;
                    lastHealth = new LoopHealth
                    {
                        Tick = tick,
                        Status = failures > 0 || status.DroppedMessages > 0 || !status.WorkerAlive ? LoopHealthStatus.Degraded : LoopHealthStatus.Ok,
                        DurationMs = Math.Round(windowMs / settings.HealthEvery, 4),
                        FailureCount = failures,
                        Transport = Snapshot(status),
                    };
                    Emit(lastHealth);
                    windowMs = 0;
                }
                if (settings.TickHealthEvery > 0 && tick % settings.TickHealthEvery == 0) Log(TickHealth.Format(tick, sink.TransportStatus));
            }
            catch (Exception ex)
            {
                failures++;
                double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lastFailure = Failure(town, tick, ms, failures, ex, lastHealth);
                Emit(lastFailure);
                SimTracing.Failed(second, ex);
            }
            publisher?.Tick(tick);
            long elapsed = Stopwatch.GetTimestamp() - started;
            totalTicks += elapsed;
            windowMs += elapsed * 1000.0 / Stopwatch.Frequency;
            OnTick?.Invoke(tick);
        }
        foreach (Agent agent in town.Agents.Where(a => a.ConnectionId is not null)) Disconnect(town, agent, "shutdown");
        SimTracing.EndSecond(second, settings.Ticks);
        double averageMicros = totalTicks * 1e6 / Stopwatch.Frequency / settings.Ticks;
        return new SimResult(settings.Ticks, averageMicros, failures, _counts, town.Checksum(), lastFailure, wall.Elapsed.TotalSeconds);
    }

    private void Emit<TEvent>(TEvent evt) where TEvent : IEvent<TEvent>
    {
        sink.Emit(in evt);
        _emittedThisTick++;
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, TEvent.EventType, out _)++;
    }

    private static double Now(Town town) => EpochSeconds + (double)town.Tick / Town.TicksPerSecond;

    public static TransportSnapshot Snapshot(TransportStatus s) => new()
    {
        Provider = s.Provider,
        QueueLength = s.QueueLength,
        DroppedMessages = s.DroppedMessages,
        LastFlushDurationMs = s.LastFlushDurationMs is { } ms ? Math.Round(ms, 4) : null,
        PayloadsFlushedTotal = s.PayloadsFlushedTotal,
        BytesFlushedTotal = s.BytesFlushedTotal,
        QueueLengthPeak = s.QueueLengthPeak,
        LastBatchCount = s.LastBatchCount,
        LastFlushPayloadBytes = s.LastFlushPayloadBytes,
        ConsecutiveSendFailures = s.ConsecutiveSendFailures,
        SendFailuresTotal = s.SendFailuresTotal,
        AuthEnabled = s.AuthEnabled,
        Worker = new TransportSnapshotWorker { Alive = s.WorkerAlive, Error = s.WorkerError, RestartCount = s.WorkerRestartCount },
    };

    /// <summary>The structured failure report: the error, the transport and worker blocks, the world context, the last health and the summary.</summary>
    private LoopFailure Failure(Town town, long tick, double ms, long failures, Exception ex, LoopHealth? lastHealth)
    {
        TransportStatus status = sink.TransportStatus;
        string? snapshotPath = null;
        if (settings.SnapshotDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            snapshotPath = Path.Combine(directory, $"tick_{tick}.json");
            File.WriteAllText(snapshotPath, System.Text.Json.JsonSerializer.Serialize(town.Agents.Select(a => new { a.Id, job = a.Job.ToString(), a.Money, a.Hunger, a.Energy, a.Social })));
        }
        return new LoopFailure
        {
            Tick = tick,
            DurationMs = Math.Round(ms, 4),
            FailureCount = failures,
            Error = $"{ex.GetType().Name}: {ex.Message}",
            SnapshotPath = snapshotPath,
            Transport = Snapshot(status),
            GlobalContext = town.Context(),
            Health = lastHealth,
            Summary = new LoopFailureSummary { DurationMs = Math.Round(ms, 4), QueueLength = status.QueueLength, DroppedMessages = status.DroppedMessages },
        };
    }

    private void RunCommand(ConsoleCommand command, Town town, long tick)
    {
        long started = Stopwatch.GetTimestamp();
        var (result, error) = ConsoleScript.Execute(command, town);
        Emit(new ConsoleResult
        {
            Tick = tick,
            CmdId = command.CmdId,
            Command = command.Name,
            Status = error is null ? ConsoleResultStatus.Ok : ConsoleResultStatus.Error,
            Issuer = "operator@townlet.local",
            DurationMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 4),
            Result = result,
            Error = error,
        });
    }

    /// <summary>Agents drop their connection now and then and come back later (<c>telemetry.connection_established</c> / <c>telemetry.connection_closed</c>).</summary>
    private void ConnectionLifecycle(Town town)
    {
        if (town.Random.NextDouble() >= 0.01) return;
        Agent agent = town.Agents[town.Random.Next(town.Agents.Count)];
        if (agent.ConnectionId is null) Connect(town, agent);
        else Disconnect(town, agent, town.Random.Next(3) == 0 ? "timeout" : "client_disconnect");
    }

    private void Connect(Town town, Agent agent)
    {
        agent.ConnectedSinceTick = town.Tick;
        agent.ConnectionId = $"ws_{agent.Id}_{(long)Now(town)}";
        Emit(new TelemetryConnectionEstablished { RobotId = agent.Id, ConnectionId = agent.ConnectionId, ConnectedAt = Now(town) });
    }

    private void Disconnect(Town town, Agent agent, string reason)
    {
        Emit(new TelemetryConnectionClosed
        {
            RobotId = agent.Id,
            ConnectionId = agent.ConnectionId!,
            DurationSeconds = (double)(town.Tick - agent.ConnectedSinceTick) / Town.TicksPerSecond,
            Reason = reason,
            DisconnectedAt = Now(town),
        });
        agent.ConnectionId = null;
    }

    /// <summary>The metrics aggregation job: started, then completed or (one in N, by the seed) failed; connected agents publish their metrics.</summary>
    private void AggregateMetrics(Town town, long tick)
    {
        const string Job = "aggregate_mission_metrics";
        double started = Now(town);
        Emit(new MetricsAggregationStarted { JobId = Job, StartedAt = started });
        _aggregationRuns++;
        bool fails = town.Random.Next(settings.AggregationFailureOneIn) == 0; // drawn every run: the world stays the same
        if (fails || _aggregationRuns == settings.FailAggregationRun)
        {
            Emit(new MetricsAggregationFailed { JobId = Job, ErrorMessage = "Connection to the metrics store lost", ErrorType = "MetricsStoreConnectionError", FailedAt = started + 0.25 });
            return;
        }
        int entries = 0;
        foreach (Agent agent in town.Agents.Where(a => a.ConnectionId is not null).Take(16))
        {
            entries++;
            Emit(new TelemetryMetricsPublished
            {
                RobotId = agent.Id,
                Metrics = new TelemetryMetricsPublishedMetrics
                {
                    CpuUsage = Math.Round(100 * (1 - agent.Energy), 1),
                    MemoryUsage = Math.Round(100 * agent.Hunger, 1),
                    NetworkLatencyMs = Math.Round(5 + 20 * (1 - agent.Social), 1),
                    BatteryPercentage = Math.Round(100 * agent.Energy, 1),
                },
                PublishedAt = started,
            });
        }
        Emit(new MetricsAggregationCompleted { JobId = Job, EntriesProcessed = entries, DurationMs = 3.25, CompletedAt = started + 0.00325 });
    }
}
