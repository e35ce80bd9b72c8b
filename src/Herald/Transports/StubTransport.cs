using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>
/// The connection of a publisher in stub mode (<c>type: stub</c> or <c>enabled: false</c>): its worker never starts and
/// no event reaches it, because the publisher counts every event as dropped on <c>Emit</c>, as
/// <see cref="StubTelemetrySink"/> does.
/// </summary>
internal sealed class StubTransport : ITransport
{
    public string Provider => "stub";

    public bool AuthEnabled => false;

    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
        => new(SendResult.Permanent("stub mode sends nothing"));

    public ValueTask DisposeAsync() => default;
}
