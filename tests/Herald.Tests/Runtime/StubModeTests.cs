using Herald.Tests.Runtime;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>
/// Stub mode chosen by configuration (<c>transport.type: stub</c> or <c>enabled: false</c>): nothing is sent, every
/// event is counted as dropped, no worker runs, and a warning banner says so once on standard error and in the log.
/// </summary>
[Collection(nameof(ConsoleErrorCollection))]
public sealed class StubModeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-stub-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("telemetry:\n  transport: {type: stub}\n", "transport type 'stub'")]
    [InlineData("telemetry:\n  enabled: false\n  transport: {type: file, file_path: never.jsonl}\n", "enabled: false")]
    public async Task Stub_by_configuration_counts_every_event_as_dropped_and_says_so_once(string yaml, string why)
    {
        string path = Path.Combine(_dir, "telemetry.yaml");
        File.WriteAllText(path, yaml);
        TelemetryOptions options = TelemetryOptions.FromFile(path) with { ShutdownTimeout = TimeSpan.FromSeconds(30) };
        Assert.True(options.IsStub);

        var errors = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(errors);
        var logger = new ListLogger();
        try
        {
            var publisher = TelemetryPublisher.Create(options, logger);
            for (int i = 0; i < 100; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10)); // no worker to wait for
            TransportStatus status = publisher.TransportStatus;
            // No worker to stop: disposal does not wait out the 30 s shutdown timeout.
            await publisher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(("stub", 100L, 100L, 0L, 0L), (status.Provider, status.EventsEmitted, status.DroppedMessages, status.PayloadsFlushedTotal, status.QueueLength));
            Assert.False(status.WorkerAlive);
            Assert.False(File.Exists(Path.Combine(_dir, "never.jsonl")));
            Assert.False(File.Exists("never.jsonl"));
            string banner = Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("WARNING"));
            Assert.Contains("stub sink (" + why + ")", banner);
            Assert.Equal($"Telemetry runs as the stub sink ({why}): events are counted as dropped and not sent.", Assert.Single(logger.Messages));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Fact]
    public void Telemetry_turned_off_does_not_check_the_connection_it_will_not_open()
    {
        string path = Path.Combine(_dir, "telemetry.yaml");
        File.WriteAllText(path, "telemetry:\n  enabled: false\n  transport: {type: http, endpoint: \"http://127.0.0.1:9/\", auth_token_env: HERALD_TEST_UNSET_TOKEN_OFF}\n");

        TelemetryOptions options = TelemetryOptions.FromFile(path); // the unset token variable is no error while off
        Assert.True(options.IsStub);
        File.WriteAllText(path.Replace("telemetry.yaml", "on.yaml"), File.ReadAllText(path).Replace("enabled: false", "enabled: true"));
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path.Replace("telemetry.yaml", "on.yaml")));
        Assert.Contains("HERALD_TEST_UNSET_TOKEN_OFF: the environment variable is not set", ex.Message);
    }

    [Fact]
    public void The_stub_may_not_be_one_of_several_transports()
    {
        string path = Path.Combine(_dir, "telemetry.yaml");
        File.WriteAllText(path, "telemetry:\n  transports:\n    - {type: stdout}\n    - {type: stub}\n");

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path));

        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal(("telemetry.transports[1].type", "stub"), (error.Key, error.Value));
        Assert.Contains("telemetry.transport.type: stub", error.Reason);
    }
}
