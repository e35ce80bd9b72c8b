using System;
using System.Threading;
using System.Threading.Tasks;

namespace Herald;

/// <summary>
/// Where a game or service sends its events. <see cref="TelemetryPublisher"/> is the real sink;
/// <see cref="StubTelemetrySink"/> the no-op one. Both implement this interface, so they cannot drift apart.
/// </summary>
public interface ITelemetrySink : IAsyncDisposable
{
    /// <summary>
    /// Publishes an event. Never throws into the caller and never blocks, except in <c>block</c> backpressure
    /// mode for at most <c>block_timeout_seconds</c> (and, when the publisher's emit queue is full, for a worker
    /// that is freeing room: about 20 µs at most).
    /// </summary>
    void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>;

    /// <summary>A consistent snapshot of the transport counters.</summary>
    TransportStatus TransportStatus { get; }

    /// <summary>The last event of this type that was emitted, or <c>default</c> when none was.</summary>
    TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent>;

    /// <summary>The last event of this type that was emitted, if any.</summary>
    bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent>;

    /// <summary>Sends everything emitted before the call; completes when it was sent, dropped, or the token fired.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
