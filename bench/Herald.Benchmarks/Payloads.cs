using System.Text.Json;
using Herald.Events;

namespace Herald.Benchmarks;

/// <summary>The benchmarked values: a loop.tick (~70 B) and a loop.failure without the optional health copy (~480 B).</summary>
internal static class Payloads
{
    public static readonly JsonElement Context = JsonSerializer.SerializeToElement(new { weather = "rain", day = 3, district = "north" });

    public static LoopTick Tick => new() { Tick = 123_456, DurationMs = 16.667, AgentCount = 128, EventsEmitted = 42 };

    public static LoopFailure Failure => new()
    {
        Tick = 123_457,
        DurationMs = 3.512,
        FailureCount = 2,
        Error = "InvalidOperationException: agent 17 has no home",
        SnapshotPath = "snapshots/tick_123457.json",
        Transport = new TransportSnapshot
        {
            Provider = "file",
            QueueLength = 37,
            DroppedMessages = 4,
            LastFlushDurationMs = 0.412,
            PayloadsFlushedTotal = 4_821_337,
            BytesFlushedTotal = 620_487_713,
            AuthEnabled = false,
            Worker = new TransportSnapshotWorker { Alive = true, Error = null, RestartCount = 1 },
        },
        GlobalContext = Context,
        Summary = new LoopFailureSummary { DurationMs = 3.512, QueueLength = 37, DroppedMessages = 4 },
    };

    public static TickDto TickDto => new() { Tick = 123_456, DurationMs = 16.667, AgentCount = 128, EventsEmitted = 42 };

    public static FailureDto FailureDto => new()
    {
        Tick = 123_457,
        DurationMs = 3.512,
        FailureCount = 2,
        Error = "InvalidOperationException: agent 17 has no home",
        SnapshotPath = "snapshots/tick_123457.json",
        Transport = new TransportDto
        {
            Provider = "file",
            QueueLength = 37,
            DroppedMessages = 4,
            LastFlushDurationMs = 0.412,
            PayloadsFlushedTotal = 4_821_337,
            BytesFlushedTotal = 620_487_713,
            AuthEnabled = false,
            Worker = new WorkerDto { Alive = true, Error = null, RestartCount = 1 },
        },
        GlobalContext = Context,
        Summary = new SummaryDto { DurationMs = 3.512, QueueLength = 37, DroppedMessages = 4 },
    };
}
