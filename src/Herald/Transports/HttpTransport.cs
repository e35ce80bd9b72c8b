using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Net;
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
/// backoff and jitter); 429 and 503 honour <c>Retry-After</c>; any other 4xx drops the batch as poison, counted,
/// with the status code in <c>worker_error</c>. A batch the collector half-processed before failing is sent again
/// whole: at-least-once, duplicates identified by the envelope <c>id</c>. One <see cref="HttpClient"/> and handler
/// for the transport's lifetime, at most two connections. The token never appears in errors, status or logs: the
/// collector's reason phrase and error messages are scrubbed (<see cref="ServerText"/>); bodies and headers other
/// than <c>Retry-After</c> are never read.
/// </remarks>
public sealed class HttpTransport : ITransport
{
    private const int MaxConnections = 2;
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly HttpBatchFormat _format;
    private readonly bool _gzip;
    private readonly TimeSpan _sendTimeout;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly CertificateTrust _trust;
    private readonly string? _token;

    /// <summary>Creates the transport from <c>telemetry.transport</c>.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an http(s) URL, the token variable is not set, or the TLS settings cannot be used.</exception>
    public HttpTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = ParseEndpoint(options.Endpoint);
        _format = HttpBatchFormats.Parse(options.Format);
        _gzip = options.Compression == TelemetryConfigRules.Gzip;
        _sendTimeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds);
        _token = BearerToken.FromEnvironment(options.AuthTokenEnv);
        if (_token is not null) _authorization = new AuthenticationHeaderValue("Bearer", _token);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = MaxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = _sendTimeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _trust = CertificateTrust.From(options); // the system store unless tls_ca_file or tls_pin_sha256; explains refusals
        handler.SslOptions.RemoteCertificateValidationCallback = _trust.Validate;
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc />
    public string Provider => "http";

    /// <inheritdoc />
    public bool AuthEnabled => _authorization is not null;

    /// <inheritdoc />
    public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_sendTimeout);
        try
        {
            _trust.Forget();
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = Content(batch) };
            request.Headers.Authorization = _authorization;
            using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return Classify(response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Transient($"POST {_endpoint.GetLeftPart(UriPartial.Path)} timed out after {_sendTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException ex)
        {
            if (_trust.Explain(ex, _endpoint.GetLeftPart(UriPartial.Authority)) is { } refused) return SendResult.Transient(refused);
            return SendResult.Transient(ServerText.Describe(ex, _token)); // may quote a malformed status line or header
        }
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

    private SendResult Classify(HttpResponseMessage response)
    {
        int code = (int)response.StatusCode;
        if (code is >= 200 and < 300) return SendResult.Success;
        // The reason phrase is the collector's text: it may echo the token or a credential.
        string reason = ServerText.Scrub(response.ReasonPhrase, _token);
        string status = reason.Length == 0 ? $"HTTP {code}" : $"HTTP {code} {reason}";
        if (code is 429 or 503) return SendResult.Transient(status, RetryAfter(response));
        if (code == 408 || code >= 500) return SendResult.Transient(status);
        return SendResult.Permanent(status + ": the collector refused the batch; dropped as poison");
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retry = response.Headers.RetryAfter;
        if (retry?.Delta is { } delta) return delta;
        if (retry?.Date is { } date) return date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
        return null;
    }

    private static Uri ParseEndpoint(string? endpoint)
    {
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        throw new ArgumentException($"endpoint '{endpoint}' is not an http(s) URL.", nameof(endpoint));
    }
}
