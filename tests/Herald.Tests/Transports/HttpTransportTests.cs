using System.Text.Json;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Transports;

/// <summary>The http transport against Kestrel on 127.0.0.1: formats, gzip, retries, Retry-After, poison batches, auth.</summary>
public sealed class HttpTransportTests
{
    private static TelemetryOptions Http(string url, string format = "ndjson", string compression = "none", string? tokenEnv = null, int maxBatch = 512)
    {
        TelemetryOptions options = Options(BackpressureMode.Block, maxBatch: maxBatch, blockTimeout: 30, retryLimit: 1000);
        return options with
        {
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            Transport = options.Transport with { Type = "http", Endpoint = url, Format = format, Compression = compression, AuthTokenEnv = tokenEnv, SendTimeoutSeconds = 5 },
        };
    }

    private static async Task<TransportStatus> Deliver(TelemetryOptions options, int events)
    {
        await using var publisher = TelemetryPublisher.Create(options);
        for (int i = 0; i < events; i++) publisher.Emit(Tick(i));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await publisher.FlushAsync(cts.Token);
        return publisher.TransportStatus;
    }

    private static IEnumerable<JsonElement> Events(HttpCollector collector, Func<string, IEnumerable<JsonElement>> parse)
        => collector.Requests.SelectMany(r => parse(r.Body));

    [Fact]
    public async Task Ndjson_batches_deliver_every_event_exactly_once()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        TransportStatus status = await Deliver(Http(collector.Url, maxBatch: 100), 1_000);

