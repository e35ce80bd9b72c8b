using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Hosting;

/// <summary>
/// The publisher's health from its status counters: <b>Unhealthy</b> when a transport's worker has stopped (after its
/// last restart, or the publisher was disposed); <b>Degraded</b> while sends fail in a row or events were dropped since
/// the previous check; else <b>Healthy</b>. Telemetry turned off by configuration (the stub sink) is Healthy: it drops by
/// design. The data carries the counts, per transport.
/// </summary>
internal sealed class HeraldHealthCheck(TelemetryPublisher publisher, TelemetryOptions options) : IHealthCheck
{
    private readonly Lock _gate = new();
    private long _droppedAtLastCheck;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        TransportStatus status = publisher.TransportStatus;
        long droppedSince;
        lock (_gate)
        {
            droppedSince = status.DroppedMessages - _droppedAtLastCheck;
            _droppedAtLastCheck = status.DroppedMessages;
        }
        IReadOnlyList<TransportStatus> transports = status.Transports.Count > 0 ? status.Transports : [status];
        var data = new Dictionary<string, object>
        {
            ["emitted"] = status.EventsEmitted,
            ["flushed"] = status.PayloadsFlushedTotal,
            ["dropped"] = status.DroppedMessages,
            ["dropped_since_last_check"] = droppedSince,
            ["queue_length"] = status.QueueLength,
        };
        for (int i = 0; i < transports.Count; i++)
        {
            TransportStatus t = transports[i];
            data[$"transport.{i}.provider"] = t.Provider;
            data[$"transport.{i}.worker_alive"] = t.WorkerAlive;
            data[$"transport.{i}.consecutive_send_failures"] = t.ConsecutiveSendFailures;
        }

        if (publisher.IsShutDown)
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "Herald has stopped (the host is stopping, or the publisher was disposed).", data: data));
        if (options.IsStub) return Task.FromResult(HealthCheckResult.Healthy("Telemetry is off by configuration (stub sink): events are counted as dropped.", data));
        List<string> dead = transports.Where(t => !t.WorkerAlive).Select(t => t.Provider).ToList();
        if (dead.Count > 0)
        {
            string error = status.WorkerError is { } why ? $" ({why})" : "";
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"The worker of {string.Join(", ", dead)} has stopped{error}; its events are counted as dropped.", data: data));
        }
        List<string> failing = transports.Where(t => t.ConsecutiveSendFailures > 0).Select(t => $"{t.Provider} ({t.ConsecutiveSendFailures} failed sends in a row)").ToList();
        if (failing.Count > 0 || droppedSince > 0)
        {
            string what = failing.Count > 0 ? "Sends are failing: " + string.Join(", ", failing) + "." : "";
            if (droppedSince > 0) what += (what.Length > 0 ? " " : "") + $"{droppedSince} events dropped since the last check.";
            return Task.FromResult(HealthCheckResult.Degraded(what, data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy($"{status.PayloadsFlushedTotal} events flushed, {status.QueueLength} queued.", data));
    }
}
