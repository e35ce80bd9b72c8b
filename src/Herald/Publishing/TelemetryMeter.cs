using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Herald.Publishing;

/// <summary>
/// The <see cref="TransportStatus"/> counters as <c>System.Diagnostics.Metrics</c> instruments of the meter
/// <c>Herald</c>, for dotnet-counters and OpenTelemetry. Observable instruments: nothing is recorded on the emit
/// path; a listener that collects reads one status snapshot per instrument.
/// </summary>
internal sealed class TelemetryMeter : IDisposable
{
    public const string MeterName = "Herald";

    private readonly Meter _meter;

    public TelemetryMeter(TelemetryPublisher publisher)
    {
        _meter = new Meter(MeterName, typeof(TelemetryMeter).Assembly.GetName().Version?.ToString());
        string provider = publisher.TransportStatus.Provider;
        var tags = new KeyValuePair<string, object?>[] { new("provider", provider) };
        Func<Func<TransportStatus, long>, Func<Measurement<long>>> read = pick => () => new Measurement<long>(pick(publisher.TransportStatus), tags);

        _meter.CreateObservableCounter("herald.events.emitted", read(s => s.EventsEmitted), "{event}", "Events given to Emit");
        _meter.CreateObservableCounter("herald.events.flushed", read(s => s.PayloadsFlushedTotal), "{event}", "Events the transport accepted (payloads_flushed_total)");
        _meter.CreateObservableCounter("herald.bytes.flushed", read(s => s.BytesFlushedTotal), "By", "Bytes the transport accepted (bytes_flushed_total)");
        _meter.CreateObservableCounter("herald.events.dropped", read(s => s.DroppedMessages), "{event}", "Events dropped by backpressure, failures, rejection or shutdown (dropped_messages)");
        _meter.CreateObservableCounter("herald.events.rejected", read(s => s.RejectedMessages), "{event}", "Events refused by ensure_fields or schema_validator");
        _meter.CreateObservableGauge("herald.queue.length", read(s => s.QueueLength), "{event}", "Events queued (queue_length)");
        _meter.CreateObservableGauge("herald.queue.peak", read(s => s.QueueLengthPeak), "{event}", "Largest queue seen (queue_length_peak)");
        _meter.CreateObservableCounter("herald.send.failures", read(s => s.SendFailuresTotal), "{failure}", "Failed sends (send_failures_total)");
        _meter.CreateObservableGauge("herald.send.consecutive_failures", read(s => s.ConsecutiveSendFailures), "{failure}", "Failed sends in a row (consecutive_send_failures)");
        _meter.CreateObservableCounter("herald.worker.restarts", read(s => s.WorkerRestartCount), "{restart}", "Worker restarts (worker_restart_count)");
        _meter.CreateObservableGauge("herald.worker.alive", read(s => s.WorkerAlive ? 1 : 0), null, "1 while the worker runs (worker_alive)");
        _meter.CreateObservableGauge("herald.batch.last_count", read(s => s.LastBatchCount), "{event}", "Events in the last batch (last_batch_count)");
        _meter.CreateObservableGauge("herald.batch.last_bytes", read(s => s.LastFlushPayloadBytes), "By", "Bytes in the last batch (last_flush_payload_bytes)");
        _meter.CreateObservableGauge("herald.flush.last_duration", () => new Measurement<double>(publisher.TransportStatus.LastFlushDurationMs ?? 0, tags), "ms", "Duration of the last send (last_flush_duration_ms)");
        _meter.CreateObservableCounter("herald.handler.errors", read(s => s.HandlerErrors), "{error}", "Subscriber and listener calls that threw");
    }

    public void Dispose() => _meter.Dispose();
}
