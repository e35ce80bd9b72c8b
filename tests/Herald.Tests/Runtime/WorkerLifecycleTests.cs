using Herald.Events;
using Herald.Transports;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>Retries, crashes, restarts, the stub fallback and shutdown: the host never crashes and nothing goes unaccounted.</summary>
[Collection(nameof(ConsoleErrorCollection))]
public sealed class WorkerLifecycleTests
{
    [Fact]
    public async Task Transient_failures_are_retried_until_delivered()
    {
        var transport = new RecordingTransport { Script = attempt => attempt < 2 ? SendResult.Transient("connection refused") : null };
        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            final = publisher.TransportStatus;
        }
        AssertSettled(final, 10);
        Assert.Equal(10, final.PayloadsFlushedTotal);
        Assert.Equal(2, final.SendFailuresTotal);
        Assert.Equal(0, final.ConsecutiveSendFailures);
    }

    [Fact]
    public async Task Permanent_failures_drop_the_batch_and_say_why()
    {
        var transport = new RecordingTransport { Script = _ => SendResult.Permanent("HTTP 400 Bad Request") };
        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            final = publisher.TransportStatus;
        }
        AssertSettled(final, 10);
        Assert.Equal(10, final.DroppedMessages);
        Assert.Equal("HTTP 400 Bad Request", final.WorkerError);
        Assert.True(final.WorkerAlive || final.WorkerRestartCount == 0);
    }

    [Fact]
    public async Task A_crashing_transport_restarts_the_worker_up_to_the_limit_then_falls_back_to_the_stub()
    {
        var errors = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(errors);
        try
        {
            var transport = new RecordingTransport { Throw = new InvalidOperationException("socket exploded") };
            await using var publisher = TelemetryPublisher.Create(Options(restartLimit: 2), transport);
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
                await publisher.FlushAsync();
            }
            await Eventually(() => !publisher.TransportStatus.WorkerAlive, "the worker to give up");
            TransportStatus dead = publisher.TransportStatus;
            Assert.Equal(2, dead.WorkerRestartCount);
            Assert.Equal("InvalidOperationException: socket exploded", dead.WorkerError);
            Assert.Equal(3, transport.Attempts); // first run + 2 restarts, each crashed on its first send

            publisher.Emit(Tick(99)); // stub mode: accepted, counted, not sent, not thrown
            TransportStatus after = publisher.TransportStatus;
            Assert.Equal(dead.EventsEmitted + 1, after.EventsEmitted);
            Assert.Equal(after.EventsEmitted, after.PayloadsFlushedTotal + after.DroppedMessages + after.QueueLength);
            Assert.Equal(0, after.QueueLength);
            Assert.Equal(1, errors.ToString().Split("WARNING").Length - 1); // the banner, once
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Fact]
    public async Task Dispose_flushes_what_is_queued()
    {
        string path = Path.Combine(Path.GetTempPath(), "herald-" + Guid.NewGuid().ToString("N"), "events.jsonl");
        var options = Options(pollSeconds: 60, flushIntervalTicks: 0) with { Transport = Options(pollSeconds: 60, flushIntervalTicks: 0).Transport with { Type = "file", FilePath = path } };
        var publisher = TelemetryPublisher.Create(options);
        for (int i = 0; i < 1_000; i++) publisher.Emit(Tick(i));
        await publisher.DisposeAsync();
        TransportStatus final = publisher.TransportStatus;
        AssertSettled(final, 1_000);
        Assert.Equal(1_000, final.PayloadsFlushedTotal);
        Assert.Equal(1_000, File.ReadAllLines(path).Length);
        Assert.False(final.WorkerAlive);
        await publisher.DisposeAsync(); // idempotent
        publisher.Emit(Tick(1)); // after shutdown: counted as dropped, not thrown
        Assert.Equal(1, publisher.TransportStatus.DroppedMessages);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task Dispose_gives_up_after_its_timeout_and_counts_the_rest_as_dropped()
    {
        var transport = new RecordingTransport { Delay = TimeSpan.FromSeconds(30) };
        var publisher = TelemetryPublisher.Create(Options(maxBatch: 10, shutdownTimeout: TimeSpan.FromMilliseconds(200)), transport);
        for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await publisher.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {clock.Elapsed}");
        TransportStatus final = publisher.TransportStatus;
        AssertSettled(final, 100);
        Assert.Equal(100, final.DroppedMessages);
    }

    [Fact]
    public async Task A_value_the_writer_refuses_is_counted_not_thrown()
    {
        var transport = new RecordingTransport();
        await using var publisher = TelemetryPublisher.Create(Options(), transport);
        publisher.Emit(new AppEvent { Source = "s", Message = "m", Severity = (AppEventSeverity)42 });
        publisher.Emit(Tick(1));
        await publisher.FlushAsync();
        TransportStatus status = publisher.TransportStatus;
        Assert.Equal(2, status.EventsEmitted);
        Assert.Equal(1, status.DroppedMessages);
        Assert.Single(transport.Lines);
    }

    [Fact]
    public async Task Latest_returns_the_last_event_of_each_type()
    {
        await using var publisher = TelemetryPublisher.Create(Options(), new RecordingTransport());
        Assert.False(publisher.TryGetLatest(out LoopTick _));
        Assert.Null(publisher.Latest<AppEvent>());
        publisher.Emit(Tick(1));
        publisher.Emit(Tick(2));
        publisher.Emit(new AppEvent { Source = "s", Message = "m" });
        Assert.Equal(Tick(2), publisher.Latest<LoopTick>());
        Assert.Equal("m", publisher.Latest<AppEvent>()!.Message);
    }

    [Fact]
    public void Invalid_options_name_every_bad_key()
    {
        var options = new TelemetryOptions
        {
            Transport = new TransportOptions
            {
                Type = "carrier_pigeon",
                WorkerPollSeconds = 0,
                Buffer = new BufferOptions { MaxBatchSize = 0, MaxBufferBytes = 10 },
                Worker = new WorkerOptions { RestartLimit = -1 },
            },
        };
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
        Assert.Equal(
            new[] { "telemetry.transport.type", "telemetry.transport.worker_poll_seconds", "telemetry.transport.buffer.max_batch_size", "telemetry.transport.buffer.max_buffer_bytes", "telemetry.transport.worker.restart_limit" },
            ex.Errors.Select(e => e.Key));
        Assert.Contains("carrier_pigeon", ex.Message);
    }
}

/// <summary>Tests that redirect Console.Error run alone.</summary>
[CollectionDefinition(nameof(ConsoleErrorCollection), DisableParallelization = true)]
public sealed class ConsoleErrorCollection;
