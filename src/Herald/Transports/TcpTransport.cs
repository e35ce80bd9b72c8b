using System;
using System.Globalization;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>
/// Newline-delimited envelopes over TCP, as collectors' JSON-lines socket inputs expect, optionally over TLS.
/// </summary>
/// <remarks>
/// <para>Connects on the first send, after any failure, and when the collector has closed the connection
/// (checked before each batch). A batch counts as sent only when the collector's TCP stack has acknowledged every
/// byte of it (on Linux; see <see cref="UnacknowledgedBytes"/>): a collector that accepts and never reads gets
/// nothing counted as flushed. A failed, timed-out or unacknowledged send closes the connection and is reported
/// as transient, so the worker sends the whole batch again on a new connection — at-least-once: lines that had
/// reached the collector before the failure arrive twice (counted in <c>ResentMessages</c>; the envelope <c>id</c>
/// identifies them). An acknowledgement comes from the collector's kernel, not its application: lines a collector
/// process had received but not yet read when it was killed are lost; collectors that need more should take the
/// http transport, which counts a batch only once the server answered.</para>
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
        bool writing = false; // from here on, part of the batch may reach the collector even if the send fails
        try
        {
            if (_client is not null && PeerClosed(_client.Client)) Disconnect();
            Stream stream = _stream ?? await ConnectAsync(timeout.Token).ConfigureAwait(false);
            writing = true;
            await stream.WriteAsync(batch.Lines, timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            // Written is not delivered: the bytes may sit in this machine's send queue. Success means the collector's
            // side acknowledged them all.
            var (acknowledged, waiting) = await UnacknowledgedBytes.WaitAsync(_client!.Client, timeout.Token).ConfigureAwait(false);
            if (acknowledged) return SendResult.Success;
            Disconnect();
            return SendResult.Transient(string.Create(CultureInfo.InvariantCulture,
                $"{_host}:{_port} did not acknowledge {waiting} of {batch.Lines.Length} bytes within {_sendTimeout.TotalSeconds} s (it does not read)")) with { PartlyDelivered = true };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Disconnect();
            return SendResult.Transient($"send to {_host}:{_port} timed out after {_sendTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s") with { PartlyDelivered = writing };
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or ObjectDisposedException)
        {
            Disconnect();
            // A refused certificate is transient like any failed connection: the worker's backoff paces the retries,
            // and the collector's operator can fix it (a renewed certificate, a corrected clock) without a restart here.
            return SendResult.Transient(_trust.Explain(ex, $"{_host}:{_port}") ?? $"{ex.GetType().Name}: {ex.Message}") with { PartlyDelivered = writing };
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
        if (!ConfigText.TryParseHostPort(endpoint, out string host, out int port))
            throw new ArgumentException($"{TelemetryConfigRules.Endpoint.Name} '{endpoint}' is not host:port.", nameof(endpoint));
        return (host, port);
    }
}
