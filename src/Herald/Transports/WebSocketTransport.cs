using System;
using System.Globalization;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>
/// Sends each batch as one text message (its NDJSON lines) over a WebSocket (<c>endpoint</c>: <c>ws://</c> or
/// <c>wss://</c>), for live dashboards and collectors that stream.
/// </summary>
/// <remarks>
/// Connects on the first send and whenever the connection is no longer open — a background receive loop notices
/// the server's close (and answers it), so the next batch reconnects instead of writing into a dead socket. Keep-alive
/// pings every 15 s. A batch counts as sent once the server's TCP stack has acknowledged every byte of its message
/// (Linux; see <see cref="UnacknowledgedBytes"/> — Herald opens the connection itself to see its socket). A failed,
/// timed-out or unacknowledged send is transient (the worker retries the batch with backoff on a new connection), so
/// delivery is at-least-once; a batch cut off after writing began counts as resent. A server that closed the connection with a status other than 1000 or 1001 costs the
/// next send one failed attempt that reports the status and description (scrubbed, like every message quoting
/// the server: <see cref="ServerText"/>), then that batch is retried on a new connection. Shutdown performs the close handshake (1000, normal closure). <c>wss://</c> validates
/// certificates like the other network transports; a bearer token from <c>auth_token_env</c> goes in the
/// handshake's <c>Authorization</c> header.
/// </remarks>
public sealed class WebSocketTransport : ITransport
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private readonly Uri _endpoint;
    private readonly TimeSpan _sendTimeout;
    private readonly CertificateTrust _trust;
    private readonly string? _token;
    private ClientWebSocket? _socket;
    private System.Net.Sockets.Socket? _tcp;          // the connection under _socket, to read its unacknowledged bytes
    private System.Net.Http.HttpMessageInvoker? _invoker;
    private Task _drain = Task.CompletedTask;

    /// <summary>Creates the transport from <c>telemetry.transport</c>.</summary>
    /// <exception cref="ArgumentException">The endpoint is not a ws(s) URL, the token variable is not set, or the TLS settings cannot be used.</exception>
    public WebSocketTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
            throw new ArgumentException($"endpoint '{options.Endpoint}' is not a ws:// or wss:// URL.", nameof(options));
        _endpoint = uri;
        _sendTimeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds);
        _trust = CertificateTrust.From(options); // the system store unless tls_ca_file or tls_pin_sha256; explains refusals
        _token = BearerToken.FromEnvironment(options.AuthTokenEnv);
    }

    /// <inheritdoc />
    public string Provider => "websocket";

    /// <inheritdoc />
    public bool AuthEnabled => _token is not null;

    /// <inheritdoc />
    public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_sendTimeout);
        bool writing = false; // from here on, part of the batch may reach the server even if the send fails
        try
        {
            if (_socket is { State: not WebSocketState.Open } closed)
            {
                string? refusal = ServerRefusal(closed);
                Drop();
                if (refusal is not null) return SendResult.Transient(refusal); // retried on a new connection
            }
            ClientWebSocket socket = _socket ?? await ConnectAsync(timeout.Token).ConfigureAwait(false);
            writing = true;
            await socket.SendAsync(batch.Lines, WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
            if (_tcp is not { } tcp) return SendResult.Success;
            var (acknowledged, waiting) = await UnacknowledgedBytes.WaitAsync(tcp, timeout.Token).ConfigureAwait(false);
            if (acknowledged) return SendResult.Success;
            Drop();
            return SendResult.Transient(string.Create(CultureInfo.InvariantCulture,
                $"{ServerText.Endpoint(_endpoint, UriPartial.Authority)} did not acknowledge {waiting} bytes within {_sendTimeout.TotalSeconds} s (it does not read)")) with { PartlyDelivered = true };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Drop();
            return SendResult.Transient($"send to {ServerText.Endpoint(_endpoint, UriPartial.Path)} timed out after {_sendTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s") with { PartlyDelivered = writing };
        }
        catch (Exception ex) when (ex is WebSocketException or System.Net.Http.HttpRequestException or ObjectDisposedException or InvalidOperationException)
        {
            Drop();
            if (_trust.Explain(ex, ServerText.Endpoint(_endpoint, UriPartial.Authority)) is { } refused) return SendResult.Transient(refused);
            return SendResult.Transient(ServerText.Describe(ex, _token)) with { PartlyDelivered = writing }; // may quote what the server sent
        }
    }

    /// <summary>
    /// Closes with the handshake (1000): sends the close frame, then waits (at most the send timeout) for the
    /// server's close frame before letting the connection go, as RFC 6455 §7.1.1 asks of a client.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        ClientWebSocket? socket = Interlocked.Exchange(ref _socket, null);
        if (socket is null) return;
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(_sendTimeout);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "telemetry shutdown", timeout.Token).ConfigureAwait(false);
                await _drain.WaitAsync(timeout.Token).ConfigureAwait(false); // ends when the server's close arrives
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server is gone already or does not answer; nothing more to say to it.
            }
        }
        socket.Dispose();
        Interlocked.Exchange(ref _invoker, null)?.Dispose();
    }

    private async Task<ClientWebSocket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = KeepAlive;
        _trust.Forget();
        if (_token is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + _token);
        // Herald opens the TCP connection itself (the handler's connect callback) so it can read the socket's
        // unacknowledged bytes after each message; certificate checks move to the handler with it.
        System.Net.Sockets.Socket? tcp = null;
        var handler = new System.Net.Http.SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await s.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
                tcp = s;
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = _trust.Validate;
        var invoker = new System.Net.Http.HttpMessageInvoker(handler);
        try
        {
            await socket.ConnectAsync(_endpoint, invoker, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }
        _socket = socket;
        _tcp = tcp;
        _invoker = invoker;
        _drain = DrainAsync(socket);
        return socket;
    }

    /// <summary>
    /// Why the server closed <paramref name="socket"/>, when it closed with a status other than 1000 (normal) or
    /// 1001 (going away): e.g. <c>1008 PolicyViolation: token revoked</c>, its description scrubbed. Null otherwise.
    /// </summary>
    private string? ServerRefusal(ClientWebSocket socket)
    {
        if (socket.CloseStatus is not { } status || status is WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable) return null;
        string name = Enum.IsDefined(status) ? " " + status : "";
        string description = ServerText.Scrub(socket.CloseStatusDescription, _token);
        return $"the server closed the connection: {(int)status}{name}{(description.Length == 0 ? "" : ": " + description)}";
    }

    /// <summary>Reads (and ignores) what the server sends, so its close frame is seen and answered. Never throws.</summary>
    private static async Task DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The server started the close: answer it. (When we started it, the state is Closed now.)
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ended; the next send sees it is not open and reconnects.
        }
    }

    private void Drop()
    {
        ClientWebSocket? socket = Interlocked.Exchange(ref _socket, null);
        socket?.Abort();
        socket?.Dispose();
        _tcp = null;
        Interlocked.Exchange(ref _invoker, null)?.Dispose();
    }
}
