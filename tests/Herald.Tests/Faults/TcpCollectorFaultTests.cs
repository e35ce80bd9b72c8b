using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Faults;

/// <summary>
/// The tcp transport against collectors that misbehave for real: one that accepts and never reads, and one in its own
/// process that is killed with SIGKILL and started again on the same port. Counted as flushed means acknowledged by
/// the collector's side; what was cut off is sent again (block mode) and counted as resent.
/// </summary>
public sealed class TcpCollectorFaultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-tcp-faults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TelemetryOptions Tcp(int port, BackpressureMode mode, int batch = 20, int maxBufferBytes = 1 << 20) => new()
    {
        Transport = new TransportOptions
        {
            Type = "tcp",
            Endpoint = $"127.0.0.1:{port}",
            SendTimeoutSeconds = 0.5,
            WorkerPollSeconds = 0.05,
            Buffer = new BufferOptions { MaxBatchSize = batch, MaxBufferBytes = maxBufferBytes },
            Worker = new WorkerOptions { Backpressure = mode, SendRetryLimit = 1, BlockTimeoutSeconds = 30 },
        },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task A_collector_that_accepts_and_never_reads_gets_nothing_counted_as_flushed()
    {
        await using var collector = new SilentCollector();
        int port = collector.Port;

        // 512 loop.tick lines (~128 KB) per batch, a 256 KiB buffer: the bound the publisher keeps whatever the collector does.
        var (stuck, final) = await SilentCollector.FloodAsync(TelemetryPublisher.Create(Tcp(port, BackpressureMode.DropOldest, batch: 512, maxBufferBytes: 256 * 1024)));

        Assert.Equal(0, stuck.PayloadsFlushedTotal);
        Assert.Contains("did not acknowledge", stuck.WorkerError);
        Assert.InRange(stuck.QueueLength, 0, 2_000);  // ~256 KiB of lines plus the emit queue: bounded, not 20,000
        Assert.InRange(collector.Connections, 1, 6);  // the circuit: one connection per cool-down, not one per batch
        Assert.Equal((20_000L, 0L, 20_000L, 0L), (final.EventsEmitted, final.PayloadsFlushedTotal, final.DroppedMessages, final.QueueLength));
    }

    [Fact]
    public async Task Block_mode_delivers_everything_across_a_collector_killed_with_SIGKILL_and_restarted()
    {
        string firstFile = Path.Combine(_dir, "first.jsonl"), secondFile = Path.Combine(_dir, "second.jsonl");
        using Process first = StartCollector(0, firstFile, out int port);
        var publisher = TelemetryPublisher.Create(Tcp(port, BackpressureMode.Block));
        for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));
        await Eventually(() => Lines(firstFile).Count == 100, "the collector to store what was acknowledged");

        first.Kill(); // SIGKILL
        await first.WaitForExitAsync();
        for (int i = 100; i < 200; i++) publisher.Emit(Tick(i));
        Assert.False(await publisher.FlushAsync(TimeSpan.FromSeconds(1.5)), "nothing listens: the flush cannot complete");
        Assert.Equal(0, publisher.TransportStatus.DroppedMessages);

        using Process second = StartCollector(port, secondFile, out _);
        try
        {
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(20)), "everything is sent once the collector is back");
            await publisher.DisposeAsync();
            TransportStatus status = publisher.TransportStatus;
            await Eventually(() => Lines(secondFile).Count >= 100, "the second collector to store its lines");

            List<long> received = Lines(firstFile).Concat(Lines(secondFile)).ToList();
            Assert.Equal((200L, 200L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages));
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), received.Distinct().Order());
            Assert.True(received.Count - 200 <= status.ResentMessages, $"{received.Count - 200} duplicates, {status.ResentMessages} counted as resent");
        }
        finally
        {
            second.Kill();
        }
    }

    [Theory]
    [InlineData(BackpressureMode.DropOldest)]
    [InlineData(BackpressureMode.FanOut)]
    public async Task Drop_modes_count_what_a_killed_collector_missed_as_dropped_and_flushed_only_what_arrived(BackpressureMode mode)
    {
        string firstFile = Path.Combine(_dir, "first.jsonl"), secondFile = Path.Combine(_dir, "second.jsonl");
        using Process first = StartCollector(0, firstFile, out int port);
        var publisher = TelemetryPublisher.Create(Tcp(port, mode));
        for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));
        await Eventually(() => Lines(firstFile).Count == 100, "the collector to store what was acknowledged");

        first.Kill();
        await first.WaitForExitAsync();
        for (int i = 100; i < 200; i++) publisher.Emit(Tick(i));
        await Eventually(() => publisher.TransportStatus.DroppedMessages > 0, "the dead collector's batches to be given up");

        using Process second = StartCollector(port, secondFile, out _);
        try
        {
            // Back: batches are dropped unsent until the circuit's cool-down passes, then delivered again.
            long next = await FaultKit.EmitUntilDeliveredAsync(publisher, 200, () => Lines(secondFile).Count > 0);
            for (int i = 0; i < 20; i++) publisher.Emit(Tick(next++));
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(20)));
            await publisher.DisposeAsync();
            TransportStatus status = publisher.TransportStatus;
            await Eventually(() => Lines(firstFile).Count + Lines(secondFile).Count >= status.PayloadsFlushedTotal, "the collectors to store their lines");

            var received = Lines(firstFile).Concat(Lines(secondFile)).ToHashSet();
            Assert.Equal(next, status.EventsEmitted);
            Assert.Equal(status.EventsEmitted, status.PayloadsFlushedTotal + status.DroppedMessages);
            Assert.Equal(status.PayloadsFlushedTotal, received.Count); // counted as flushed = arrived
            Assert.Contains(next - 1, received);
        }
        finally
        {
            second.Kill();
        }
    }

    [Fact]
    public async Task A_slow_reader_gets_everything_in_order_and_flushed_counts_what_it_read()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.ReceiveBufferSize = 8192;
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var received = new System.Text.StringBuilder();
        using var stop = new CancellationTokenSource();
        Task reading = Task.Run(async () =>
        {
            using Socket client = await listener.AcceptAsync(stop.Token);
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    int n = await client.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                    if (n == 0) return;
                    lock (received) received.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
                    await Task.Delay(5, stop.Token); // ~800 KB/s: far slower than the game emits
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        TelemetryOptions options = Tcp(port, BackpressureMode.Block, batch: 100);
        options = options with { Transport = options.Transport with { SendTimeoutSeconds = 5 } };

        var publisher = TelemetryPublisher.Create(options);
        for (int i = 0; i < 5_000; i++) publisher.Emit(Tick(i));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(60)));
        await publisher.DisposeAsync();
        TransportStatus status = publisher.TransportStatus;
        await Eventually(() => { lock (received) return received.ToString().Count(c => c == '\n') == 5_000; }, "the slow reader to read every line");
        await stop.CancelAsync();
        await reading;

        Assert.Equal((5_000L, 5_000L, 0L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages, status.ResentMessages));
        string text;
        lock (received) text = received.ToString();
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => (long)i),
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()));
    }

    private static List<long> Lines(string file)
    {
        if (!File.Exists(file)) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var ticks = new List<long>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) ticks.Add(JsonDocument.Parse(line).RootElement.GetProperty("payload").GetProperty("tick").GetInt64());
        }
        return ticks;
    }

    /// <summary>A line collector in its own process (python3), storing every complete line it reads; port 0 picks one.</summary>
    private Process StartCollector(int port, string file, out int boundPort)
    {
        string script = Path.Combine(_dir, "collector.py");
        File.WriteAllText(script, """
            import socket, sys, threading
            out = open(sys.argv[2], 'ab', buffering=0)
            lock = threading.Lock()
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(('127.0.0.1', int(sys.argv[1])))
            server.listen(16)
            print(server.getsockname()[1], flush=True)
            def serve(conn):
                pending = b''
                while True:
                    data = conn.recv(65536)
                    if not data:
                        return
                    pending += data
                    *lines, pending = pending.split(b'\n')
                    with lock:
                        for line in lines:
                            out.write(line + b'\n')
            while True:
                conn, _ = server.accept()
                threading.Thread(target=serve, args=(conn,), daemon=True).start()
            """);
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(file);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        string? line = process.StandardOutput.ReadLine();
        if (line is null || !int.TryParse(line, out boundPort))
            throw new InvalidOperationException("the collector did not start: " + process.StandardError.ReadToEnd());
        return process;
    }
}

