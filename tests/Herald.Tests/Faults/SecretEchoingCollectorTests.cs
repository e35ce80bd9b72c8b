using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Herald.Tests.Runtime;
using Herald.Tests.Transports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Faults;

/// <summary>
/// HTTP collectors that echo the bearer token back — in the reason phrase, the body, response headers, a malformed
/// status line — while refusing every batch: the token appears nowhere in status, logs or stderr, the worker error
/// still names the status, and every event is accounted for.
/// </summary>
[Collection(nameof(ConsoleErrorCollection))]
public sealed class SecretEchoingCollectorTests
{
    private const int Events = 20;

    private static TelemetryOptions Http(string url, string tokenEnv)
    {
        TelemetryOptions options = Options(retryLimit: 2);
        return options with { Transport = options.Transport with { Type = "http", Endpoint = url, AuthTokenEnv = tokenEnv, SendTimeoutSeconds = 5 } };
    }

    /// <summary>Emits, flushes and disposes; returns the status before and after disposal.</summary>
    internal static async Task<(TransportStatus During, TransportStatus Final)> Publish(TelemetryOptions options, CanaryToken canary, int events = Events)
    {
        var publisher = TelemetryPublisher.Create(options, canary.Logger);
        TransportStatus during;
        try
        {
            for (int i = 0; i < events; i++) publisher.Emit(Tick(i));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.FlushAsync(cts.Token);
            during = publisher.TransportStatus;
        }
        finally
        {
            await publisher.DisposeAsync();
        }
        return (during, publisher.TransportStatus);
    }

    internal static void AssertAllDropped(TransportStatus final, int events = Events)
    {
        Assert.Equal(events, final.EventsEmitted);
        Assert.Equal((0L, (long)events, 0L), (final.PayloadsFlushedTotal, final.DroppedMessages, final.QueueLength));
        Assert.Equal(final.EventsEmitted, final.PayloadsFlushedTotal + final.DroppedMessages + final.QueueLength);
    }

    /// <summary>Answers every request with <paramref name="status"/>, the token echoed everywhere a server can put it.</summary>
    internal static async Task<WebApplication> EchoingServer(string path, int status, string reason, string token, ICollection<string> authorizations)
    {
        WebApplication app = LoopbackKestrel.Build();
        app.Map(path, async context =>
        {
            lock (authorizations) authorizations.Add(context.Request.Headers.Authorization.ToString());
            context.Response.StatusCode = status;
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = $"{reason} Bearer {token}";
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"herald\", error=\"invalid_token\", token=\"{token}\"";
            context.Response.Headers["X-Echo-Token"] = token;
            context.Response.Headers.SetCookie = $"session={token}; Path=/";
            if (status is 429 or 503) context.Response.Headers.RetryAfter = "0";
            await context.Response.WriteAsync($"{{\"error\":\"invalid token\",\"token\":\"{token}\",\"authorization\":\"Bearer {token}\"}}");
        });
        await app.StartAsync();
        return app;
    }

    [Theory]
    [InlineData(401, "Unauthorized", "HTTP 401 Unauthorized Bearer [REDACTED]: the collector refused the batch; dropped as poison")]
    [InlineData(429, "Too Many Requests", "HTTP 429 Too Many Requests Bearer [REDACTED]")]
    [InlineData(503, "Service Unavailable", "HTTP 503 Service Unavailable Bearer [REDACTED]")]
    public async Task A_collector_echoing_the_token_never_gets_it_into_status_logs_or_stderr(int code, string reason, string expectedError)
    {
        using var canary = new CanaryToken();
        var authorizations = new List<string>();
        await using WebApplication server = await EchoingServer("/ingest", code, reason, canary.Value, authorizations);
        string url = server.Urls.First() + "/ingest";

        // The attack is real: the token went out, and the server's answer carries it back in each place.
        using (var client = new HttpClient())
        using (HttpResponseMessage echo = await client.PostAsync(url, new StringContent("")))
        {
            Assert.Equal($"{reason} Bearer {canary.Value}", echo.ReasonPhrase);
            Assert.Contains(canary.Value, echo.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains(canary.Value, await echo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (during, final) = await Publish(Http(url, canary.Variable), canary);

        Assert.Contains("Bearer " + canary.Value, authorizations);
        Assert.Equal(expectedError, WithoutPause(during.WorkerError));
        Assert.Equal(expectedError, WithoutPause(final.WorkerError));
        Assert.Equal(expectedError, WithoutPause(Assert.Single(final.Transports).WorkerError));
        Assert.Equal(code == 401 ? 1 : 3, final.SendFailuresTotal); // poison: no retry; transient: 1 + 2 retries
        AssertAllDropped(final);
        canary.AssertNowhere(during, final);
    }

    [Theory]
    [InlineData("HTTP/1.1_401 TOKEN\r\nContent-Length: 0\r\n\r\n", "HttpRequestException: Received an invalid status line: 'HTTP/1.1_401 [REDACTED]'.")]
    [InlineData("HTTP/1.1 401 Unauthorized\r\nTOKEN was refused\r\nContent-Length: 0\r\n\r\n", "HttpRequestException: Received an invalid header line: '[REDACTED] was refused '.")] // its CR became a space
    public async Task A_malformed_response_quoting_the_token_is_scrubbed_from_the_exception_message(string response, string expectedError)
    {
        using var canary = new CanaryToken();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        Task serving = ServeMalformed(listener, response.Replace("TOKEN", canary.Value, StringComparison.Ordinal), stop.Token);
        TelemetryOptions options = Http($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/ingest", canary.Variable);

        var (during, final) = await Publish(options, canary);
        stop.Cancel();
        listener.Stop();
        await serving;

        Assert.Equal(expectedError, WithoutPause(final.WorkerError)); // the exception quoted the response; the token was cut out
        AssertAllDropped(final);
        canary.AssertNowhere(during, final);
    }

    /// <summary>Reads each request (headers and Content-Length body) and answers <paramref name="response"/> verbatim.</summary>
    private static async Task ServeMalformed(TcpListener listener, string response, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    NetworkStream stream = client.GetStream();
                    var received = new MemoryStream();
                    var buffer = new byte[8192];
                    int headerEnd = -1;
                    long contentLength = 0;
                    while (headerEnd < 0 || received.Length < headerEnd + contentLength)
                    {
                        int read = await stream.ReadAsync(buffer, stop);
                        if (read == 0) break;
                        received.Write(buffer, 0, read);
                        if (headerEnd >= 0) continue;
                        string text = Encoding.ASCII.GetString(received.GetBuffer(), 0, (int)received.Length);
                        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        if (end < 0) continue;
                        headerEnd = end + 4;
                        string? length = text[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                        contentLength = length is null ? 0 : long.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), stop);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                    // The client gave up on this connection; the next one is served.
                }
            }
        }
    }

    /// <summary>The error without the drop modes' circuit note (<c> (sends paused for N s ...)</c>), which has no server text.</summary>
    private static string? WithoutPause(string? error) => error is null ? null : System.Text.RegularExpressions.Regex.Replace(error, @" \(sends paused for [^)]*\)$", "");
}
