using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Herald.Events;
using Herald.Transports;
using Herald.Transports.Otlp;
using static Herald.Tests.Runtime.PublisherTestKit;
using static Herald.Tests.Transports.OtlpDecoder;

namespace Herald.Tests.Transports;

/// <summary>
/// The otlp transport against receivers that misbehave (bodies truncated, slow, huge or garbage on a 200; a hang; a
/// reset mid-request; a partial_success out of range) and against hostile payloads: the worker never crashes, the send
/// is classified as the OTLP specification says, and the ledger (emitted = flushed + dropped + queued) stays exact.
/// </summary>
public sealed class OtlpFaultTests
{
    private static TelemetryOptions Otlp(string endpoint, BackpressureMode mode = BackpressureMode.Block, int retryLimit = 2, double sendTimeout = 5,
        TimeSpan? shutdownTimeout = null, string? encoding = null)
    {
        TelemetryOptions options = Options(mode, maxBatch: 512, blockTimeout: 30, retryLimit: retryLimit, restartLimit: 0, shutdownTimeout: shutdownTimeout);
        return options with
        {
            Source = "otlp_faults",
            Transport = options.Transport with { Type = "otlp", Endpoint = endpoint, Encoding = encoding, SendTimeoutSeconds = sendTimeout },
        };
    }

    private static void AssertLedger(TransportStatus status, long emitted)
    {
        Assert.Equal(emitted, status.EventsEmitted);
        Assert.Equal(status.EventsEmitted, status.PayloadsFlushedTotal + status.DroppedMessages + status.QueueLength);
    }

    /// <summary>
    /// A raw HTTP/1.1 server on 127.0.0.1: reads each request whole (headers and Content-Length body), then lets
    /// the answer given to the constructor write whatever bytes it likes, and closes the connection.
    /// </summary>
    private sealed class RawHttpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _requests;