        Assert.Equal(1_000, status.PayloadsFlushedTotal);
        Assert.Equal("http", status.Provider);
        Assert.All(collector.Requests, r => Assert.Equal("application/x-ndjson", r.ContentType));
        Assert.All(collector.Requests, r => Assert.True(r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 100));
        var ticks = Events(collector, b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement))
            .Select(e => e.GetProperty("payload").GetProperty("tick").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), ticks);
    }

    [Fact]
    public async Task Json_array_gzip_and_cloudevents_bodies()
    {
        await using HttpCollector array = await HttpCollector.StartAsync();
        await Deliver(Http(array.Url, format: "json_array", compression: "gzip"), 200);
        Assert.All(array.Requests, r => Assert.Equal(("application/json", "gzip"), (r.ContentType, r.ContentEncoding)));
        Assert.Equal(200, Events(array, b => JsonDocument.Parse(b).RootElement.EnumerateArray().ToList()).Count());

        await using HttpCollector ce = await HttpCollector.StartAsync();
        await Deliver(Http(ce.Url, format: "cloudevents"), 50);
        Assert.All(ce.Requests, r => Assert.Equal("application/cloudevents-batch+json", r.ContentType));
        JsonElement first = Events(ce, b => JsonDocument.Parse(b).RootElement.EnumerateArray().ToList()).First();
        Assert.Equal("1.0", first.GetProperty("specversion").GetString());
        Assert.StartsWith("evt_loop_", first.GetProperty("id").GetString());
        Assert.Equal("loop.tick", first.GetProperty("type").GetString());
        Assert.Equal("simulation_loop", first.GetProperty("source").GetString());
        Assert.True(DateTimeOffset.TryParse(first.GetProperty("time").GetString(), out DateTimeOffset time) && Math.Abs((time - DateTimeOffset.UtcNow).TotalMinutes) < 5);
        Assert.Equal(0, first.GetProperty("data").GetProperty("tick").GetInt64());
        Assert.False(first.TryGetProperty("traceparent", out _)); // emitted without an activity
    }

    [Fact]
    public async Task Server_errors_are_retried_and_Retry_After_is_honoured()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        collector.Respond = n => n switch { 0 => (500, null), 1 => (429, 1), _ => (200, null) };
        TransportStatus status = await Deliver(Http(collector.Url), 10);

        HttpCollector.Received[] requests = collector.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromSeconds(0.9), $"retried after {(requests[2].At - requests[1].At).TotalMilliseconds} ms despite Retry-After: 1");
        Assert.Equal(10, status.PayloadsFlushedTotal);
        Assert.Equal(2, status.SendFailuresTotal);
        Assert.Equal(0, status.ConsecutiveSendFailures);
    }

    [Fact]
    public async Task A_slow_collector_engages_drop_oldest_and_every_event_is_accounted_for()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        collector.Delay = TimeSpan.FromMilliseconds(100);
        TelemetryOptions options = Http(collector.Url) with { ShutdownTimeout = TimeSpan.FromSeconds(2) };
        options = options with { Transport = options.Transport with { Worker = options.Transport.Worker with { Backpressure = BackpressureMode.DropOldest } } };
        options = options with { Transport = options.Transport with { Buffer = options.Transport.Buffer with { MaxBufferBytes = 256 * 1024 } } };

        TransportStatus during, final;
        await using (var publisher = TelemetryPublisher.Create(options))
        {
            for (int i = 0; i < 20_000; i++) publisher.Emit(Tick(i));
            during = publisher.TransportStatus;
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }

        Assert.True(during.DroppedMessages > 0, "20,000 events into 256 KiB with a 100 ms collector should have dropped the oldest");
        Assert.Equal(during.EventsEmitted, during.PayloadsFlushedTotal + during.DroppedMessages + during.QueueLength);
        AssertSettled(final, 20_000);
        long received = collector.Requests.Sum(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(final.PayloadsFlushedTotal, received); // flushed means the collector acknowledged it
    }

    [Fact]
    public async Task A_collector_restart_in_block_mode_loses_nothing()
    {
        HttpCollector collector = await HttpCollector.StartAsync();
        int port = new Uri(collector.Url).Port;
        var bodies = new List<string>();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Http(collector.Url, maxBatch: 100)))
        {
            for (int i = 0; i < 500; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            bodies.AddRange(collector.Requests.Select(r => r.Body));
            await collector.DisposeAsync(); // the collector goes away

            for (int i = 500; i < 1_000; i++) publisher.Emit(Tick(i));
            publisher.Tick(2);
            await Eventually(() => publisher.TransportStatus.SendFailuresTotal > 0, "a failed post while the collector is down");

            collector = await HttpCollector.StartAsync(port); // back on the same port
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.FlushAsync(cts.Token);
            status = publisher.TransportStatus;
        }
        bodies.AddRange(collector.Requests.Select(r => r.Body));
        await collector.DisposeAsync();

        Assert.Equal((1_000L, 0L), (status.PayloadsFlushedTotal, status.DroppedMessages));
        var ticks = bodies.SelectMany(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()).ToHashSet();
        Assert.Equal(1_000, ticks.Count);
    }

    [Fact]
    public async Task A_client_error_drops_the_batch_as_poison_and_says_why()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        collector.Respond = _ => (400, null);
        TransportStatus status = await Deliver(Http(collector.Url), 10);

        Assert.Single(collector.Requests); // not retried
        Assert.Equal(0, status.PayloadsFlushedTotal);
        Assert.Equal(10, status.DroppedMessages);
        Assert.StartsWith("HTTP 400", status.WorkerError);
    }

    [Fact]
    public async Task The_bearer_token_is_on_the_wire_and_nowhere_else()
    {
        string variable = "HERALD_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        const string Secret = "s3cr3t-token-value";
        Environment.SetEnvironmentVariable(variable, Secret);
        try
        {
            await using HttpCollector collector = await HttpCollector.StartAsync();
            collector.Respond = n => n == 0 ? (503, 0) : (200, null); // one failure, so worker_error is filled
            TransportStatus status = await Deliver(Http(collector.Url, tokenEnv: variable), 5);

            Assert.All(collector.Requests, r => Assert.Equal("Bearer " + Secret, r.Authorization));
            Assert.True(status.AuthEnabled);
            Assert.NotNull(status.WorkerError);
            Assert.DoesNotContain(Secret, status.ToString());
            Assert.DoesNotContain(Secret, status.WorkerError);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_token_variable_that_is_not_set_fails_at_startup_without_echoing_anything_secret()
    {
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(Http("http://127.0.0.1:9/ingest", tokenEnv: "HERALD_TEST_UNSET_" + Guid.NewGuid().ToString("N"))));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal("telemetry.transport.auth_token_env", error.Key);
    }
}
