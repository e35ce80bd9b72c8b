using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Herald.Tests.Transports;

/// <summary>
/// A real JSON-lines collector on 127.0.0.1 for transport tests: accepts connections, optionally over TLS with the
/// given certificate, and records every line and the first raw bytes each connection sent. Stops on dispose.
/// </summary>
internal sealed class LineServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly SslStreamCertificateContext? _context;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <param name="certificate">TLS with this certificate; plain TCP when null.</param>
    /// <param name="port">The port; a free one when 0.</param>
    /// <param name="chain">Certificates sent after <paramref name="certificate"/> in the handshake (its issuers).</param>
    public LineServer(X509Certificate2? certificate = null, int port = 0, X509Certificate2Collection? chain = null)
    {
        _certificate = certificate;
        if (certificate is not null && chain is not null) _context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>The first bytes of every connection, before any TLS: what went over the wire.</summary>
    public ConcurrentQueue<byte[]> FirstBytes { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = new PeekingStream(client.GetStream(), FirstBytes);
                if (_certificate is not null)
                {
                    var ssl = new SslStream(stream);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _context is null ? _certificate : null, ServerCertificateContext = _context }, _stop.Token);
                    stream = ssl;
                }
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (await reader.ReadLineAsync(_stop.Token) is { } line) Lines.Enqueue(line);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client went away, refused our certificate, or the server is stopping.
            }
        }
    }

    /// <summary>Records the first read of a connection.</summary>
    private sealed class PeekingStream(Stream inner, ConcurrentQueue<byte[]> firstBytes) : Stream
    {
        private bool _seen;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset), inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken);
            return Record(buffer.Span, read);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private int Record(Span<byte> buffer, int read)
        {
            if (!_seen && read > 0)
            {
                _seen = true;
                firstBytes.Enqueue(buffer.Slice(0, read).ToArray());
            }
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
