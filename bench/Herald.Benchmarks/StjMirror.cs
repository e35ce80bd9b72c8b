using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Benchmarks;

// The same payloads as plain DTOs for System.Text.Json source generation: the alternative a team would
// otherwise write by hand. Property order and null handling match the schemas, so the bytes are identical.

public sealed class TickDto
{
    [JsonPropertyName("tick")] public long Tick { get; set; }
    [JsonPropertyName("duration_ms")] public double DurationMs { get; set; }
    [JsonPropertyName("agent_count")] public int AgentCount { get; set; }
    [JsonPropertyName("events_emitted")] public int EventsEmitted { get; set; }
}

public sealed class WorkerDto
{
    [JsonPropertyName("alive")] public bool Alive { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("restart_count")] public long RestartCount { get; set; }
}

public sealed class TransportDto
{
    [JsonPropertyName("provider")] public string? Provider { get; set; }
    [JsonPropertyName("queue_length")] public long QueueLength { get; set; }
    [JsonPropertyName("dropped_messages")] public long DroppedMessages { get; set; }
    [JsonPropertyName("last_flush_duration_ms")] public double? LastFlushDurationMs { get; set; }
    [JsonPropertyName("payloads_flushed_total")] public long PayloadsFlushedTotal { get; set; }
    [JsonPropertyName("bytes_flushed_total")] public long BytesFlushedTotal { get; set; }
    [JsonPropertyName("auth_enabled")] public bool AuthEnabled { get; set; }
    [JsonPropertyName("worker")] public WorkerDto Worker { get; set; } = new();
}

public sealed class SummaryDto
{
    [JsonPropertyName("duration_ms")] public double DurationMs { get; set; }
    [JsonPropertyName("queue_length")] public long QueueLength { get; set; }
    [JsonPropertyName("dropped_messages")] public long DroppedMessages { get; set; }
}

public sealed class FailureDto
{
    [JsonPropertyName("tick")] public long Tick { get; set; }
    [JsonPropertyName("status")] public string Status { get; set; } = "error";
    [JsonPropertyName("duration_ms")] public double DurationMs { get; set; }
    [JsonPropertyName("failure_count")] public long FailureCount { get; set; }
    [JsonPropertyName("error")] public string Error { get; set; } = "";
    [JsonPropertyName("snapshot_path")] public string? SnapshotPath { get; set; }
    [JsonPropertyName("transport")] public TransportDto Transport { get; set; } = new();
    [JsonPropertyName("global_context")] public JsonElement GlobalContext { get; set; }
    [JsonPropertyName("summary")] public SummaryDto Summary { get; set; } = new();
}

[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(TickDto))]
[JsonSerializable(typeof(FailureDto))]
public sealed partial class MirrorContext : JsonSerializerContext;
