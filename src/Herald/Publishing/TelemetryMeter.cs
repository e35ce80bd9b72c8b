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
        var sinkTags = new KeyValuePair<string, object?>[] { new("provider", publisher.TransportStatus.Provider) };
        // The sink as a whole (emitted, rejected, handler errors): one measurement, tagged with the joined provider.
        Func<Func<TransportStatus, long>, Func<Measurement<long>>> sink = pick => () => new Measurement<long>(pick(publisher.TransportStatus), sinkTags);
        // Per transport (one measurement each, tagged provider and transport index), so a dead collector beside a
        // healthy file shows up as itself; with one transport, one measurement as before.
        Func<Func<TransportStatus, long>, Func<IEnumerable<Measurement<long>>>> each = pick => () => PerTransport(publisher.TransportStatus, pick);

        _meter.CreateObservableCounter("herald.events.emitted", sink(s => s.EventsEmitted), "{event}", "Events given to Emit");
        _meter.CreateObservableCounter("herald.events.flushed", each(s => s.PayloadsFlushedTotal), "{event}", "Events the transport accepted (payloads_flushed_total)");
        _meter.CreateObservableCounter("herald.bytes.flushed", each(s => s.BytesFlushedTotal), "By", "Bytes the transport accepted (bytes_flushed_total)");
        _meter.CreateObservableCounter("herald.events.dropped", each(s => s.DroppedMessages), "{event}", "Events dropped by backpressure, failures, rejection or shutdown (dropped_messages)");
        _meter.CreateObservableCounter("herald.events.rejected", sink(s => s.RejectedMessages), "{event}", "Events refused by ensure_fields or schema_validator");
        _meter.CreateObservableGauge("herald.queue.length", each(s => s.QueueLength), "{event}", "Events queued (queue_length)");
        _meter.CreateObservableGauge("herald.queue.peak", each(s => s.QueueLengthPeak), "{event}", "Largest queue seen (queue_length_peak)");
        _meter.CreateObservableCounter("herald.send.failures", each(s => s.SendFailuresTotal), "{failure}", "Failed sends (send_failures_total)");
        _meter.CreateObservableGauge("herald.send.consecutive_failures", each(s => s.ConsecutiveSendFailures), "{failure}", "Failed sends in a row (consecutive_send_failures)");
        _meter.CreateObservableCounter("herald.worker.restarts", each(s => s.WorkerRestartCount), "{restart}", "Worker restarts (worker_restart_count)");
        _meter.CreateObservableGauge("herald.worker.alive", each(s => s.WorkerAlive ? 1 : 0), null, "1 while the worker runs (worker_alive)");
        _meter.CreateObservableGauge("herald.batch.last_count", each(s => s.LastBatchCount), "{event}", "Events in the last batch (last_batch_count)");
        _meter.CreateObservableGauge("herald.batch.last_bytes", each(s => s.LastFlushPayloadBytes), "By", "Bytes in the last batch (last_flush_payload_bytes)");
        _meter.CreateObservableGauge("herald.flush.last_duration", () => PerTransport(publisher.TransportStatus, s => s.LastFlushDurationMs ?? 0), "ms", "Duration of the last send (last_flush_duration_ms)");
        _meter.CreateObservableCounter("herald.handler.errors", sink(s => s.HandlerErrors), "{error}", "Subscriber and listener calls that threw");
    }

    private static IEnumerable<Measurement<T>> PerTransport<T>(TransportStatus status, Func<TransportStatus, T> pick) where T : struct
    {
        if (status.Transports.Count == 0)
        {
            yield return new Measurement<T>(pick(status), Tags(status.Provider, 0));
            yield break;
        }
        for (int i = 0; i < status.Transports.Count; i++) yield return new Measurement<T>(pick(status.Transports[i]), Tags(status.Transports[i].Provider, i));
    }

    private static KeyValuePair<string, object?>[] Tags(string provider, int index) => [new("provider", provider), new("transport", index)];

    public void Dispose() => _meter.Dispose();
}
