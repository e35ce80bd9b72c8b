using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Herald.Tests.Transports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Faults;

/// <summary>
/// The TLS fault matrix: each kind of server certificate against each network transport (tcp over SslStream, http
/// and websocket over Kestrel https), on 127.0.0.1 with certificates made here. A trusted certificate delivers every
/// line; a refused one delivers none, every event is accounted for, and <c>WorkerError</c> names the cause.
/// </summary>
public sealed partial class TlsMatrixTests
{
    private const int Events = 40;
    private const string Subject = "CN=herald-test-collector";

    public static TheoryData<string> Scenarios => new(Matrix.Keys);

    /// <summary>
    /// Every scenario: the server's certificate (and the chain it sends), the client's trust, and either delivery or
    /// the exact refusal (after "refused: ", with the "(now ...)" clock readings left out).
    /// </summary>
    private static readonly Dictionary<string, Func<Scenario>> Matrix = new()
    {
        ["ca_file_valid"] = () =>
        {
            X509Certificate2 ca = TestCertificates.Authority("CN=herald-test-ca");
            return Scenario.Delivers(TestCertificates.Server(Key(), ca), caFile: ca);
        },
        ["self_signed_without_trust"] = () =>
            Scenario.Refused(TestCertificates.Server(Key()), "untrusted root: the certificate is self-signed and not in the system trust store"),
        ["name_mismatch"] = () =>
        {
            X509Certificate2 ca = TestCertificates.Authority("CN=herald-test-ca");
            X509Certificate2 leaf = TestCertificates.Server(Key(), ca, dnsNames: ["collector.example"], addresses: [IPAddress.Parse("10.0.0.7")]);
            return Scenario.Refused(leaf, "name mismatch: expected '127.0.0.1' but the certificate holds DNS:collector.example, IP Address:10.0.0.7", caFile: ca);
        },
        ["expired"] = () =>
        {
            X509Certificate2 ca = TestCertificates.Authority("CN=herald-test-ca");
            X509Certificate2 leaf = TestCertificates.Server(Key(), ca, notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
            return Scenario.Refused(leaf, $"expired: not valid after {NotAfter(leaf)}", caFile: ca);
        },
        ["not_yet_valid"] = () =>
        {
            X509Certificate2 ca = TestCertificates.Authority("CN=herald-test-ca");
            X509Certificate2 leaf = TestCertificates.Server(Key(), ca, notBefore: DateTimeOffset.UtcNow.AddDays(2), notAfter: DateTimeOffset.UtcNow.AddDays(10));
            return Scenario.Refused(leaf, $"not yet valid: not valid before {NotBefore(leaf)}", caFile: ca);
        },
        ["untrusted_root"] = () =>
        {
            // A self-signed certificate where the client trusts only its own CA.
            X509Certificate2 trusted = TestCertificates.Authority("CN=herald-test-ca");
            return Scenario.Refused(TestCertificates.Server(Key()), "untrusted root: the certificate is self-signed and not in tls_ca_file", caFile: trusted);
        },
        ["unknown_issuer"] = () =>
        {
            // Issued by a CA the client does not trust, and that CA is nowhere the client looks: an incomplete chain.
            X509Certificate2 trusted = TestCertificates.Authority("CN=herald-test-ca");
            using X509Certificate2 rogue = TestCertificates.Authority("CN=herald-rogue-ca");
            return Scenario.Refused(TestCertificates.Server(Key(), rogue),
                "untrusted root (incomplete chain): the issuer 'CN=herald-rogue-ca' is neither in tls_ca_file nor among the certificates the server sent", caFile: trusted);
        },
        ["ca_file_with_the_intermediate_sent"] = () =>
        {
            // tls_ca_file holds the root; the server sends its certificate and the intermediate that issued it.
            X509Certificate2 root = TestCertificates.Authority("CN=herald-test-ca");
            X509Certificate2 intermediate = TestCertificates.Authority("CN=herald-test-intermediate", root);
            return Scenario.Delivers(TestCertificates.Server(Key(), intermediate), caFile: root, chain: intermediate);
        },
        ["ca_file_without_the_intermediate"] = () =>
        {
            // The same, but the server leaves the intermediate out: the chain cannot reach the root.
            X509Certificate2 root = TestCertificates.Authority("CN=herald-test-ca");
            using X509Certificate2 intermediate = TestCertificates.Authority("CN=herald-test-intermediate", root);
            return Scenario.Refused(TestCertificates.Server(Key(), intermediate),
                "untrusted root (incomplete chain): the issuer 'CN=herald-test-intermediate' is neither in tls_ca_file nor among the certificates the server sent", caFile: root);
        },
        ["pin_by_key_hex"] = () =>
        {
            X509Certificate2 leaf = TestCertificates.Server(Key());
            return Scenario.Delivers(leaf, pin: Colons(TestCertificates.PinHex(leaf).ToLowerInvariant()));
        },
        ["pin_by_key_base64_after_renewal"] = () =>
        {
            // Pinned to the first certificate's key; the server now presents a renewal: same key, new serial and dates.
            using ECDsa key = Key();
            using X509Certificate2 first = TestCertificates.Server(key, notBefore: DateTimeOffset.UtcNow.AddDays(-20), notAfter: DateTimeOffset.UtcNow.AddDays(-1).AddHours(12));
            X509Certificate2 renewed = TestCertificates.Server(key, notBefore: DateTimeOffset.UtcNow.AddDays(-1), notAfter: DateTimeOffset.UtcNow.AddDays(30));
            Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
            Assert.NotEqual(TestCertificates.WholeCertificateSha256Hex(first), TestCertificates.WholeCertificateSha256Hex(renewed));
            return Scenario.Delivers(renewed, pin: TestCertificates.PinBase64(first));
        },
        ["pin_ignores_name_and_chain"] = () =>
        {
            // Self-signed, and for another name: the pin is the trust, the name is not checked.
            X509Certificate2 leaf = TestCertificates.Server(Key(), dnsNames: ["collector.example"], addresses: []);
            return Scenario.Delivers(leaf, pin: TestCertificates.PinHex(leaf));
        },
        ["pin_of_another_key"] = () =>
        {
            using ECDsa other = Key();
            using X509Certificate2 elsewhere = TestCertificates.Server(other);
            X509Certificate2 leaf = TestCertificates.Server(Key());
            string pin = TestCertificates.PinBase64(elsewhere);
            return Scenario.Refused(leaf, $"pin mismatch: tls_pin_sha256 is {pin} but the certificate's public key is {TestCertificates.PinBase64(leaf)}", pin: pin);
        },
        ["pin_of_another_key_hex"] = () =>
        {
            using ECDsa other = Key();
            using X509Certificate2 elsewhere = TestCertificates.Server(other);
            X509Certificate2 leaf = TestCertificates.Server(Key());
            string pin = Colons(TestCertificates.PinHex(elsewhere));
            return Scenario.Refused(leaf, $"pin mismatch: tls_pin_sha256 is {pin} but the certificate's public key is {Colons(TestCertificates.PinHex(leaf))}", pin: pin);
        },
        ["pin_of_the_whole_certificate"] = () =>
        {
            X509Certificate2 leaf = TestCertificates.Server(Key());
            string pin = TestCertificates.WholeCertificateSha256Hex(leaf);
            return Scenario.Refused(leaf, $"pin mismatch: tls_pin_sha256 is {pin} but the certificate's public key is {TestCertificates.PinHex(leaf)}"
                + " (the pin is the SHA-256 of the whole certificate; tls_pin_sha256 takes the SHA-256 of its public key, which survives renewal)", pin: pin);
        },
        ["pin_matching_but_expired"] = () =>
        {
            X509Certificate2 leaf = TestCertificates.Server(Key(), notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
            return Scenario.Refused(leaf, $"expired: not valid after {NotAfter(leaf)}", pin: TestCertificates.PinBase64(leaf));
        },
        ["pin_matching_but_not_yet_valid"] = () =>
        {
            X509Certificate2 leaf = TestCertificates.Server(Key(), notBefore: DateTimeOffset.UtcNow.AddDays(2), notAfter: DateTimeOffset.UtcNow.AddDays(10));
            return Scenario.Refused(leaf, $"not yet valid: not valid before {NotBefore(leaf)}", pin: TestCertificates.PinHex(leaf));
        },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Tcp(string name)
    {
        using Scenario scenario = Matrix[name]();
        await using var server = new LineServer(scenario.Certificate, chain: scenario.Chain);
        await Run(scenario, "tcp", $"127.0.0.1:{server.Port}", $"127.0.0.1:{server.Port}", () => server.Lines.ToList());
        if (!scenario.Deliver) Assert.All(server.FirstBytes, b => Assert.Equal(0x16, b[0])); // only a TLS handshake went out
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Http(string name)
    {
        using Scenario scenario = Matrix[name]();
        await using HttpsCollector server = await HttpsCollector.StartAsync(scenario.Certificate, scenario.Chain);
        await Run(scenario, "http", server.BaseUrl + "/ingest", server.BaseUrl, () => server.Lines.ToList());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task WebSocket(string name)
    {
        using Scenario scenario = Matrix[name]();
        await using HttpsCollector server = await HttpsCollector.StartAsync(scenario.Certificate, scenario.Chain);
        string wss = server.BaseUrl.Replace("https://", "wss://", StringComparison.Ordinal);
        await Run(scenario, "websocket", wss + "/ws", wss, () => server.Lines.ToList());
    }

    [Fact]
    public async Task A_refused_certificate_is_retried_with_backoff_not_in_a_hot_loop()
    {
        using ECDsa key = Key();
        using X509Certificate2 expired = TestCertificates.Server(key, notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        await using var server = new LineServer(expired);
        TelemetryOptions options = Publisher("tcp", $"127.0.0.1:{server.Port}", caFile: null, pin: TestCertificates.PinHex(expired), retryLimit: 1000);
        await using var publisher = TelemetryPublisher.Create(options);
        for (int i = 0; i < Events; i++) publisher.Emit(Tick(i));
        publisher.Tick(1);
        await Eventually(() => publisher.TransportStatus.SendFailuresTotal >= 1, "the first refusal");
        await Task.Delay(TimeSpan.FromSeconds(2));
        // 50 ms · 2^attempt (±20 %): about 6 handshakes in 2 s; a worker that did not back off would make hundreds.
        long failures = publisher.TransportStatus.SendFailuresTotal;
        Assert.InRange(failures, 3, 10);
        Assert.InRange(server.FirstBytes.Count, 3, 10);
        Assert.Empty(server.Lines);
        Assert.Equal(0, publisher.TransportStatus.DroppedMessages); // block mode: nothing given up while retrying
        Assert.StartsWith($"TLS handshake with 127.0.0.1:{server.Port} failed: server certificate '{Subject}' refused: expired: not valid after {NotAfter(expired)}",
            publisher.TransportStatus.WorkerError);
    }

    [Fact]
    public async Task A_collector_that_renews_its_certificate_gets_everything_that_waited()
    {
        // Certificate refusals are transient: once the collector presents a valid certificate (a renewal of the
        // pinned key), the batches that waited in block mode are delivered, none dropped.
        using ECDsa key = Key();
        using X509Certificate2 expired = TestCertificates.Server(key, notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        using X509Certificate2 renewed = TestCertificates.Server(key);
        var server = new LineServer(expired);
        int port = server.Port;
        TransportStatus final;
        List<string> lines;
        await using (var publisher = TelemetryPublisher.Create(Publisher("tcp", $"127.0.0.1:{port}", caFile: null, pin: TestCertificates.PinBase64(expired), retryLimit: 1000)))
        {
            for (int i = 0; i < Events; i++) publisher.Emit(Tick(i));
            publisher.Tick(1);
            await Eventually(() => publisher.TransportStatus.SendFailuresTotal >= 2, "refusals of the expired certificate");
            Assert.Contains("expired: not valid after", publisher.TransportStatus.WorkerError);
            await server.DisposeAsync();
            server = new LineServer(renewed, port: port);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await publisher.FlushAsync(cts.Token);
            await Eventually(() => server.Lines.Count >= Events, "every line after the renewal");
            lines = server.Lines.ToList();
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }
        await server.DisposeAsync();
        Assert.Equal(Enumerable.Range(0, Events).Select(i => (long)i), Ticks(lines));
        Assert.Equal(Events, final.PayloadsFlushedTotal);
        Assert.Equal(0, final.DroppedMessages);
    }

    [Theory]
    [InlineData("sha256//not base64!")]
    [InlineData("sha256//AAAA")]
    [InlineData("0123456789abcdef")]
    [InlineData("zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_malformed_pin_is_a_config_error_that_names_both_forms(string pin)
    {
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(Publisher("tcp", "127.0.0.1:9", caFile: null, pin: pin, retryLimit: 1)));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal("telemetry.transport.tls_pin_sha256", error.Key);
        Assert.Contains("SHA-256 of the certificate's public key (SubjectPublicKeyInfo): 64 hex digits (colons allowed) or sha256//BASE64", ex.Message);
    }

    private static async Task Run(Scenario scenario, string type, string endpoint, string peer, Func<List<string>> received)
    {
        string? caFile = null;
        if (scenario.CaFile is not null)
        {
            caFile = Path.Combine(Path.GetTempPath(), "herald-tls-ca-" + Guid.NewGuid().ToString("N") + ".pem");
            File.WriteAllText(caFile, scenario.CaFile.ExportCertificatePem());
        }
        try
        {
            TelemetryOptions options = Publisher(type, endpoint, caFile, scenario.Pin, retryLimit: scenario.Deliver ? 1000 : 2);
            TransportStatus final;
            string? error;
            await using (var publisher = TelemetryPublisher.Create(options))
            {
                for (int i = 0; i < Events; i++) publisher.Emit(Tick(i));
                if (scenario.Deliver)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    await publisher.FlushAsync(cts.Token);
                    await Eventually(() => received().Count >= Events, $"{Events} lines at the collector");
                }
                else
                {
                    publisher.Tick(1);
                    await Eventually(() => publisher.TransportStatus.SendFailuresTotal >= 1, "the refused handshake to be counted");
                }
                error = publisher.TransportStatus.WorkerError;
                await publisher.DisposeAsync();
                final = publisher.TransportStatus;
            }

            // The ledger: every event emitted is flushed, dropped or still queued after disposal.
            Assert.Equal(Events, final.EventsEmitted);
            Assert.Equal(final.EventsEmitted, final.PayloadsFlushedTotal + final.DroppedMessages + final.QueueLength);
            List<string> lines = received();
            if (scenario.Deliver)
            {
                Assert.Null(error);
                Assert.Equal(Events, final.PayloadsFlushedTotal);
                Assert.Equal(Enumerable.Range(0, Events).Select(i => (long)i), Ticks(lines));
            }
            else
            {
                Assert.Empty(lines);
                Assert.Equal(0, final.PayloadsFlushedTotal);
                Assert.Equal(Events, final.DroppedMessages);
                Assert.NotNull(error);
                string prefix = $"TLS handshake with {peer} failed: server certificate '{scenario.Certificate.Subject}' refused: ";
                Assert.StartsWith(prefix, error);
                Assert.Equal(scenario.Refusal, NowReadings().Replace(error.Substring(prefix.Length), ""));
            }
        }
        finally
        {
            if (caFile is not null) File.Delete(caFile);
        }
    }

    private static TelemetryOptions Publisher(string type, string endpoint, string? caFile, string? pin, int retryLimit)
    {
        TelemetryOptions options = Options(BackpressureMode.Block, blockTimeout: 5, retryLimit: retryLimit);
        return options with
        {
            ShutdownTimeout = TimeSpan.FromSeconds(2),
            Transport = options.Transport with
            {
                Type = type,
                Endpoint = endpoint,
                EnableTls = type == "tcp",
                TlsCaFile = caFile,
                TlsPinSha256 = pin,
                SendTimeoutSeconds = 5,
            },
        };
    }

    private static ECDsa Key() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static string NotAfter(X509Certificate2 certificate) => Date(certificate.NotAfter);

    private static string NotBefore(X509Certificate2 certificate) => Date(certificate.NotBefore);

    private static string Date(DateTime local) => local.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Colons(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));

    private static IEnumerable<long> Ticks(IEnumerable<string> lines)
        => lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()).Order();

    [GeneratedRegex(@" \(now \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)")]
    private static partial Regex NowReadings();

    /// <summary>One row of the matrix: what the server presents, what the client trusts, what must happen.</summary>
    private sealed class Scenario : IDisposable
    {
        private Scenario(X509Certificate2 certificate, X509Certificate2? caFile, X509Certificate2? chain, string? pin, string? refusal)
        {
            Certificate = certificate;
            CaFile = caFile;
            Chain = chain is null ? null : new X509Certificate2Collection(chain);
            Pin = pin;
            Refusal = refusal;
        }

        public X509Certificate2 Certificate { get; }
        public X509Certificate2? CaFile { get; }
        public X509Certificate2Collection? Chain { get; }
        public string? Pin { get; }
        public string? Refusal { get; }
        public bool Deliver => Refusal is null;

        public static Scenario Delivers(X509Certificate2 certificate, X509Certificate2? caFile = null, string? pin = null, X509Certificate2? chain = null)
            => new(certificate, caFile, chain, pin, null);

        public static Scenario Refused(X509Certificate2 certificate, string refusal, X509Certificate2? caFile = null, X509Certificate2? chain = null, string? pin = null)
            => new(certificate, caFile, chain, pin, refusal);

        public void Dispose()
        {
            Certificate.Dispose();
            CaFile?.Dispose();
            if (Chain is not null) foreach (X509Certificate2 c in Chain) c.Dispose();
        }
    }

    /// <summary>Kestrel over https on 127.0.0.1 with the given certificate: POST /ingest (NDJSON) and a /ws WebSocket, recording lines.</summary>
    private sealed class HttpsCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private HttpsCollector(WebApplication app) => _app = app;

        public string BaseUrl => _app.Urls.First();

        public ConcurrentQueue<string> Lines { get; } = new();

        public static async Task<HttpsCollector> StartAsync(X509Certificate2 certificate, X509Certificate2Collection? chain)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,
                ServerCertificateChain = chain,
            })));
            builder.Logging.ClearProviders();
            WebApplication app = builder.Build();
            var collector = new HttpsCollector(app);
            app.UseWebSockets();
            app.MapPost("/ingest", async context =>
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                collector.Add(await reader.ReadToEndAsync());
            });
            app.Map("/ws", async context =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    context.Response.StatusCode = 400;
                    return;
                }
                using System.Net.WebSockets.WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[64 * 1024];
                var message = new MemoryStream();
                try
                {
                    while (true)
                    {
                        WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                            return;
                        }
                        message.Write(buffer, 0, result.Count);
                        if (!result.EndOfMessage) continue;
                        collector.Add(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                        message.SetLength(0);
                    }
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
                {
                    // The client went away without the close handshake.
                }
            });
            await app.StartAsync();
            return collector;
        }

        private void Add(string body)
        {
            foreach (string line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Lines.Enqueue(line);
        }

        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(cts.Token);
            await _app.DisposeAsync();
        }
    }
}
