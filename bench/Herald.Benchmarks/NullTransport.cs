using System.Threading;
using System.Threading.Tasks;
using Herald.Transports;

namespace Herald.Benchmarks;

/// <summary>Accepts every batch and does nothing: measures the pipeline without I/O.</summary>
internal sealed class NullTransport : ITransport
{
    public string Provider => "null";
    public bool AuthEnabled => false;
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken) => new(SendResult.Success);
    public ValueTask DisposeAsync() => default;
}
