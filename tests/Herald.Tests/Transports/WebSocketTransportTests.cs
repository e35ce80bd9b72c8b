using System.Net.WebSockets;
using System.Text.Json;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Transports;

/// <summary>The websocket transport against a Kestrel WebSocket server on 127.0.0.1.</summary>
public sealed class WebSocketTransportTests
{
    private static TelemetryOptions Ws(string url, string? tokenEnv = null, int sendTimeoutSeconds = 5)
    {
        TelemetryOptions options = Options(BackpressureMode.Block, maxBatch: 100, blockTimeout: 30, retryLimit: 1000);
        return options with
        {
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            Transport = options.Transport with { Type = "websocket", Endpoint = url, AuthTokenEnv = tokenEnv, SendTimeoutSeconds = sendTimeoutSeconds },
        };
    }

    private static long TickOf(string line) => JsonDocument.Parse(line).RootElement.GetProperty("payload").GetProperty("tick").GetInt64();

    [Fact]
    public async Task Batches_arrive_as_text_messages_and_shutdown_closes_with_the_handshake()
    {
        string variable = "HERALD_TEST_WS_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "ws-secret");
        try
        {
            await using WebSocketCollector server = await WebSocketCollector.StartAsync();
            TransportStatus status;
            // A generous send timeout: on a loaded CI machine a 5 s timeout could fire, reconnect and resend a
            // batch (at-least-once), which is correct behaviour but not what this test is about.
            await using (var publisher = TelemetryPublisher.Create(Ws(server.Url, variable, sendTimeoutSeconds: 60)))
            {
                for (int i = 0; i < 1_000; i++) publisher.Emit(Tick(i));
                await publisher.FlushAsync();
                status = publisher.TransportStatus;
            }
            await Eventually(() => server.AllConnectionsEnded, "every connection to end", timeoutMs: 30_000);

            Assert.True(status.SendFailuresTotal == 0, $"send failures: {status.SendFailuresTotal}, last error: {status.WorkerError}");
            Assert.True(server.Faults.IsEmpty, "connections dropped: " + string.Join("; ", server.Faults));
            Assert.Equal(1_000, status.PayloadsFlushedTotal);
            Assert.True(status.AuthEnabled);
            Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), server.Lines.Select(TickOf));
            Assert.All(server.Messages, m => Assert.True(m.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 100));
            Assert.Equal(WebSocketCloseStatus.NormalClosure, Assert.Single(server.Closes));
            Assert.Equal("Bearer ws-secret", Assert.Single(server.Authorizations));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_server_restart_reconnects_and_block_mode_loses_nothing()
    {
        WebSocketCollector server = await WebSocketCollector.StartAsync();
        int port = server.Port;
        var lines = new List<string>();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Ws(server.Url)))
        {
            for (int i = 0; i < 500; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            await Eventually(() => server.LineCount == 500, "the first 500 lines");
            lines.AddRange(server.Lines);
            await server.DisposeAsync(); // the server goes away (Kestrel closes its sockets)

            for (int i = 500; i < 1_000; i++) publisher.Emit(Tick(i));
            publisher.Tick(1);
            await Eventually(() => publisher.TransportStatus.SendFailuresTotal > 0, "a failed send while the server is down");

            server = await WebSocketCollector.StartAsync(port);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.FlushAsync(cts.Token);
            await Eventually(() => server.LineCount >= 500, "the rest after the restart");
            status = publisher.TransportStatus;
        }
        lines.AddRange(server.Lines);
        await server.DisposeAsync();

        Assert.Equal(1_000, status.PayloadsFlushedTotal);
        Assert.Equal(0, status.DroppedMessages);
        Assert.Equal(1_000, lines.Select(TickOf).ToHashSet().Count);
    }
}
