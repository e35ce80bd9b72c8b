using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Herald.Tests.Runtime;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Transports;

/// <summary>The tcp transport against a real collector on 127.0.0.1: plain, TLS pinned, TLS with a CA file, TLS refused, restarts.</summary>
public sealed class TcpTransportTests
{
    private static TelemetryOptions Tcp(int port, BackpressureMode mode = BackpressureMode.Block, bool tls = false, string? pin = null, string? caFile = null) => Options(mode, blockTimeout: 30, retryLimit: 1000) with
    {
        ShutdownTimeout = TimeSpan.FromSeconds(10),
        Transport = Options(mode, blockTimeout: 30, retryLimit: 1000).Transport with
        {
            Type = "tcp",
            Endpoint = $"127.0.0.1:{port}",
            EnableTls = tls,
            TlsPinSha256 = pin,
            TlsCaFile = caFile,
            SendTimeoutSeconds = 2,
        },
    };

    private static async Task<TransportStatus> Deliver(TelemetryOptions options, int events)
    {
        await using var publisher = TelemetryPublisher.Create(options);
        for (int i = 0; i < events; i++) publisher.Emit(Tick(i));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await publisher.FlushAsync(cts.Token);
        return publisher.TransportStatus;
    }

    [Fact]
    public async Task Plain_tcp_delivers_every_event_as_one_line()
    {
        await using var server = new LineServer();
        TransportStatus status = await Deliver(Tcp(server.Port), 2_000);
        await Eventually(() => server.Lines.Count == 2_000, "2000 lines at the collector");
        Assert.Equal(2_000, status.PayloadsFlushedTotal);
        Assert.Equal("tcp", status.Provider);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => (long)i),
            server.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()));
    }

    [Fact]
    public async Task Tls_to_a_pinned_self_signed_certificate_delivers()
    {
        using X509Certificate2 certificate = TestCertificates.SelfSigned();
        await using var server = new LineServer(certificate);
        TransportStatus status = await Deliver(Tcp(server.Port, tls: true, pin: TestCertificates.PinHex(certificate)), 500);
        await Eventually(() => server.Lines.Count == 500, "500 lines over TLS");
        Assert.Equal(500, status.PayloadsFlushedTotal);
        Assert.All(server.FirstBytes, b => Assert.Equal(0x16, b[0])); // a TLS handshake record, not JSON
    }

    [Fact]
    public async Task Tls_with_a_ca_file_trusts_certificates_that_ca_issued()
    {
        (X509Certificate2 ca, X509Certificate2 leaf) = TestCertificates.CaAndLeaf();
        using (ca)
        using (leaf)
        {
            string caFile = Path.Combine(Path.GetTempPath(), "herald-ca-" + Guid.NewGuid().ToString("N") + ".pem");
            File.WriteAllText(caFile, ca.ExportCertificatePem());
            try
            {
                await using var server = new LineServer(leaf);
                TransportStatus status = await Deliver(Tcp(server.Port, tls: true, caFile: caFile), 300);
                await Eventually(() => server.Lines.Count == 300, "300 lines over TLS");
                Assert.Equal(300, status.PayloadsFlushedTotal);
            }
            finally
            {
                File.Delete(caFile);
            }
        }
    }

    [Fact]
    public async Task Tls_to_an_untrusted_certificate_is_refused_counted_and_sends_no_plain_text()
    {
        using X509Certificate2 certificate = TestCertificates.SelfSigned(); // not in the system store, not pinned
        await using var server = new LineServer(certificate);
        TelemetryOptions options = Tcp(server.Port, BackpressureMode.DropOldest, tls: true) with { ShutdownTimeout = TimeSpan.FromSeconds(1) };
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(options))
        {
            for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
            publisher.Tick(1);
            await Eventually(() => publisher.TransportStatus.SendFailuresTotal >= 2, "refused handshakes to be counted");
            status = publisher.TransportStatus;
        }
        Assert.Equal(0, status.PayloadsFlushedTotal);
        Assert.Equal($"TLS handshake with 127.0.0.1:{server.Port} failed: server certificate 'CN=herald-test-collector' refused: untrusted root: the certificate is self-signed and not in the system trust store",
            status.WorkerError);
        Assert.Empty(server.Lines);
        Assert.NotEmpty(server.FirstBytes);
        Assert.All(server.FirstBytes, b =>
        {
            Assert.Equal(0x16, b[0]);
            Assert.DoesNotContain("\"id\"", System.Text.Encoding.ASCII.GetString(b));
        });
    }

    [Fact]
    public async Task A_collector_that_stops_reading_engages_drop_oldest_and_every_event_is_accounted_for()
    {
        // Accepts and never reads: once the socket buffers are full, writes time out (send_timeout_seconds).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<System.Net.Sockets.Socket>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) accepted.Add(await listener.AcceptSocketAsync());
            }
            catch (Exception)
            {
                // listener stopped
            }
        });
        TelemetryOptions options = Tcp(((System.Net.IPEndPoint)listener.LocalEndpoint).Port, BackpressureMode.DropOldest) with { ShutdownTimeout = TimeSpan.FromSeconds(2) };
        options = options with
        {
            Transport = options.Transport with
            {
                SendTimeoutSeconds = 0.3,
                Buffer = options.Transport.Buffer with { MaxBufferBytes = 256 * 1024 },
                Worker = options.Transport.Worker with { SendRetryLimit = 1 },
            },
        };

        TransportStatus during, final;
        await using (var publisher = TelemetryPublisher.Create(options))
        {
            for (int round = 0; round < 40 && publisher.TransportStatus.SendFailuresTotal == 0; round++)
            {
                for (int i = 0; i < 10_000; i++) publisher.Emit(Tick(round * 10_000 + i));
                await Task.Delay(100);
            }
            await Eventually(() => publisher.TransportStatus.SendFailuresTotal > 0, "a send to time out against the stalled collector");
            during = publisher.TransportStatus;
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }
        listener.Stop();
        foreach (var socket in accepted) socket.Dispose();

        Assert.True(during.DroppedMessages > 0, "the buffer should have overflowed");
        Assert.Matches("timed out|did not acknowledge", during.WorkerError ?? ""); // the write blocks, or its bytes wait for an acknowledgement
        Assert.Equal(during.EventsEmitted, during.PayloadsFlushedTotal + during.DroppedMessages + during.QueueLength);
        AssertSettled(final, final.EventsEmitted);
    }

    [Fact]
    public async Task A_collector_restart_in_block_mode_loses_nothing()
    {
        var server = new LineServer();
        int port = server.Port;
        var lines = new List<string>();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Tcp(port)))
        {
            for (int i = 0; i < 1_000; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            await Eventually(() => server.Lines.Count == 1_000, "the first 1000 lines");
            lines.AddRange(server.Lines);
            await server.DisposeAsync(); // the collector goes away

            for (int i = 1_000; i < 2_000; i++) publisher.Emit(Tick(i));
            publisher.Tick(2); // the worker tries, fails, retries with backoff
            await Eventually(() => publisher.TransportStatus.SendFailuresTotal > 0, "a failed send while the collector is down");

            server = new LineServer(port: port); // back on the same port
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.FlushAsync(cts.Token);
            await Eventually(() => server.Lines.Count >= 1_000, "the rest after the restart");
            status = publisher.TransportStatus;
        }
        lines.AddRange(server.Lines);
        await server.DisposeAsync();

        Assert.Equal(2_000, status.PayloadsFlushedTotal);
        Assert.Equal(0, status.DroppedMessages);
        // At-least-once: a batch cut by the restart may arrive twice, but every event arrives.
        var ticks = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()).ToHashSet();
        Assert.Equal(2_000, ticks.Count);
    }

    [Fact]
    public void An_unreadable_ca_file_is_a_config_error_at_startup()
    {
        string missing = Path.Combine(Path.GetTempPath(), "herald-no-such-ca-" + Guid.NewGuid().ToString("N") + ".pem");
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(Tcp(9, tls: true, caFile: missing)));
        Assert.Equal("telemetry.transport.tls_ca_file", Assert.Single(ex.Errors).Key);
        Assert.Contains(missing, ex.Message);
    }
}
