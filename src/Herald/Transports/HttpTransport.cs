using System;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>
/// POSTs each batch to a collector URL (<c>endpoint</c>): NDJSON, a JSON array, or a CloudEvents batch
/// (<see cref="HttpBatchFormat"/>), optionally gzip-compressed, with a bearer token read from the environment.
/// </summary>
/// <remarks>
/// Outcomes: 2xx delivered; timeouts, connection errors, 408 and 5xx are transient (retried with exponential
/// backoff and jitter); 429, 502, 503 and 504 honour <c>Retry-After</c>; any other 4xx drops the batch as poison, counted,
/// with the status code in <c>worker_error</c>. A batch the collector half-processed before failing is sent again
/// whole: at-least-once, duplicates identified by the envelope <c>id</c>. One <see cref="HttpClient"/> and handler
/// for the transport's lifetime, at most two connections. The token never appears in errors, status or logs: the
/// collector's reason phrase and error messages are scrubbed (<see cref="ServerText"/>); bodies and headers other
/// than <c>Retry-After</c> are never read.
/// </remarks>
public sealed class HttpTransport : ITransport
{
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly HttpBatchFormat _format;
    private readonly bool _gzip;
    private readonly TimeSpan _sendTimeout;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly CertificateTrust _trust;
    private readonly string[] _secrets;

    /// <summary>Creates the transport from <c>telemetry.transport</c>.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an http(s) URL, the token variable is not set, or the TLS settings cannot be used.</exception>
    public HttpTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = HttpExchange.ParseEndpoint(options.Endpoint);
        _format = HttpBatchFormats.Parse(options.Format);
        _gzip = options.Compression == TelemetryConfigRules.Gzip;
        _sendTimeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds);
        string? token = BearerToken.FromEnvironment(options.AuthTokenEnv);
        _secrets = token is null ? Array.Empty<string>() : new[] { token };
        if (token is not null) _authorization = new AuthenticationHeaderValue("Bearer", token);
        _trust = CertificateTrust.From(options); // the system store unless tls_ca_file or tls_pin_sha256; explains refusals
        _client = HttpExchange.CreateClient(_sendTimeout, _trust);
    }

    /// <inheritdoc />
    public string Provider => "http";

    /// <inheritdoc />
    public bool AuthEnabled => _authorization is not null;

    /// <inheritdoc />
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = Content(batch) };
        request.Headers.Authorization = _authorization;
        return Send(request, cancellationToken);
    }

    private async ValueTask<SendResult> Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request) return await HttpExchange.PostAsync(_client, request, _sendTimeout, _trust, _secrets, delivered: null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return default;
    }

    private HttpContent Content(TransportBatch batch)
    {
        ReadOnlyMemory<byte> body = HttpBatchFormats.Render(_format, batch.Lines);
        HttpContent content;
        if (_gzip)
        {
            var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(body.Span);
            content = new ByteArrayContent(compressed.GetBuffer(), 0, (int)compressed.Length);
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(body);
        }
        content.Headers.ContentType = new MediaTypeHeaderValue(HttpBatchFormats.MediaType(_format));
        return content;
    }
}
