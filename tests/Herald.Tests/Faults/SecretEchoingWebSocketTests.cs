using System.Collections.Concurrent;
using System.Net.WebSockets;
using Herald.Tests.Runtime;
using Herald.Tests.Transports;
using Microsoft.AspNetCore.Builder;
using static Herald.Tests.Faults.SecretEchoingCollectorTests;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Faults;

/// <summary>
/// WebSocket servers that echo the bearer token: one rejects the handshake with it in the reason phrase, headers
/// and body; one closes each connection with it in the close description. The token appears nowhere; the ledger holds.
/// </summary>
[Collection(nameof(ConsoleErrorCollection))]
public sealed class SecretEchoingWebSocketTests
{
    private static TelemetryOptions Ws(string url, string tokenEnv, int retryLimit)
    {
        TelemetryOptions options = Options(retryLimit: retryLimit);
        return options with { Transport = options.Transport with { Type = "websocket", Endpoint = url, AuthTokenEnv = tokenEnv, SendTimeoutSeconds = 5 } };
    }

    [Fact]
    public async Task A_handshake_refused_with_the_token_in_the_answer_reports_the_status_only()
    {
        using var canary = new CanaryToken();
        var authorizations = new List<string>();
        await using WebApplication server = await EchoingServer("/ws", 401, "Unauthorized", canary.Value, authorizations);
        string url = server.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";

        var (during, final) = await Publish(Ws(url, canary.Variable, retryLimit: 2), canary);

        Assert.Contains("Bearer " + canary.Value, authorizations);
        Assert.Equal("WebSocketException: The server returned status code '401' when status code '101' was expected.", WithoutPause(final.WorkerError));
        Assert.Equal(3, final.SendFailuresTotal);
        AssertAllDropped(final);
        canary.AssertNowhere(during, final);
    }

    [Fact]
    public async Task A_close_with_the_token_in_its_description_is_reported_scrubbed_and_the_batch_retried()
    {
        using var canary = new CanaryToken();
        var closed = new ConcurrentQueue<string>();
        var lines = new ConcurrentQueue<string>();
        WebApplication server = LoopbackKestrel.Build();
        server.UseWebSockets();
        server.Map("/ws", async context =>
        {
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[64 * 1024];
            WebSocketReceiveResult message = await socket.ReceiveAsync(buffer, context.RequestAborted);
            foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, message.Count).Split('\n', StringSplitOptions.RemoveEmptyEntries)) lines.Enqueue(line);
            // Completes once the client's answering close frame arrived: the client has seen this close.
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, $"revoked: {canary.Value}", context.RequestAborted);
            closed.Enqueue(context.Request.Headers.Authorization.ToString());
        });
        await server.StartAsync();
        string url = server.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";

        TransportStatus afterClose, final;
        var publisher = TelemetryPublisher.Create(Ws(url, canary.Variable, retryLimit: 5), canary.Logger);
        try
        {
            for (int i = 0; i < 5; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            await Eventually(() => closed.Count == 1, "the server to close the first connection");
            for (int i = 5; i < 10; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            afterClose = publisher.TransportStatus;
        }
        finally
        {
            await publisher.DisposeAsync();
            await server.StopAsync();
            await server.DisposeAsync();
        }
        final = publisher.TransportStatus;

        Assert.Equal("Bearer " + canary.Value, closed.First());
        Assert.Equal("the server closed the connection: 1008 PolicyViolation: revoked: [REDACTED]", afterClose.WorkerError);
        Assert.Equal(1, afterClose.SendFailuresTotal); // one attempt reports the close; its retry reconnects
        Assert.Equal(10, lines.Count);
        Assert.Equal((10L, 10L, 0L, 0L), (final.EventsEmitted, final.PayloadsFlushedTotal, final.DroppedMessages, final.QueueLength));
        canary.AssertNowhere(afterClose, final);
    }

    /// <summary>The error without the drop modes' circuit note (<c> (sends paused for N s ...)</c>), which has no server text.</summary>
    private static string? WithoutPause(string? error) => error is null ? null : System.Text.RegularExpressions.Regex.Replace(error, @" \(sends paused for [^)]*\)$", "");
}
