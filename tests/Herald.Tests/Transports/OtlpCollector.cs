using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Herald.Tests.Transports;

/// <summary>
/// A real OTLP/HTTP logs receiver (Kestrel on 127.0.0.1, a free port) for the otlp transport's tests: records each
/// request to <c>/v1/logs</c> (headers, body after gzip, arrival time) and answers as <see cref="Respond"/> says.
/// </summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpCollector(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The collector's base URL (the transport appends <c>/v1/logs</c>).</summary>
    public string BaseUrl { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Given the request number: the status, an optional Retry-After (as sent), and an optional body with its content type.</summary>
    public Func<int, Answer> Respond { get; set; } = _ => new Answer(200);

    public static async Task<OtlpCollector> StartAsync()
    {
        WebApplication app = LoopbackKestrel.Build();
        OtlpCollector? collector = null;
        app.MapPost("/v1/logs", async context =>
        {
            Stream body = context.Request.Headers.ContentEncoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy);
            int n = collector!.Requests.Count;
            collector.Requests.Enqueue(new Received(DateTime.UtcNow, context.Request.ContentType, context.Request.Headers.ContentEncoding.ToString(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), copy.ToArray()));
            Answer answer = collector.Respond(n);
            if (answer.RetryAfter is { } retry) context.Response.Headers.RetryAfter = retry;
            context.Response.StatusCode = answer.Status;
            if (answer.Body is { } bytes)
            {
                context.Response.ContentType = answer.ContentType;
                await context.Response.Body.WriteAsync(bytes);
            }
        });
        await app.StartAsync();
        collector = new OtlpCollector(app, app.Urls.First());
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Answer(int Status, string? RetryAfter = null, byte[]? Body = null, string? ContentType = null);

    public sealed record Received(DateTime At, string? ContentType, string ContentEncoding, Dictionary<string, string> Headers, byte[] Body);
}
