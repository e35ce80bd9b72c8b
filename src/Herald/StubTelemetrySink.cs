using System.Threading;
using System.Threading.Tasks;

namespace Herald;

/// <summary>
/// The no-op stub sink: accepts every event and sends nothing. Its counters stay exact: every
/// emitted event is counted as dropped. Use it when telemetry is disabled, or as the baseline in overhead
/// measurements.
/// </summary>
public sealed class StubTelemetrySink : ITelemetrySink
{
    private long _emitted;

    /// <inheritdoc />
    public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent> => Interlocked.Increment(ref _emitted);

    /// <inheritdoc />
    public TransportStatus TransportStatus
    {
        get
        {
            long emitted = Volatile.Read(ref _emitted);
            return new TransportStatus
            {
                Provider = "stub",
                EventsEmitted = emitted,
                QueueLength = 0,
                QueueLengthPeak = 0,
                DroppedMessages = emitted,
                LastBatchCount = 0,
                LastFlushPayloadBytes = 0,
                PayloadsFlushedTotal = 0,
                BytesFlushedTotal = 0,
                ConsecutiveSendFailures = 0,
                SendFailuresTotal = 0,
                WorkerRestartCount = 0,
                WorkerAlive = false,
                AuthEnabled = false,
            };
        }
    }

    /// <inheritdoc />
    public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => default;

    /// <inheritdoc />
    public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent>
    {
        evt = default!;
        return false;
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public System.Threading.Tasks.ValueTask DisposeAsync() => default;
}
