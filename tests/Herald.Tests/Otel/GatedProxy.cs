using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Herald.Tests.Otel;

/// <summary>
/// A loopback TCP forwarder in front of a receiver that a test restarts: while closed it drops every connection (a sender
/// sees the receiver gone), and it opens again only once the new receiver answers — so a sender's retry never reaches a
/// receiver that is still starting, whatever that receiver answers meanwhile.
/// </summary>
internal sealed class GatedProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _live = new();
    private readonly Task _accepting;
    private volatile bool _open = true;

    public GatedProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Drops the open connections and every new one until <see cref="Open"/>.</summary>
    public void Close()
    {
        _open = false;
        foreach (TcpClient client in _live.Keys) client.Dispose();
    }

    public void Open() => _open = true;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (!_open) client.Dispose();
            else _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        _live[client] = 0;
        _live[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            using NetworkStream a = client.GetStream(), b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception)
        {
            // the receiver is gone or the proxy closed: the sender sees a dropped connection
        }
        finally
        {
            _live.TryRemove(client, out _);
            _live.TryRemove(upstream, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        foreach (TcpClient client in _live.Keys) client.Dispose();
        _stop.Dispose();
    }
}
