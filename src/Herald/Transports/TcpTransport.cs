using System;
using System.Globalization;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>
/// Newline-delimited envelopes over TCP, as collectors' JSON-lines socket inputs expect, optionally over TLS.
/// </summary>
/// <remarks>
/// <para>Connects on the first send, after any failure, and when the collector has closed the connection
/// (checked before each batch); a failed or timed-out send closes the connection and is reported as transient,
/// so the worker retries the whole batch with backoff and jitter. A batch is written whole or retried whole:
/// when a connection breaks after part of a batch reached the collector, the retry sends those lines again —
/// delivery is at-least-once, and the envelope <c>id</c> identifies duplicates. TCP has no acknowledgement of
/// what the collector processed: lines written just before a collector dies without closing its connection can
/// be lost; collectors that need more should take the http transport.</para>
/// <para>TLS (<c>enable_tls</c>) validates the collector's certificate against the system trust store and the host
/// name, or against the PEM bundle in <c>tls_ca_file</c> and the host name, or accepts a certificate whose public
/// key's SHA-256 is <c>tls_pin_sha256</c> and whose validity dates hold (for self-signed collectors). There is no
/// accept-all switch. A refused certificate is a transient failure whose error names the cause
/// (<see cref="CertificateTrust"/>).</para>
/// </remarks>
public sealed class TcpTransport : ITransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly bool _tls;
    private readonly TimeSpan _sendTimeout;
    private readonly CertificateTrust _trust;
    private TcpClient? _client;
    private Stream? _stream;

    /// <summary>Creates the transport from <c>telemetry.transport</c> (<c>endpoint</c> is <c>host:port</c>).</summary>
    /// <exception cref="ArgumentException">The endpoint, CA file or pin cannot be used.</exception>
    public TcpTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_host, _port) = ParseEndpoint(options.Endpoint);
        _tls = options.EnableTls;
        _sendTimeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds);
        _trust = CertificateTrust.From(options);
    }

    /// <inheritdoc />
    public string Provider => "tcp";

    /// <inheritdoc />
    public bool AuthEnabled => false;

    /// <inheritdoc />
    public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_sendTimeout);
        try
        {
            if (_client is not null && PeerClosed(_client.Client)) Disconnect();
            Stream stream = _stream ?? await ConnectAsync(timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(batch.Lines, timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            return SendResult.Success;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Disconnect();
            return SendResult.Transient($"send to {_host}:{_port} timed out after {_sendTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or ObjectDisposedException)
        {
            Disconnect();
            // A refused certificate is transient like any failed connection: the worker's backoff paces the retries,
            // and the collector's operator can fix it (a renewed certificate, a corrected clock) without a restart here.
            return SendResult.Transient(_trust.Explain(ex, $"{_host}:{_port}") ?? $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Disconnect();
        return default;
    }

    private async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
            Stream stream = client.GetStream();
            if (_tls)
            {
                _trust.Forget();
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, _trust.Validate);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = _host }, cancellationToken).ConfigureAwait(false);
                stream = ssl;
            }
            _client = client;
            _stream = stream;
            return stream;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the collector closed the connection. A write into a closed connection can still succeed locally and
    /// vanish, so the state is checked before each batch: readable with nothing to read means the peer sent FIN.
    /// (A peer that disappears without closing, e.g. behind a broken network, is only noticed when a write fails.)
    /// </summary>
    private static bool PeerClosed(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _client?.Dispose();
        _stream = null;
        _client = null;
    }

    /// <summary><c>host:port</c>, <c>[v6]:port</c>.</summary>
    internal static (string Host, int Port) ParseEndpoint(string? endpoint)
    {
        int colon = endpoint?.LastIndexOf(':') ?? -1;
        if (endpoint is null || colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"endpoint '{endpoint}' is not host:port.", nameof(endpoint));
        string host = endpoint.Substring(0, colon).Trim('[', ']');
        return (host, port);
    }
}