/// <summary>The websocket transport against a server that completes the upgrade and then never reads.</summary>
public sealed class WebSocketCollectorFaultTests
{
    [Fact]
    public async Task A_websocket_server_that_upgrades_and_never_reads_gets_nothing_counted_as_flushed()
    {
        await using var collector = new SilentCollector(UpgradeAsync);
        int port = collector.Port;
        var options = new TelemetryOptions
        {
            Transport = new TransportOptions
            {
                Type = "websocket", Endpoint = $"ws://127.0.0.1:{port}/", SendTimeoutSeconds = 0.5, WorkerPollSeconds = 0.05,
                Buffer = new BufferOptions { MaxBatchSize = 512, MaxBufferBytes = 256 * 1024 },
                Worker = new WorkerOptions { Backpressure = BackpressureMode.DropOldest, SendRetryLimit = 1 },
            },
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };

        var (stuck, final) = await SilentCollector.FloodAsync(TelemetryPublisher.Create(options));

        Assert.True(collector.Connections >= 1, "the transport connected");
        Assert.Equal(0, stuck.PayloadsFlushedTotal);
        Assert.Matches("did not acknowledge|timed out", stuck.WorkerError ?? "");
        Assert.Equal(final.EventsEmitted, final.PayloadsFlushedTotal + final.DroppedMessages + final.QueueLength);
        Assert.Equal((20_000L, 0L), (final.EventsEmitted, final.PayloadsFlushedTotal));
    }

