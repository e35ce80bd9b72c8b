using System.Text;
using Google.Protobuf;
using Herald.Transports;
using Herald.Transports.Otlp;
using static Herald.Tests.Runtime.PublisherTestKit;
using static Herald.Tests.Transports.OtlpDecoder;

namespace Herald.Tests.Transports;

/// <summary>
/// The otlp transport against a real receiver on 127.0.0.1: the request, delivery of every event, Retry-After on
/// 429 and 503, partial_success counted as dropped with an exact ledger, gzip, headers and token, secrets kept out
/// of the status.
/// </summary>
public sealed class OtlpTransportTests
{
    private const string Secret = "s3cr3t-header-value";

    private static TelemetryOptions Otlp(string? endpoint, string? encoding = null, string compression = "none", int retryLimit = 1000, int maxBatch = 100)
    {
        TelemetryOptions options = Options(BackpressureMode.Block, maxBatch: maxBatch, blockTimeout: 30, retryLimit: retryLimit);
        return options with
        {
            Source = "otlp_tests",
            Transport = options.Transport with { Type = "otlp", Endpoint = endpoint, Encoding = encoding, Compression = compression, SendTimeoutSeconds = 5 },
        };
    }

    private static async Task<TransportStatus> Deliver(TelemetryOptions options, int events, Func<string, string?>? environment = null)
    {
        var transport = new OtlpTransport(options.Transport, options, environment ?? (_ => null));
        await using var publisher = TelemetryPublisher.Create(options, transport);
        for (int i = 0; i < events; i++) publisher.Emit(Tick(i));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await publisher.FlushAsync(cts.Token);
        return publisher.TransportStatus;
    }

    private static List<LogRecord> Records(OtlpCollector collector, bool json = false)
        => collector.Requests.SelectMany(r => Decode(r.Body, json).Records).ToList();

    [Theory]
    [InlineData(null, "application/x-protobuf")]
    [InlineData("json", "application/json")]
    public async Task Every_event_is_delivered_once_as_a_log_record(string? encoding, string contentType)
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        TransportStatus status = await Deliver(Otlp(collector.BaseUrl, encoding), 250);

        AssertSettled(status, 250);
        Assert.Equal(250, status.PayloadsFlushedTotal);
        Assert.Equal("otlp", status.Provider);
        Assert.All(collector.Requests, r => Assert.Equal(contentType, r.ContentType));
        List<LogRecord> records = Records(collector, encoding == "json");
        Assert.Equal(Enumerable.Range(0, 250).Select(i => "int:" + i), records.Select(r => r.Attr("tick")));
        LogRecord first = records[0];
        Assert.Equal("loop.tick", first.EventName);
        Assert.Equal("double:16.25", first.Attr("duration_ms"));
        Assert.Equal((9, "low"), (first.SeverityNumber, first.SeverityText));
        Assert.StartsWith("string:evt_loop_", first.Attr("herald.event.id"), StringComparison.Ordinal);
        Assert.InRange(first.Time / 1_000_000_000UL, (ulong)DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(first.Time, first.Observed);
        Assert.Contains(Decode(collector.Requests.First().Body, encoding == "json").Resource, a => a.ToString() == "service.name=string:otlp_tests");
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retryable_statuses_wait_for_Retry_After(int code)
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        collector.Respond = n => n == 0 ? new OtlpCollector.Answer(code, "1") : new OtlpCollector.Answer(200);
        TransportStatus status = await Deliver(Otlp(collector.BaseUrl, maxBatch: 512), 10);

        OtlpCollector.Received[] requests = collector.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        TimeSpan gap = requests[1].At - requests[0].At;
        Assert.True(gap >= TimeSpan.FromSeconds(0.9), $"retried after {gap.TotalMilliseconds} ms despite Retry-After: 1");
        AssertSettled(status, 10);
        Assert.Equal((10L, 1L), (status.PayloadsFlushedTotal, status.SendFailuresTotal));
    }

    [Fact]
    public async Task Retry_After_as_an_HTTP_date_is_honoured()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        collector.Respond = n => n == 0 ? new OtlpCollector.Answer(502, DateTimeOffset.UtcNow.AddSeconds(2).ToString("R")) : new OtlpCollector.Answer(200);
        await Deliver(Otlp(collector.BaseUrl, maxBatch: 512), 5);
        OtlpCollector.Received[] requests = collector.Requests.ToArray();
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(0.9), $"gap {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Other_4xx_drop_the_batch_and_are_counted()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        collector.Respond = _ => new OtlpCollector.Answer(400);
        TransportStatus status = await Deliver(Otlp(collector.BaseUrl, maxBatch: 512), 7);
        Assert.Single(collector.Requests);
        AssertSettled(status, 7);
        Assert.Equal(7, status.DroppedMessages);
        Assert.StartsWith("HTTP 400", status.WorkerError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Partial_success_counts_the_rejected_records_as_dropped_with_the_message(bool json)
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        collector.Respond = n => n == 0 ? PartialSuccess(3, $"3 records too large; Authorization: Bearer {Secret}", json) : new OtlpCollector.Answer(200);
        TransportStatus status = await Deliver(Otlp(collector.BaseUrl, json ? "json" : null, maxBatch: 512), 20);

        Assert.Single(collector.Requests);
        AssertSettled(status, 20);
        Assert.Equal((17L, 3L), (status.PayloadsFlushedTotal, status.DroppedMessages));
        Assert.Equal(0, status.SendFailuresTotal);
        Assert.Contains("rejected 3 of 20 log records: 3 records too large", status.WorkerError, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, status.WorkerError, StringComparison.Ordinal);
        TransportStatus lane = Assert.Single(status.Transports.Count == 0 ? [status] : status.Transports);
        Assert.Equal(lane.EventsEmitted, lane.PayloadsFlushedTotal + lane.DroppedMessages + lane.QueueLength);
    }

