using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>
/// What the http and otlp transports share: one client per transport (at most two connections, the TLS trust of
/// <see cref="CertificateTrust"/>), one POST bounded by <c>send_timeout_seconds</c>, and the classification of its
/// outcome — 2xx delivered; 429, 502, 503 and 504 transient and honouring <c>Retry-After</c> (seconds or an HTTP
/// date); 408 and other 5xx transient; any other status permanent; timeouts and connection errors transient. Text the
/// server controls is scrubbed of the transport's secrets (<see cref="ServerText"/>).
/// </summary>
internal static class HttpExchange
{
    private const int MaxConnections = 2;

    /// <summary>A client for one transport's lifetime; <paramref name="trust"/> validates the server's certificate.</summary>
    public static HttpClient CreateClient(TimeSpan sendTimeout, CertificateTrust trust)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = MaxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = sendTimeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Sends <paramref name="request"/> and classifies the answer; on a 2xx, <paramref name="delivered"/> (when given)
    /// reads the response and decides. Never throws for a timeout or a connection error: those are transient results.
    /// </summary>
    public static async ValueTask<SendResult> PostAsync(HttpClient client, HttpRequestMessage request, TimeSpan sendTimeout, CertificateTrust trust,
        IReadOnlyList<string> secrets, Func<HttpResponseMessage, CancellationToken, Task<SendResult>>? delivered, CancellationToken cancellationToken)
    {
        Uri endpoint = request.RequestUri!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(sendTimeout);
        try
        {
            trust.Forget();
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (delivered is not null && response.IsSuccessStatusCode) return await delivered(response, timeout.Token).ConfigureAwait(false);
            return Classify(response, secrets);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Transient($"POST {ServerText.Endpoint(endpoint, UriPartial.Path)} timed out after {sendTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException ex)
        {
            if (trust.Explain(ex, ServerText.Endpoint(endpoint, UriPartial.Authority)) is { } refused) return SendResult.Transient(refused);
            return SendResult.Transient(ServerText.DescribeAll(ex, secrets)); // may quote a malformed status line or header
        }
    }

    /// <summary>Reads the response body into <paramref name="buffer"/> (what does not fit is not read); returns the bytes read.</summary>
    public static async Task<int> ReadBodyAsync(HttpResponseMessage response, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using System.IO.Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        int read = 0, got;
        while (read < buffer.Length && (got = await stream.ReadAsync(buffer.Slice(read), cancellationToken).ConfigureAwait(false)) > 0) read += got;
        return read;
    }

    /// <summary>The outcome a status code means; the reason phrase is the server's text and is scrubbed.</summary>
    public static SendResult Classify(HttpResponseMessage response, IReadOnlyList<string> secrets)
    {
        int code = (int)response.StatusCode;
        if (code is >= 200 and < 300) return SendResult.Success;
        string reason = ServerText.ScrubAll(response.ReasonPhrase, secrets);
        string status = reason.Length == 0 ? $"HTTP {code}" : $"HTTP {code} {reason}";
        if (code is 429 or 502 or 503 or 504) return SendResult.Transient(status, RetryAfter(response));
        if (code == 408 || code >= 500) return SendResult.Transient(status);
        return SendResult.Permanent(status + ": the collector refused the batch; dropped as poison");
    }

    /// <summary><c>Retry-After</c> as a delay (seconds, or an HTTP date from now; a date in the past is no wait), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retry = response.Headers.RetryAfter;
        if (retry?.Delta is { } delta) return delta;
        if (retry?.Date is { } date) return date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
        return null;
    }

    /// <summary>The endpoint as an absolute http(s) URL.</summary>
    /// <exception cref="ArgumentException">It is not one.</exception>
    public static Uri ParseEndpoint(string? endpoint)
    {
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        throw new ArgumentException($"endpoint '{endpoint}' is not an http(s) URL.", nameof(endpoint));
    }
}