    /// <summary>Answers the client's HTTP upgrade request with 101 (RFC 6455 §4.2.2).</summary>
    private static async Task UpgradeAsync(Socket client)
    {
        var request = new System.Text.StringBuilder();
        var buffer = new byte[1];
        while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await client.ReceiveAsync(buffer, SocketFlags.None) == 0) return;
            request.Append((char)buffer[0]);
        }
        string key = request.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
        string accept = Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        await client.SendAsync(System.Text.Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), SocketFlags.None);
    }
}

/// <summary>
/// A collector on 127.0.0.1 that accepts connections (after an optional handshake) and never reads from them. Its
/// sockets' receive buffer is 4 KiB, so the window holds a few lines and never a whole batch.
/// </summary>
internal sealed class SilentCollector : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SilentCollector(Func<Socket, Task>? handshake = null)
    {
        _listener.ReceiveBufferSize = 4096; // inherited by accepted sockets
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    Socket client = await _listener.AcceptAsync(_stop.Token);
                    lock (_accepted) _accepted.Add(client);
                    if (handshake is not null) await handshake(client);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        });
    }

    public int Port { get; }

    /// <summary>
    /// 20,000 loop.tick in bursts of 2,000 every 200 ms, then a second for the worker: the status then, and after disposal.
    /// </summary>
    public static async Task<(TransportStatus Stuck, TransportStatus Final)> FloodAsync(TelemetryPublisher publisher)
    {
        for (int i = 0; i < 20_000; i++)
        {
            publisher.Emit(Tick(i));
            if (i % 2_000 == 1_999) await Task.Delay(200);
        }
        await Task.Delay(1_000);
        TransportStatus stuck = publisher.TransportStatus;
        await publisher.DisposeAsync();
        return (stuck, publisher.TransportStatus);
    }

    public int Connections
    {
        get
        {
            lock (_accepted) return _accepted.Count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _accepting;
        lock (_accepted) foreach (Socket s in _accepted) s.Dispose();
        _listener.Dispose();
        _stop.Dispose();
    }
}
