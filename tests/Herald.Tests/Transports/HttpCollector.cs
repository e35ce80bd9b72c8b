using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Herald.Tests.Transports;

/// <summary>
/// A real HTTP collector (Kestrel on 127.0.0.1, a free port) for the http transport's tests: records each request's
/// headers, decoded body and arrival time, and answers with what <see cref="Respond"/> says (200 by default).
/// </summary>
internal sealed class HttpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpCollector(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Given the request number (0-based), the status code and an optional Retry-After in seconds.</summary>
    public Func<int, (int Status, int? RetryAfterSeconds)> Respond { get; set; } = _ => (200, null);

    /// <summary>Delay before each answer (a slow collector).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<HttpCollector> StartAsync(int port = 0)
    {
        WebApplication app = LoopbackKestrel.Build(port);
        HttpCollector? collector = null;
        app.MapPost("/ingest", async context =>
        {
            Stream body = context.Request.Headers.ContentEncoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
            using var reader = new StreamReader(body, Encoding.UTF8);
            string text = await reader.ReadToEndAsync();
            int n = collector!.Requests.Count;
            collector.Requests.Enqueue(new Received(DateTime.UtcNow, context.Request.ContentType, context.Request.Headers.ContentEncoding.ToString(),
                context.Request.Headers.Authorization.ToString(), text));
            if (collector.Delay > TimeSpan.Zero) await Task.Delay(collector.Delay);
            (int status, int? retryAfter) = collector.Respond(n);
            if (retryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        collector = new HttpCollector(app, app.Urls.First() + "/ingest");
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Received(DateTime At, string? ContentType, string ContentEncoding, string Authorization, string Body);
}
