using System;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Publishing;

/// <summary>A handler of one event type; it reads its typed event from the payload bytes the transports see.</summary>
internal abstract class Subscription
{
    protected Subscription(string eventType, string name)
    {
        EventType = eventType;
        Name = name;
    }

    public string EventType { get; }

    /// <summary>How the handler is named in logs.</summary>
    public string Name { get; }

    public abstract ValueTask InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>A typed handler: the payload is read with the generated reader, so the handler sees the redacted event.</summary>
internal sealed class Subscription<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler, string name)
    : Subscription(TEvent.EventType, name)
    where TEvent : IEvent<TEvent>
{
    public override ValueTask InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => handler(TEvent.Read(payload.Span), cancellationToken);
}
