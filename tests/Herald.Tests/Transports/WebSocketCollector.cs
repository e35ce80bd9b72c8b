using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Herald.Tests.Transports;

/// <summary>A real WebSocket server (Kestrel on 127.0.0.1) that records text messages and how each connection closed.</summary>
internal sealed class WebSocketCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebSocketCollector(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<string> Messages { get; } = new();

    public ConcurrentQueue<WebSocketCloseStatus?> Closes { get; } = new();

    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>Why connections ended without a handshake, for failure messages.</summary>
    public ConcurrentQueue<string> Faults { get; } = new();

    /// <summary>Every accepted connection has ended (handshake or not).</summary>
    public bool AllConnectionsEnded => !Authorizations.IsEmpty && Closes.Count >= Authorizations.Count;

    public static async Task<WebSocketCollector> StartAsync(int port = 0)
    {
        WebApplication app = LoopbackKestrel.Build(port);
        app.UseWebSockets();
        WebSocketCollector? collector = null;
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }
            collector!.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[64 * 1024];
            var message = new MemoryStream();
            try
            {
                while (true)
                {
                    WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        collector.Closes.Enqueue(result.CloseStatus);
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    }
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage) continue;
                    collector.Messages.Enqueue(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    message.SetLength(0);
                }
            }
            catch (Exception ex)
            {
                // Dropped without a handshake (WebSocketException, a cancelled RequestAborted, a reset connection):
                // recorded whatever the exception, so a test waiting for every connection to end never hangs.
                collector.Closes.Enqueue(null);
                collector.Faults.Enqueue(ex.GetType().Name + ": " + ex.Message);
            }
        });
        await app.StartAsync();
        string url = app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";
        collector = new WebSocketCollector(app, url);
        return collector;
    }

    public int Port => new Uri(Url).Port;

    public int LineCount => Messages.Sum(m => m.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

    public IEnumerable<string> Lines => Messages.SelectMany(m => m.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        await _app.DisposeAsync();
    }
}
