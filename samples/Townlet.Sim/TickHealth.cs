using System.Globalization;
using Herald;

namespace Townlet.Sim;

/// <summary>
/// The loop's <c>tick_health</c> log line: every transport counter of the live status as <c>key=value</c> pairs, in the
/// names loop.health and the status use, so a log reader and a dashboard see the same numbers.
/// </summary>
internal static class TickHealth
{
    public static string Format(long tick, TransportStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"tick_health tick={tick} provider={s.Provider} queue_length={s.QueueLength} queue_length_peak={s.QueueLengthPeak} " +
        $"dropped_messages={s.DroppedMessages} last_flush_duration_ms={(s.LastFlushDurationMs is { } ms ? ms.ToString("0.###", CultureInfo.InvariantCulture) : "none")} " +
        $"last_batch_count={s.LastBatchCount} last_flush_payload_bytes={s.LastFlushPayloadBytes} " +
        $"payloads_flushed_total={s.PayloadsFlushedTotal} bytes_flushed_total={s.BytesFlushedTotal} " +
        $"consecutive_send_failures={s.ConsecutiveSendFailures} send_failures_total={s.SendFailuresTotal} " +
        $"worker_restart_count={s.WorkerRestartCount} worker_alive={(s.WorkerAlive ? "true" : "false")} worker_error={Quote(s.WorkerError)}");

    /// <summary>An error message as one token: quoted, with quotes and line breaks escaped; <c>none</c> when there is none.</summary>
    private static string Quote(string? error)
        => error is null ? "none" : "\"" + error.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";
}
