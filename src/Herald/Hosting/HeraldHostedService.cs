using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace Herald.Hosting;

/// <summary>
/// Owns the publisher's lifetime in a host: starting the host creates it (so its worker runs before the first
/// request), stopping the host flushes what is queued and closes the transport.
/// </summary>
internal sealed class HeraldHostedService(TelemetryPublisher publisher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Flushes within <c>shutdown_timeout_seconds</c> or until the host's shutdown timeout cancels
    /// <paramref name="cancellationToken"/>, whichever comes first; what could not be sent is counted as dropped.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await publisher.ShutdownAsync(cancellationToken).ConfigureAwait(false);
}
