using System;
using System.Buffers;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Herald.Publishing;

/// <summary>
/// Runs subscribers and listeners off the game loop. The worker hands it each batch just before sending, so
/// handlers see exactly the (redacted, transformed) envelopes the transports see, and the loop thread pays
/// nothing for them. Matching events are copied out and delivered, in order, by one background task; a handler
/// that throws is logged and counted and never stops the others. The queue is bounded: when handlers fall
/// behind by <see cref="Capacity"/> deliveries, further ones are dropped and counted.
/// </summary>
internal sealed class SubscriberDispatcher
{
    public const int Capacity = 16_384;

    private readonly Channel<Delivery> _queue = Channel.CreateBounded<Delivery>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Action<string, Exception> _log;
    private readonly CancellationTokenSource _abort = new();
    private readonly object _gate = new();
    // Few event types are subscribed at once, so a short array scanned with ValueTextEquals matches a line's type
    // without allocating its string (the worker scans every line it sends while anything is subscribed).
    private ImmutableArray<Route> _routes = ImmutableArray<Route>.Empty;
    private ImmutableArray<Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>> _listeners = ImmutableArray<Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>>.Empty;
    private Task? _pump;
    private long _errors;
    private long _dropped;
    private long _delivered;

    public SubscriberDispatcher(Action<string, Exception> log) => _log = log;

    /// <summary>Whether anything listens; the worker skips the scan otherwise.</summary>
    public bool IsActive => !_routes.IsEmpty || !_listeners.IsEmpty;

    public long HandlerErrors => Interlocked.Read(ref _errors);

    public long DeliveriesDropped => Interlocked.Read(ref _dropped);

    public long Delivered => Interlocked.Read(ref _delivered);

    public IDisposable Subscribe(Subscription subscription)
    {
        lock (_gate)
        {
            _routes = Change(_routes, subscription.EventType, targets => targets.Add(subscription));
            _pump ??= Task.Run(PumpAsync);
        }
        return new Unsubscriber(() =>
        {
            lock (_gate) _routes = Change(_routes, subscription.EventType, targets => targets.Remove(subscription));
        });
    }

    public IDisposable AddListener(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> listener)
    {
        lock (_gate)
        {
            _listeners = _listeners.Add(listener);
            _pump ??= Task.Run(PumpAsync);
        }
        return new Unsubscriber(() =>
        {
            lock (_gate) _listeners = _listeners.Remove(listener);
        });
    }

    /// <summary>Called by the worker (or a fan_out producer) with NDJSON envelopes about to be sent.</summary>
    public void Observe(ReadOnlySpan<byte> lines)
    {
        ImmutableArray<Route> routes = _routes;
        if (!_listeners.IsEmpty) Enqueue(new Delivery(Copy(lines), lines.Length, default));
        if (routes.IsEmpty) return;
        while (!lines.IsEmpty)
        {
            int end = lines.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? lines : lines.Slice(0, end);
            lines = end < 0 ? default : lines.Slice(end + 1);
            if (TryMatch(line, routes, out ImmutableArray<Subscription> targets, out int payloadStart, out int payloadLength))
                Enqueue(new Delivery(Copy(line.Slice(payloadStart, payloadLength)), payloadLength, targets));
        }
    }

    /// <summary>Delivers what is queued until <paramref name="deadline"/> is cancelled; what is left then is dropped and counted.</summary>
    public async Task StopAsync(CancellationToken deadline)
    {
        _queue.Writer.TryComplete();
        Task? pump;
        lock (_gate) pump = _pump;
        if (pump is null) return;
        if (await Task.WhenAny(pump, Task.Delay(Timeout.Infinite, deadline)).ConfigureAwait(false) != pump) _abort.Cancel();
        await pump.ConfigureAwait(false);
    }

    /// <summary>The event type's subscriptions after <paramref name="change"/>; a type left with none is removed.</summary>
    private static ImmutableArray<Route> Change(ImmutableArray<Route> routes, string eventType, Func<ImmutableArray<Subscription>, ImmutableArray<Subscription>> change)
    {
        int index = -1;
        for (int i = 0; i < routes.Length; i++) if (routes[i].EventType == eventType) index = i;
        ImmutableArray<Subscription> targets = change(index < 0 ? ImmutableArray<Subscription>.Empty : routes[index].Targets);
        if (index >= 0) routes = routes.RemoveAt(index);
        return targets.IsEmpty ? routes : routes.Add(new Route(eventType, System.Text.Encoding.UTF8.GetBytes(eventType), targets));
    }

    private static bool TryMatch(ReadOnlySpan<byte> line, ImmutableArray<Route> routes,
        out ImmutableArray<Subscription> targets, out int payloadStart, out int payloadLength)
    {
        targets = default;
        payloadStart = payloadLength = 0;
        var reader = new Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) return false;
                    foreach (Route route in routes)
                    {
                        if (!reader.ValueTextEquals(route.Utf8EventType)) continue;
                        targets = route.Targets;
                        break;
                    }
                    if (targets.IsDefault) return false;
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    payloadStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    payloadLength = (int)reader.BytesConsumed - payloadStart;
                    return !targets.IsDefault;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not an envelope this dispatcher wrote; nothing to deliver.
        }
        return false;
    }

    private static byte[] Copy(ReadOnlySpan<byte> bytes)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(copy);
        return copy;
    }

    private void Enqueue(Delivery delivery)
    {
        if (_queue.Writer.TryWrite(delivery)) return;
        Interlocked.Increment(ref _dropped);
        ArrayPool<byte>.Shared.Return(delivery.Buffer);
    }

    private async Task PumpAsync()
    {
        // Handlers and listeners log nothing into Herald itself (a handler logging per event would feed its own input).
        Herald.Logging.LogRecursionGuard.MarkHeraldFlow();
        await foreach (Delivery d in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (_abort.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }
                var bytes = new ReadOnlyMemory<byte>(d.Buffer, 0, d.Length);
                if (d.Targets.IsDefault)
                {
                    foreach (var listener in _listeners) await RunAsync(() => listener(bytes, _abort.Token), "listener").ConfigureAwait(false);
                }
                else
                {
                    foreach (Subscription s in d.Targets) await RunAsync(() => s.InvokeAsync(bytes, _abort.Token), s.Name).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(d.Buffer);
            }
        }
    }

    private async ValueTask RunAsync(Func<ValueTask> handler, string name)
    {
        try
        {
            await handler().ConfigureAwait(false);
            Interlocked.Increment(ref _delivered);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _errors);
            _log(name, ex);
        }
    }

    private readonly record struct Delivery(byte[] Buffer, int Length, ImmutableArray<Subscription> Targets);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }

    private sealed record Route(string EventType, byte[] Utf8EventType, ImmutableArray<Subscription> Targets);
}
