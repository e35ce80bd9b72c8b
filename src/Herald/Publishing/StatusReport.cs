using System;
using System.Linq;

namespace Herald.Publishing;

/// <summary>Turns the pipeline's counts and the workers' own fields into <see cref="TransportStatus"/>.</summary>
internal static class StatusReport
{
    /// <summary>
    /// One status per transport, and the top-level one: the counters of the transport that has delivered the fewest
    /// events (so a healthy file transport cannot hide a dead collector), failures and restarts summed over all,
    /// alive while any worker runs.
    /// </summary>
    public static TransportStatus Combine(long emitted, LaneCounts[] lanes, FlushWorker[] workers)
    {
        var each = new TransportStatus[lanes.Length];
        int worst = 0;
        for (int i = 0; i < lanes.Length; i++)
        {
            LaneCounts c = lanes[i];
            var w = workers[i].Status();
            Transports.ITransport transport = workers[i].Transport;
            each[i] = new TransportStatus
            {
                Provider = transport.Provider,
                EventsEmitted = emitted,
                QueueLength = Math.Max(0, emitted - c.Flushed - c.Dropped),
                QueueLengthPeak = c.Peak,
                DroppedMessages = c.Dropped,
                LastFlushDurationMs = w.LastFlushMs,
                LastBatchCount = w.LastBatchCount,
                LastFlushPayloadBytes = w.LastBatchBytes,
                PayloadsFlushedTotal = c.Flushed,
                BytesFlushedTotal = c.FlushedBytes,
                ConsecutiveSendFailures = w.Consecutive,
                SendFailuresTotal = w.Total,
                WorkerRestartCount = w.Restarts,
                ResentMessages = w.Resent,
                WorkerAlive = w.Alive,
                WorkerError = w.Error,
                AuthEnabled = transport.AuthEnabled,
            };
            if (c.Flushed < lanes[worst].Flushed) worst = i;
        }
        if (each.Length == 1) return each[0] with { Transports = each };
        return each[worst] with
        {
            Provider = string.Join("+", each.Select(e => e.Provider)),
            SendFailuresTotal = each.Sum(e => e.SendFailuresTotal),
            WorkerRestartCount = each.Sum(e => e.WorkerRestartCount),
            ResentMessages = each.Sum(e => e.ResentMessages),
            WorkerAlive = each.Any(e => e.WorkerAlive),
            WorkerError = each[worst].WorkerError ?? each.Select(e => e.WorkerError is null ? null : e.Provider + ": " + e.WorkerError).FirstOrDefault(e => e is not null),
            AuthEnabled = each.Any(e => e.AuthEnabled),
            Transports = each,
        };
    }
}