    private static OtlpCollector.Answer PartialSuccess(long rejected, string message, bool json)
    {
        if (json)
        {
            string body = "{\"partialSuccess\":{\"rejectedLogRecords\":\"" + rejected + "\",\"errorMessage\":" + System.Text.Json.JsonSerializer.Serialize(message) + "}}";
            return new OtlpCollector.Answer(200, Body: Encoding.UTF8.GetBytes(body), ContentType: "application/json");
        }
        using var inner = new MemoryStream();
        var p = new CodedOutputStream(inner);
        p.WriteTag(1, WireFormat.WireType.Varint);
        p.WriteInt64(rejected);
        p.WriteTag(2, WireFormat.WireType.LengthDelimited);
        p.WriteString(message);
        p.Flush();
        using var outer = new MemoryStream();
        var o = new CodedOutputStream(outer);
        o.WriteTag(1, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
        o.Flush();
        return new OtlpCollector.Answer(200, Body: outer.ToArray(), ContentType: "application/x-protobuf");
    }

    [Fact]
    public async Task An_empty_partial_success_is_a_full_success()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        collector.Respond = _ => new OtlpCollector.Answer(200, Body: Encoding.UTF8.GetBytes("""{"partialSuccess":{}}"""), ContentType: "application/json");
        TransportStatus status = await Deliver(Otlp(collector.BaseUrl, "json"), 10);
        Assert.Equal((10L, 0L), (status.PayloadsFlushedTotal, status.DroppedMessages));
        Assert.Null(status.WorkerError);
    }

    [Fact]
    public async Task Gzip_compresses_the_request()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        await Deliver(Otlp(collector.BaseUrl, compression: "gzip"), 30);
        Assert.All(collector.Requests, r => Assert.Equal("gzip", r.ContentEncoding));
        Assert.Equal(30, Records(collector).Count);
    }

    [Fact]
    public async Task Environment_headers_and_the_token_are_sent_and_never_shown()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        string tokenVariable = "HERALD_OTLP_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenVariable, "tok-" + Secret);
        try
        {
            var env = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-general=ignored",
                ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = $"x-api-key={Secret},x-tenant=team%20a,Authorization=Basic%20replaced",
            };
            TelemetryOptions options = Otlp(collector.BaseUrl, maxBatch: 512);
            options = options with { Transport = options.Transport with { AuthTokenEnv = tokenVariable } };
            collector.Respond = n => n == 0 ? new OtlpCollector.Answer(403) : new OtlpCollector.Answer(200);
            var transport = new OtlpTransport(options.Transport, options, k => env.GetValueOrDefault(k));
            Assert.True(transport.AuthEnabled);
            SendResult result = await transport.SendAsync(new TransportBatch(Encoding.UTF8.GetBytes(OtlpEncodingTests.Line() + "\n"), 1), CancellationToken.None);
            await transport.DisposeAsync();

            OtlpCollector.Received request = Assert.Single(collector.Requests);
            Assert.Equal(Secret, request.Headers["x-api-key"]);
            Assert.Equal("team a", request.Headers["x-tenant"]);
            Assert.Equal("Bearer tok-" + Secret, request.Headers["Authorization"]);
            Assert.False(request.Headers.ContainsKey("x-general"));
            Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
            Assert.DoesNotContain(Secret, result.Error!, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(tokenVariable, null);
        }
    }

    [Fact]
    public async Task A_reason_phrase_quoting_a_header_value_is_scrubbed()
    {
        await using OtlpCollector collector = await OtlpCollector.StartAsync();
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-plain=" + Secret };
        TelemetryOptions options = Otlp(collector.BaseUrl, maxBatch: 512);
        collector.Respond = _ => new OtlpCollector.Answer(400);
        var transport = new OtlpTransport(options.Transport, options, k => env.GetValueOrDefault(k));
        await using var publisher = TelemetryPublisher.Create(options, transport);
        publisher.Emit(Tick(1));
        await publisher.FlushAsync();
        Assert.DoesNotContain(Secret, publisher.TransportStatus.WorkerError ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, transport.ToString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrubbing_removes_every_secret_of_the_transport()
        => Assert.Equal("no [REDACTED] nor [REDACTED] here", ServerText.ScrubAll("no s3cr3t-a nor s3cr3t-b here", ["s3cr3t-a", "s3cr3t-b"]));
}
