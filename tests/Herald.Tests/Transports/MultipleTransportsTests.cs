using System.Text.Json;
using Herald.Tests.Runtime;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Transports;

/// <summary>
/// Several transports fed from one buffer (<c>telemetry.transports</c>): each gets every event at its own pace, keeps
/// its own counters, and a slow or dead one does not stall the others beyond the configured backpressure.
/// </summary>
public sealed class MultipleTransportsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-multi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertLaneAccounts(TransportStatus lane)
        => Assert.Equal(lane.EventsEmitted, lane.PayloadsFlushedTotal + lane.DroppedMessages + lane.QueueLength);

    [Fact]
    public async Task A_file_and_an_http_collector_each_receive_every_event_in_order()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        string file = Path.Combine(_dir, "events.jsonl");
        TelemetryOptions options = Options(BackpressureMode.Block, maxBatch: 200, blockTimeout: 30, retryLimit: 1000) with
        {
            Transports = [new TransportOptions { Type = "file", FilePath = file }, new TransportOptions { Type = "http", Endpoint = collector.Url, SendTimeoutSeconds = 5 }],
        };

        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(options))
        {
            for (int i = 0; i < 2_000; i++) publisher.Emit(Tick(i));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await publisher.FlushAsync(cts.Token);
            status = publisher.TransportStatus;
        }

        Assert.Equal("file+http", status.Provider);
        Assert.Equal(new[] { "file", "http" }, status.Transports.Select(t => t.Provider));
        Assert.All(status.Transports, t => Assert.Equal((2_000L, 0L, 0L), (t.PayloadsFlushedTotal, t.DroppedMessages, t.QueueLength)));
        var expected = Enumerable.Range(0, 2_000).Select(i => (long)i);
        Assert.Equal(expected, File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()));
        Assert.Equal(expected, collector.Requests.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()));
    }

    [Fact]
    public async Task A_crashing_transport_is_retired_and_the_other_keeps_receiving()
    {
        var crashing = new RecordingTransport { Provider = "crashing", Throw = new IOException("disk on fire") };
        var healthy = new RecordingTransport { Provider = "healthy" };
        var logger = new ListLogger();
        await using var publisher = TelemetryPublisher.Create(Options(restartLimit: 1), [crashing, healthy], logger);
        for (int i = 0; i < 1_000; i++) publisher.Emit(Tick(i));
        await Eventually(() => !publisher.TransportStatus.Transports[0].WorkerAlive, "the crashing transport's worker to stop");
        for (int i = 1_000; i < 1_500; i++) publisher.Emit(Tick(i)); // the publisher is not a stub: the healthy transport still gets these
        await publisher.FlushAsync();

        TransportStatus status = publisher.TransportStatus;
        TransportStatus dead = status.Transports[0], alive = status.Transports[1];
        Assert.Equal((1_500L, 0L, 1_500L, 1), (dead.EventsEmitted, dead.PayloadsFlushedTotal, dead.DroppedMessages, dead.WorkerRestartCount));
        Assert.Contains("disk on fire", dead.WorkerError);
        Assert.Equal((1_500L, 0L, true), (alive.PayloadsFlushedTotal, alive.DroppedMessages, alive.WorkerAlive));
        Assert.Equal(1_500, healthy.Lines.Count);
        // The top level shows the transport that delivered least, and is alive while any worker is.
        Assert.Equal((0L, 1_500L, true, "crashing+healthy"), (status.PayloadsFlushedTotal, status.DroppedMessages, status.WorkerAlive, status.Provider));
        string logged = string.Join("\n", logger.Messages);
        Assert.Contains("crashing transport's worker stopped", logged);
        Assert.DoesNotContain("runs as the stub sink", logged);
    }

    [Fact]
    public async Task A_slow_transport_loses_its_oldest_events_while_the_fast_one_keeps_every_event()
    {
        // Four 64 KiB chunks: however the slow transport holds them, one is always queued for it alone and can be
        // evicted, so the fast transport never loses an event (BufferLane's eviction order).
        var slow = new RecordingTransport { Provider = "slow", Delay = TimeSpan.FromMilliseconds(100) };
        var fast = new RecordingTransport { Provider = "fast" };
        TelemetryOptions options = Options(BackpressureMode.DropOldest, maxBufferBytes: 256 * 1024, pollSeconds: 5);
        const int Rounds = 30, PerRound = 300;

        TransportStatus during, final;
        await using (var publisher = TelemetryPublisher.Create(options, [slow, fast]))
        {
            for (int round = 0; round < Rounds; round++)
            {
                for (int i = 0; i < PerRound; i++) publisher.Emit(Tick(round * PerRound + i));
                publisher.Tick(round); // seal what is queued
                long emitted = (round + 1) * PerRound;
                await Eventually(() => publisher.TransportStatus.Transports[1].PayloadsFlushedTotal == emitted, $"the fast transport to catch up in round {round}");
            }
            during = publisher.TransportStatus;
            Assert.All(during.Transports, AssertLaneAccounts);
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }

        const long Total = Rounds * PerRound;
        TransportStatus slowLane = final.Transports[0], fastLane = final.Transports[1];
        Assert.Equal((Total, 0L, 0L), (fastLane.PayloadsFlushedTotal, fastLane.DroppedMessages, fastLane.QueueLength));
        Assert.Equal(Enumerable.Range(0, (int)Total).Select(i => (long)i), fast.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()));
        Assert.True(slowLane.DroppedMessages > 0, "the slow transport should have lost events to drop_oldest");
        Assert.Equal(Total, slowLane.PayloadsFlushedTotal + slowLane.DroppedMessages);
        Assert.Equal(slowLane.PayloadsFlushedTotal, slow.Lines.Count);
        // What the slow transport did deliver is in order: drop_oldest removes whole chunks, never reorders.
        long[] slowTicks = slow.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()).ToArray();
        Assert.Equal(slowTicks.Order(), slowTicks);
        Assert.Equal(slowLane.PayloadsFlushedTotal, final.PayloadsFlushedTotal); // the top level is the lane that delivered least
    }

    [Fact]
    public async Task In_block_mode_a_slow_transport_sets_the_pace_and_nothing_is_lost()
    {
        var slow = new RecordingTransport { Provider = "slow", Delay = TimeSpan.FromMilliseconds(20) };
        var fast = new RecordingTransport { Provider = "fast" };
        TelemetryOptions options = Options(BackpressureMode.Block, maxBufferBytes: 64 * 1024, blockTimeout: 30);

        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(options, [slow, fast]))
        {
            for (int i = 0; i < 3_000; i++) publisher.Emit(Tick(i));
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }

        Assert.All(final.Transports, lane => Assert.Equal((3_000L, 0L), (lane.PayloadsFlushedTotal, lane.DroppedMessages)));
        Assert.Equal(3_000, slow.Lines.Count);
        Assert.Equal(3_000, fast.Lines.Count);
    }

    [Fact]
    public void A_transports_list_is_read_from_a_file_and_its_errors_are_named_per_item()
    {
        string good = Path.Combine(_dir, "good.yaml");
        File.WriteAllText(good, """
            telemetry:
              transport:
                buffer: {max_batch_size: 64}
              transports:
                - type: file
                  file_path: events.jsonl
                - {type: http, endpoint: "http://127.0.0.1:9/ingest", format: cloudevents}
            """);
        TelemetryOptions options = TelemetryOptions.FromFile(good);
        Assert.Equal(new[] { "file", "http" }, options.Transports.Select(t => t.Type));
        Assert.Equal(("events.jsonl", "cloudevents", 64), (options.Transports[0].FilePath, options.Transports[1].Format, options.Transport.Buffer.MaxBatchSize));

        string bad = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(bad, """
            telemetry:
              transport:
                type: file
              transports:
                - type: tcp
                - type: file
                  file_path: a.jsonl
                  buffer: {max_batch_size: 1}
                  tls_ca_file: ca.pem
                - endpont: x
            """);
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(bad));
        var expected = new (string Key, string Location, string Reason)[]
        {
            ("telemetry.transport.type", $"{bad}(3,5)", "connection keys belong on its items"),
            ("telemetry.transports[0].endpoint", $"{bad}(5,13)", "required for the tcp transport"),
            ("telemetry.transports[1].buffer", $"{bad}(8,7)", "shared by all transports"),
            ("telemetry.transports[1].tls_ca_file", $"{bad}(9,20)", "only used with TLS"),
            ("telemetry.transports[2].type", $"{bad}(10,7)", "required"),
            ("telemetry.transports[2].endpont", $"{bad}(10,7)", "did you mean 'endpoint'?"),
        };
        Assert.Equal(expected.Length, ex.Errors.Count);
        foreach (var (key, location, reason) in expected)
        {
            ConfigError error = Assert.Single(ex.Errors, e => e.Key == key);
            Assert.Equal(location, error.Location);
            Assert.Contains(reason, error.Reason);
        }
    }

    [Fact]
    public void Options_built_in_code_name_the_bad_item()
    {
        TelemetryOptions options = new()
        {
            Transports = [new TransportOptions { Type = "file", FilePath = Path.Combine(_dir, "ok.jsonl") }, new TransportOptions { Type = "websocket", Endpoint = "http://nope" }],
        };
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal("telemetry.transports[1].endpoint", error.Key);
    }

    [Theory]
    [InlineData("missing")]  // cannot be read
    [InlineData("empty")]    // holds no certificate
    public void A_CA_file_that_does_not_work_is_named_by_its_key_under_its_transport(string kind)
    {
        string caFile = Path.Combine(_dir, kind + ".pem");
        if (kind == "empty") File.WriteAllText(caFile, "");
        TelemetryOptions options = new()
        {
            Transports = [new TransportOptions { Type = "file", FilePath = Path.Combine(_dir, "ok.jsonl") },
                new TransportOptions { Type = "http", Endpoint = "https://127.0.0.1:9/ingest", TlsCaFile = caFile }],
        };
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal(("telemetry.transports[1].tls_ca_file", caFile), (error.Key, error.Value));
        Assert.StartsWith(kind == "empty" ? "the CA file holds no certificate" : "the CA file cannot be read", error.Reason);
    }
}