        public RawHttpServer(Func<int, NetworkStream, TcpClient, CancellationToken, Task> answer)
        {
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            try
                            {
                                NetworkStream stream = client.GetStream();
                                await ReadRequest(stream);
                                int n = Interlocked.Increment(ref _requests) - 1;
                                await answer(n, stream, client, _stop.Token);
                            }
                            catch (Exception)
                            {
                                // the client went away
                            }
                        }
                    });
                }
            });
        }

        public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Requests => Volatile.Read(ref _requests);

        private static async Task ReadRequest(NetworkStream stream)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one) == 0) throw new EndOfStreamException();
                head.Add(one[0]);
            }
            string text = Encoding.ASCII.GetString(head.ToArray());
            int length = 0;
            foreach (string line in text.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line.AsSpan(15).Trim());
            }
            var body = new byte[length];
            int read = 0;
            while (read < length)
            {
                int got = await stream.ReadAsync(body.AsMemory(read));
                if (got == 0) throw new EndOfStreamException();
                read += got;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel(); // ends the answers that hang too
            _listener.Stop();
            await _loop;
        }
    }

    private static Task Write(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private static async Task<TransportStatus> Run(TelemetryOptions options, int events)
    {
        var transport = new OtlpTransport(options.Transport, options, _ => null);
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(options, transport))
        {
            for (int i = 0; i < events; i++) publisher.Emit(Tick(i));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.FlushAsync(cts.Token);
            status = publisher.TransportStatus;
        }
        return status;
    }

    [Fact]
    public async Task A_200_whose_body_is_cut_short_is_a_delivery()
    {
        await using var server = new RawHttpServer(async (_, stream, _, _) =>
        {
            await Write(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\n\x0a\x05");
        });
        TransportStatus status = await Run(Otlp(server.BaseUrl), 10);
        AssertLedger(status, 10);
        Assert.Equal((10L, 0L, 0), (status.PayloadsFlushedTotal, status.DroppedMessages, status.WorkerRestartCount));
        Assert.Equal(1, server.Requests);
        Assert.True(status.WorkerAlive);
    }

    [Fact]
    public async Task A_200_whose_body_never_comes_is_a_delivery_within_the_send_timeout()
    {
        await using var server = new RawHttpServer(async (_, stream, _, stopping) =>
        {
            await Write(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\n");
            await Task.Delay(Timeout.Infinite, stopping);
        });
        var watch = Stopwatch.StartNew();
        TransportStatus status = await Run(Otlp(server.BaseUrl, sendTimeout: 1), 10);
        AssertLedger(status, 10);
        Assert.Equal((10L, 0L, 0), (status.PayloadsFlushedTotal, status.DroppedMessages, status.WorkerRestartCount));
        Assert.Equal(1, server.Requests); // not sent again: the receiver took it
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 10);
    }

    [Theory]
    [InlineData("application/x-protobuf")]
    [InlineData("application/json")]
    [InlineData("text/html")]
    public async Task A_200_with_a_garbage_or_huge_body_is_a_delivery(string contentType)
    {
        var garbage = new byte[4 << 20];
        new Random(7).NextBytes(garbage);
        await using var server = new RawHttpServer(async (_, stream, _, _) =>
        {
            await Write(stream, $"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {garbage.Length}\r\n\r\n");
            await stream.WriteAsync(garbage);
        });
        TransportStatus status = await Run(Otlp(server.BaseUrl), 10);
        AssertLedger(status, 10);
        Assert.Equal((10L, 0L, 0), (status.PayloadsFlushedTotal, status.DroppedMessages, status.WorkerRestartCount));
    }

    [Fact]
    public async Task A_connection_reset_mid_request_is_transient_and_retried()
    {
        await using var server = new RawHttpServer(async (n, stream, client, _) =>
        {
            if (n == 0)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close(); // RST
                return;
            }
            await Write(stream, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
        TransportStatus status = await Run(Otlp(server.BaseUrl), 10);
        AssertLedger(status, 10);
        Assert.Equal((10L, 0L, 1L), (status.PayloadsFlushedTotal, status.DroppedMessages, status.SendFailuresTotal));
    }

    [Fact]
    public async Task A_receiver_that_hangs_cannot_hold_shutdown_past_its_timeout_and_the_ledger_is_exact()
    {
        await using var server = new RawHttpServer(async (_, _, _, stopping) => await Task.Delay(Timeout.Infinite, stopping));
        TelemetryOptions options = Otlp(server.BaseUrl, sendTimeout: 60, shutdownTimeout: TimeSpan.FromSeconds(2));
        var transport = new OtlpTransport(options.Transport, options, _ => null);
        var publisher = TelemetryPublisher.Create(options, transport);
        for (int i = 0; i < 20; i++) publisher.Emit(Tick(i));
        await Eventually(() => server.Requests > 0, "the first request");
        var watch = Stopwatch.StartNew();
        await publisher.DisposeAsync();
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 6);
        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status, 20);
        Assert.Equal((0L, 20L, 0L), (status.PayloadsFlushedTotal, status.DroppedMessages, status.QueueLength));
    }

    [Theory]
    [InlineData(1000L, 10L, 0L)]  // more than the batch: all of it, no more
    [InlineData(-5L, 0L, 10L)]    // negative: nothing rejected
    public async Task A_partial_success_out_of_range_is_clamped_to_the_batch(long rejected, long dropped, long flushed)
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        string body = "{\"partialSuccess\":{\"rejectedLogRecords\":\"" + rejected + "\",\"errorMessage\":\"nope\"}}";
        collector.Respond = _ => new OtlpCollector.Answer(200, Body: Encoding.UTF8.GetBytes(body), ContentType: "application/json");
        TransportStatus status = await Run(Otlp(collector.BaseUrl, encoding: "json"), 10);
        AssertLedger(status, 10);
        Assert.Equal((flushed, dropped), (status.PayloadsFlushedTotal, status.DroppedMessages));
    }

    private static string NestedText(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static JsonElement Nested(int depth)
    {
        using JsonDocument document = JsonDocument.Parse(NestedText(depth), new JsonDocumentOptions { MaxDepth = depth + 1 });
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Free-form JSON is written as it is given, at any depth (a JsonDocument parsed with its default options nests up
    /// to 64 levels, 66 in the envelope). Values down to 64 levels of the payload are nested values; a deeper one is a
    /// string of its JSON text, so nothing is lost and the encoders' recursion is bounded.
    /// </summary>
    [Theory]
    [InlineData(null, 64)]
    [InlineData("json", 64)]
    [InlineData(null, 5000)]
    [InlineData("json", 5000)]
    public async Task Deeply_nested_free_form_details_are_delivered_and_the_worker_keeps_running(string? encoding, int depth)
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        TelemetryOptions options = Otlp(collector.BaseUrl, encoding: encoding);
        var transport = new OtlpTransport(options.Transport, options, _ => null);
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(options, transport))
        {
            publisher.Emit(new AppEvent { Source = "deep", Message = "deep", Details = Nested(depth) });
            publisher.Emit(new AppEvent { Source = "flat", Message = "flat" });
            await publisher.FlushAsync();
            status = publisher.TransportStatus;
        }
        AssertLedger(status, 2);
        Assert.Equal((2L, 0L, 0, true), (status.PayloadsFlushedTotal, status.DroppedMessages, status.WorkerRestartCount, status.WorkerAlive));
        Assert.Null(status.WorkerError);
        List<LogRecord> records = collector.Requests.SelectMany(r => Decode(r.Body, encoding == "json").Records).ToList();
        Assert.Equal(["string:deep", "string:flat"], records.Select(r => r.Attr("source")));
        // details is at depth 1 of the payload: 63 objects nested as values, the 64th and below as their text.
        const int Nesting = 63;
        string expected = string.Concat(Enumerable.Repeat("kvlist{a=", Nesting)) + "string:" + NestedText(depth - Nesting) + new string('}', Nesting);
        Assert.Equal(expected, records[0].Attr("details"));
    }

    /// <summary>
    /// A header written with ':' instead of '=' puts the credential before the first '=' (base64 padding): the entry's
    /// "name" is then the secret itself, and it must not be quoted either.
    /// </summary>
    [Theory]
    [InlineData("Authorization: Basic dXNlcjpzM2NyM3Q=")]
    [InlineData("x-tenant=a,Authorization Bearer dXNlcjpzM2NyM3Q==")]
    public void A_header_entry_whose_name_holds_the_credential_is_not_quoted(string headers)
    {
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = headers };
        var ex = Assert.Throws<TelemetryConfigException>(() => new OtlpTransport(new TransportOptions { Type = "otlp" }, new TelemetryOptions(), k => env.GetValueOrDefault(k)));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal(("OTEL_EXPORTER_OTLP_HEADERS", "(set; not shown)"), (error.Key, error.Value));
        Assert.DoesNotContain("dXNlcjpzM2NyM3Q", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dXNlcjpzM2NyM3Q", error.Reason, StringComparison.Ordinal);
    }
}
