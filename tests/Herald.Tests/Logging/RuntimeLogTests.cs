using Herald.Events;
using Herald.Publishing;
using Herald.Tests.Runtime;
using Microsoft.Extensions.Logging;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Logging;

/// <summary>
/// The runtime's own state changes reach its logger once each, with their event ids (docs/runtime.md, "Logging"):
/// stub mode chosen, a worker restarting and dying, the stub fallback, a failing handler. The stderr banners go to a
/// captured writer (Console.Error is process-wide, hence the collection).
/// </summary>
[Collection(nameof(ConsoleErrorCollection))]
public sealed class RuntimeLogTests
{
    /// <summary>Runs <paramref name="test"/> with standard error captured; returns what it got.</summary>
    private static async Task<string> WithStandardError(Func<Task> test)
    {
        var errors = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(errors);
        try
        {
            await test();
        }
        finally
        {
            Console.SetError(original);
        }
        return errors.ToString();
    }

    [Fact]
    public async Task Stub_mode_chosen_by_configuration_logs_StubChosen_once()
    {
        var logs = new CapturedLogs();
        TelemetryOptions options = Options();
        options = options with { Transport = options.Transport with { Type = "stub" } };

        string stderr = await WithStandardError(async () =>
        {
            await using var publisher = TelemetryPublisher.Create(options, logs.Logger);
            for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
        });

        CapturedLog entry = Assert.Single(logs.Entries); // once, not per event
        Assert.Equal((HeraldLog.Ids.StubChosen, "StubChosen", LogLevel.Warning), (entry.EventId.Id, entry.EventId.Name, entry.Level));
        Assert.Equal("transport type 'stub'", entry.Value<string>("Reason"));
        Assert.Equal("Telemetry runs as the stub sink (transport type 'stub'): events are counted as dropped and not sent.", entry.Message);
        Assert.Contains("[herald] WARNING: telemetry runs as the stub sink (transport type 'stub')", stderr); // the console banner stays
    }

    [Fact]
    public async Task A_crashing_transport_logs_each_restart_then_its_death_and_the_stub_fallback_once()
    {
        var logs = new CapturedLogs();
        var transport = new RecordingTransport { Provider = "crashing", Throw = new IOException("disk on fire, token=s3cret-value") };
        TransportStatus final = default!;

        string stderr = await WithStandardError(async () =>
        {
            await using var publisher = TelemetryPublisher.Create(Options(restartLimit: 2), transport, logs.Logger);
            for (int round = 0; round < 3; round++) // first run + 2 restarts, each crashing on its first send
            {
                for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
                await publisher.FlushAsync();
            }
            await Eventually(() => !publisher.TransportStatus.WorkerAlive, "the worker to stop for good");
            for (int i = 0; i < 50; i++) publisher.Emit(Tick(i)); // the stub now: nothing more is logged
            final = publisher.TransportStatus;
        });

        IReadOnlyList<CapturedLog> restarts = logs.WithId(HeraldLog.Ids.WorkerRestarted);
        Assert.Equal([1, 2], restarts.Select(r => r.Value<int>("Restart")));
        Assert.All(restarts, r => Assert.Equal((LogLevel.Warning, "crashing", 2), (r.Level, r.Value<string>("Provider"), r.Value<int>("RestartLimit"))));
        CapturedLog died = Assert.Single(logs.WithId(HeraldLog.Ids.WorkerDied));
        Assert.Equal((LogLevel.Error, "WorkerDied", 0), (died.Level, died.EventId.Name, died.Value<int>("LiveTransports")));
        Assert.Equal("IOException: disk on fire, token=[REDACTED]", died.Value<string>("Error")); // scrubbed as a transport's error is
        CapturedLog fallback = Assert.Single(logs.WithId(HeraldLog.Ids.StubFallback));
        Assert.Equal((LogLevel.Error, "crashing"), (fallback.Level, fallback.Value<string>("Provider")));
        Assert.Equal(4, logs.Entries.Count); // nothing else, and nothing per event
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
        Assert.Equal(80, final.DroppedMessages);
        Assert.Contains("Telemetry now runs as the stub sink", stderr);
    }

    [Fact]
    public async Task One_of_two_transports_dying_logs_WorkerDied_without_the_stub_fallback()
    {
        var logs = new CapturedLogs();
        var crashing = new RecordingTransport { Provider = "crashing", Throw = new IOException("disk on fire") };
        var healthy = new RecordingTransport { Provider = "healthy" };

        await WithStandardError(async () =>
        {
            await using var publisher = TelemetryPublisher.Create(Options(restartLimit: 0), [crashing, healthy], logs.Logger);
            for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
            publisher.Tick(1);
            await Eventually(() => !publisher.TransportStatus.Transports[0].WorkerAlive, "the crashing worker to stop");
            await publisher.FlushAsync();
        });

        CapturedLog died = Assert.Single(logs.WithId(HeraldLog.Ids.WorkerDied));
        Assert.Equal(("crashing", 1), (died.Value<string>("Provider"), died.Value<int>("LiveTransports")));
        Assert.StartsWith("The crashing transport's worker stopped after 0 restarts (IOException: disk on fire)", died.Message);
        Assert.Empty(logs.WithId(HeraldLog.Ids.StubFallback));
        Assert.Empty(logs.WithId(HeraldLog.Ids.WorkerRestarted));
        Assert.Equal(100, healthy.Lines.Count);
    }

    [Fact]
    public async Task A_throwing_handler_logs_HandlerFailed_with_its_exception()
    {
        var logs = new CapturedLogs();
        await using (var publisher = TelemetryPublisher.Create(Options(), new RecordingTransport(), logs.Logger))
        {
            publisher.Subscribe<LoopTick>(Explode);
            for (int i = 0; i < 3; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            await Eventually(() => publisher.TransportStatus.HandlerErrors == 3, "three handler errors");
        }

        IReadOnlyList<CapturedLog> failed = logs.WithId(HeraldLog.Ids.HandlerFailed);
        Assert.Equal(3, failed.Count);
        Assert.All(failed, f => Assert.Equal((LogLevel.Error, "handler bug", "HandlerFailed"), (f.Level, f.Exception?.Message, f.EventId.Name)));
        Assert.All(failed, f => Assert.Contains(nameof(Explode), f.Value<string>("Handler")));
        Assert.Equal(3, logs.Entries.Count);
    }

    private static void Explode(LoopTick tick) => throw new InvalidOperationException("handler bug");
}
