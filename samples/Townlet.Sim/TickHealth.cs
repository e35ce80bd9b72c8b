using System.Globalization;
using Herald;

namespace Townlet.Sim;

/// <summary>
/// The loop's <c>tick_health</c> log line: every counter of the live <see cref="TransportStatus"/> as <c>key=value</c>
/// pairs, named as in loop.health and the status (snake_case), and each transport's own when there are several.
/// </summary>
internal static class TickHealth
{
    public static string Format(long tick, TransportStatus s)
    {
        var line = new System.Text.StringBuilder("tick_health tick=").Append(tick);
        Append(line, "", s);
        // With several transports, each one's counters follow under its index: transport0_provider=file ...
        if (s.Transports.Count > 1)
        {
            for (int i = 0; i < s.Transports.Count; i++) Append(line, $"transport{i}_", s.Transports[i]);
        }
        return line.ToString();
    }

    private static void Append(System.Text.StringBuilder line, string prefix, TransportStatus s)
    {
        void Add(string key, string value) => line.Append(' ').Append(prefix).Append(key).Append('=').Append(value);
        void Number(string key, long value) => Add(key, value.ToString(CultureInfo.InvariantCulture));
        Add("provider", s.Provider);
        Number("events_emitted", s.EventsEmitted);
        Number("queue_length", s.QueueLength);
        Number("queue_length_peak", s.QueueLengthPeak);
        Number("dropped_messages", s.DroppedMessages);
        Add("last_flush_duration_ms", s.LastFlushDurationMs is { } ms ? ms.ToString("0.###", CultureInfo.InvariantCulture) : "none");
        Number("last_batch_count", s.LastBatchCount);
        Number("last_flush_payload_bytes", s.LastFlushPayloadBytes);
        Number("payloads_flushed_total", s.PayloadsFlushedTotal);
        Number("bytes_flushed_total", s.BytesFlushedTotal);
        Number("consecutive_send_failures", s.ConsecutiveSendFailures);
        Number("send_failures_total", s.SendFailuresTotal);
        Number("resent_messages", s.ResentMessages);
        Number("rejected_messages", s.RejectedMessages);
        Add("last_rejection", Quote(s.LastRejection));
        Number("handler_errors", s.HandlerErrors);
        Number("handler_deliveries_dropped", s.HandlerDeliveriesDropped);
        Number("worker_restart_count", s.WorkerRestartCount);
        Add("worker_alive", s.WorkerAlive ? "true" : "false");
        Add("worker_error", Quote(s.WorkerError));
        Add("auth_enabled", s.AuthEnabled ? "true" : "false");
    }

    /// <summary>A message as one token: quoted, with quotes and line breaks escaped; <c>none</c> when there is none.</summary>
    private static string Quote(string? error)
        => error is null ? "none" : "\"" + error.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";
}
