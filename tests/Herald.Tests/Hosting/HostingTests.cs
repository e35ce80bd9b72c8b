using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Herald.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Tests.Hosting;

/// <summary>Herald in a generic host: the options pattern, validation on start, the builder extension, shutdown.</summary>
public sealed class HostingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-hosting-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public void The_options_are_bound_from_the_section_and_served_as_IOptions()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["telemetry:transport:type"] = "file",
            ["telemetry:transport:file_path"] = Path.Combine(_dir, "events.jsonl"),
            ["telemetry:transport:buffer:max_batch_size"] = "64",
            ["telemetry:transport:worker:backpressure"] = "block",
            ["telemetry:shutdown_timeout_seconds"] = "7",
        });
        builder.AddHerald(configure: o => o with { Source = "hosting_test" });

        using IHost host = builder.Build();
        TelemetryOptions options = host.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        Assert.Equal("file", options.Transport.Type);
        Assert.Equal(64, options.Transport.Buffer.MaxBatchSize);
        Assert.Equal(BackpressureMode.Block, options.Transport.Worker.Backpressure);
        Assert.Equal(TimeSpan.FromSeconds(7), options.ShutdownTimeout);
        Assert.Equal("hosting_test", options.Source);
        Assert.Same(options, host.Services.GetRequiredService<TelemetryOptions>());
    }

    [Fact]
    public async Task An_invalid_section_fails_the_host_start_naming_every_bad_key()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["telemetry:transport:type"] = "carrier_pigeon",
            ["telemetry:transport:buffer:max_batch_size"] = "lots",
            ["telemetry:transport:worker:backpressure"] = "drop_newest",
        });
        builder.AddHerald(); // registration reads nothing yet

        using IHost host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(typeof(TelemetryOptions), ex.OptionsType);
        Assert.Contains(ex.Failures, f => f.StartsWith("telemetry.transport.type = carrier_pigeon", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("telemetry.transport.buffer.max_batch_size = lots", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("telemetry.transport.worker.backpressure = drop_newest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_built_in_code_are_checked_against_the_rule_table_on_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddHerald(new TelemetryOptions
        {
            Transport = new TransportOptions { Type = "file", FilePath = Path.Combine(_dir, "x.jsonl"), Buffer = new BufferOptions { MaxBatchSize = 0 } },
        });

        using IHost host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.StartsWith("telemetry.transport.buffer.max_batch_size = 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_validator_of_the_application_runs_beside_the_rule_table()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["telemetry:transport:type"] = "file",
            ["telemetry:transport:file_path"] = Path.Combine(_dir, "events.jsonl"),
        });
        builder.AddHerald();
        builder.Services.AddOptions<TelemetryOptions>().Validate(o => o.Source is not null, "the studio requires telemetry.source");

        using IHost host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("the studio requires telemetry.source", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task The_builder_extension_reads_the_section_under_environment_overrides_and_runs_the_publisher()
    {
        string output = Path.Combine(_dir, "events.jsonl");
        HostApplicationBuilder builder = Builder(new()
        {
            ["telemetry:transport:type"] = "stdout",
            ["telemetry:transport:worker_poll_seconds"] = "30",
        });
        // A later source overrides single keys, as environment variables (telemetry__transport__type) do.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["telemetry:transport:type"] = "file",
            ["telemetry:transport:file_path"] = output,
        });
        builder.AddHerald(HeraldEvents.Registry);

        using (IHost host = builder.Build())
        {
            await host.StartAsync();
            ITelemetrySink sink = host.Services.GetRequiredService<ITelemetrySink>();
            for (int i = 0; i < 25; i++) sink.Emit(new LoopTick { Tick = i, DurationMs = 1, AgentCount = 1, EventsEmitted = 0 });
            await host.StopAsync();
            Assert.Equal(25, sink.TransportStatus.PayloadsFlushedTotal);
        }
        Assert.Equal(25, File.ReadAllLines(output).Length);
    }

    [Fact]
    public async Task Stopping_honours_the_hosts_shutdown_timeout_and_accounts_for_every_event()
    {
        // A collector that accepts connections and never answers: in block mode the worker would retry for the whole
        // shutdown_timeout_seconds (60 here); the host gives it one second.
        using var collector = new TcpListener(IPAddress.Loopback, 0);
        collector.Start();
        var held = new System.Collections.Concurrent.ConcurrentQueue<Socket>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) held.Enqueue(await collector.AcceptSocketAsync());
            }
            catch (Exception) { /* listener stopped */ }
        });
        HostApplicationBuilder builder = Builder(new()
        {
            ["telemetry:shutdown_timeout_seconds"] = "60",
            ["telemetry:transport:type"] = "http",
            ["telemetry:transport:endpoint"] = $"http://127.0.0.1:{((IPEndPoint)collector.LocalEndpoint).Port}/ingest",
            ["telemetry:transport:send_timeout_seconds"] = "60",
            ["telemetry:transport:worker:backpressure"] = "block",
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.AddHerald();

        using IHost host = builder.Build();
        await host.StartAsync();
        ITelemetrySink sink = host.Services.GetRequiredService<ITelemetrySink>();
        for (int i = 0; i < 10; i++) sink.Emit(new LoopTick { Tick = i, DurationMs = 1, AgentCount = 1, EventsEmitted = 0 });
        await Runtime.PublisherTestKit.Eventually(() => !held.IsEmpty, "the transport to connect");

        var clock = Stopwatch.StartNew();
        await host.StopAsync();
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {clock.Elapsed}; the host allowed 1 s, Herald's own timeout is 60 s");
        TransportStatus status = sink.TransportStatus;
        Assert.Equal(10, status.EventsEmitted);
        Assert.Equal(0, status.PayloadsFlushedTotal);
        Assert.Equal(10, status.DroppedMessages);
        collector.Stop();
        foreach (Socket socket in held) socket.Dispose();
    }

    [Fact]
    public async Task The_health_check_is_served_by_the_hosts_health_check_service()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["telemetry:transport:type"] = "file",
            ["telemetry:transport:file_path"] = Path.Combine(_dir, "events.jsonl"),
        });
        builder.AddHerald();
        builder.Services.AddHealthChecks().AddHerald(tags: ["ready"]);

        using IHost host = builder.Build();
        await host.StartAsync();
        var sink = host.Services.GetRequiredService<TelemetryPublisher>();
        sink.Emit(new LoopTick { Tick = 1, DurationMs = 1, AgentCount = 1, EventsEmitted = 0 });
        await sink.FlushAsync();

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));
        HealthReportEntry entry = report.Entries["herald"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(1L, entry.Data["flushed"]);
        Assert.Equal("file", entry.Data["transport.0.provider"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task With_the_logging_provider_an_invalid_section_still_fails_start_with_the_validation_error_and_logging_keeps_working()
    {
        HostApplicationBuilder builder = Builder(new() { ["telemetry:transport:type"] = "fille" });
        builder.AddHerald();
        builder.Logging.AddHerald();

        using IHost host = builder.Build();
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Game");
        log.LogInformation("before start"); // resolves nothing that throws into the caller
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.StartsWith("telemetry.transport.type = fille", StringComparison.Ordinal));
        log.LogInformation("after a failed start");
    }

    [Fact]
    public void A_second_AddHerald_is_refused_instead_of_ignored()
    {
        HostApplicationBuilder builder = Builder(new() { ["telemetry:transport:type"] = "stdout" });
        builder.AddHerald();
        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddHerald(sectionName: "other"));
        Assert.Contains("already called", ex.Message);
    }
}
