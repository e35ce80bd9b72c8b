using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Herald.Transports;

namespace Herald.Publishing;

/// <summary>
/// The <see cref="TransportStatus"/> counters as <c>System.Diagnostics.Metrics</c> instruments of the meter
/// <c>Herald</c>, named and typed after the OpenTelemetry semantic conventions (docs/runtime.md, "Metrics"). The counts
/// are observable instruments: nothing is recorded on the emit path, a listener that collects reads one status snapshot
/// per instrument. Send durations are a histogram in seconds, recorded by the workers once per send.
/// </summary>
internal sealed class TelemetryMeter : IDisposable
{
    public const string MeterName = "Herald";

    /// <summary>The attribute naming a transport's provider (<c>file</c>, <c>otlp</c>, ...; the joined name for sink-wide counts).</summary>
    public const string ProviderTag = "herald.transport.provider";

    /// <summary>The attribute giving a transport's index in <c>telemetry.transports</c> (0 for a single transport).</summary>
    public const string IndexTag = "herald.transport.index";

    private readonly Meter _meter;
    private readonly bool _owned;
    private readonly Histogram<double> _sendDuration;

    /// <param name="factory">The host's meter factory (the meter is then the factory's to dispose), or null for a meter of this publisher's own.</param>
    public TelemetryMeter(IMeterFactory? factory)
    {
        string? version = typeof(TelemetryMeter).Assembly.GetName().Version?.ToString();
        _owned = factory is null;
        _meter = factory?.Create(new MeterOptions(MeterName) { Version = version }) ?? new Meter(MeterName, version);
        _sendDuration = _meter.CreateHistogram<double>("herald.send.duration", "s", "Duration of each send to a transport, failed ones included (error.type set)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    /// <summary>Registers the observable instruments over <paramref name="publisher"/>'s status.</summary>
    public void Observe(TelemetryPublisher publisher)
    {
        var sinkTags = new KeyValuePair<string, object?>[] { new(ProviderTag, publisher.TransportStatus.Provider) };
        // The sink as a whole (emitted, rejected, handler errors): one measurement, tagged with the joined provider.
        Func<Func<TransportStatus, long>, Func<Measurement<long>>> sink = pick => () => new Measurement<long>(pick(publisher.TransportStatus), sinkTags);
        // Per transport (one measurement each, tagged provider and index), so a dead collector beside a healthy file
        // shows up as itself.
        Func<Func<TransportStatus, long>, Func<IEnumerable<Measurement<long>>>> each = pick => () => PerTransport(publisher.TransportStatus, pick);

        _meter.CreateObservableCounter("herald.events.emitted", sink(s => s.EventsEmitted), "{event}", "Events given to Emit");
        _meter.CreateObservableCounter("herald.events.rejected", sink(s => s.RejectedMessages), "{event}", "Events refused by ensure_fields, schema_validator or as too large");
        _meter.CreateObservableCounter("herald.handler.errors", sink(s => s.HandlerErrors), "{error}", "Subscriber and listener calls that threw");
        _meter.CreateObservableCounter("herald.events.flushed", each(s => s.PayloadsFlushedTotal), "{event}", "Events the transport accepted (payloads_flushed_total)");
        _meter.CreateObservableCounter("herald.bytes.flushed", each(s => s.BytesFlushedTotal), "By", "Bytes the transport accepted (bytes_flushed_total)");
        _meter.CreateObservableCounter("herald.events.dropped", each(s => s.DroppedMessages), "{event}", "Events dropped by backpressure, failures, rejection or shutdown (dropped_messages)");
        _meter.CreateObservableCounter("herald.send.failures", each(s => s.SendFailuresTotal), "{failure}", "Failed sends (send_failures_total)");
        _meter.CreateObservableCounter("herald.worker.restarts", each(s => s.WorkerRestartCount), "{restart}", "Worker restarts (worker_restart_count)");
        _meter.CreateObservableUpDownCounter("herald.queue.length", each(s => s.QueueLength), "{event}", "Events queued, not yet flushed or dropped (queue_length)");
        _meter.CreateObservableUpDownCounter("herald.worker.alive", each(s => s.WorkerAlive ? 1 : 0), "{worker}", "1 while the transport's worker runs, 0 once it has stopped (worker_alive)");
        _meter.CreateObservableGauge("herald.queue.peak", each(s => s.QueueLengthPeak), "{event}", "Largest queue seen (queue_length_peak)");
        _meter.CreateObservableGauge("herald.send.consecutive_failures", each(s => s.ConsecutiveSendFailures), "{failure}", "Failed sends in a row (consecutive_send_failures)");
        _meter.CreateObservableGauge("herald.batch.last_count", each(s => s.LastBatchCount), "{event}", "Events in the last batch (last_batch_count)");
        _meter.CreateObservableGauge("herald.batch.last_bytes", each(s => s.LastFlushPayloadBytes), "By", "Bytes in the last batch (last_flush_payload_bytes)");
    }

    /// <summary>One send of the transport at <paramref name="index"/>: its duration, with <c>error.type</c> when it failed.</summary>
    public void RecordSend(string provider, int index, TimeSpan elapsed, SendOutcome outcome)
    {
        if (!_sendDuration.Enabled) return;
        var tags = new TagList { { ProviderTag, provider }, { IndexTag, index } };
        if (outcome != SendOutcome.Success) tags.Add("error.type", outcome == SendOutcome.PermanentFailure ? "permanent" : "retryable");
        _sendDuration.Record(elapsed.TotalSeconds, tags);
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

    private static KeyValuePair<string, object?>[] Tags(string provider, int index) => [new(ProviderTag, provider), new(IndexTag, index)];

    /// <summary>Disposes a meter of the publisher's own; a factory's meter is the factory's (the host disposes it).</summary>
    public void Dispose()
    {
        if (_owned) _meter.Dispose();
    }
}
