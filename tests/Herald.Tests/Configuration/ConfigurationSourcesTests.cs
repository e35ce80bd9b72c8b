using Herald.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Herald.Tests.Configuration;

/// <summary>Microsoft.Extensions.Configuration: files, environment and command-line overrides, appsettings JSON, and the host.</summary>
public sealed class ConfigurationSourcesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-mec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Environment_and_command_line_override_single_keys_of_the_file()
    {
        string yaml = Path.Combine(_dir, "telemetry.yaml");
        File.WriteAllText(yaml, """
            telemetry:
              transport:
                type: stdout
                buffer: {max_batch_size: 64, flush_interval_ticks: 3}
              transforms:
                pipeline: [snapshot_normalizer, schema_validator]
            """);
        string variable = "HERALD_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable + "TELEMETRY__TRANSPORT__BUFFER__MAX_BATCH_SIZE", "128");
        try
        {
            IConfiguration config = new ConfigurationBuilder()
                .AddTelemetryFile(yaml)
                .AddEnvironmentVariables(variable)
                .AddCommandLine(new[] { "--telemetry:transport:type=file", $"--telemetry:transport:file_path={_dir}/out.jsonl" })
                .Build();

            TelemetryOptions o = TelemetryOptions.FromConfiguration(config.GetSection("telemetry"));

            Assert.Equal("file", o.Transport.Type);                  // command line
            Assert.Equal($"{_dir}/out.jsonl", o.Transport.FilePath);
            Assert.Equal(128, o.Transport.Buffer.MaxBatchSize);       // environment, upper-case keys
            Assert.Equal(3, o.Transport.Buffer.FlushIntervalTicks);   // file
            Assert.Equal(new[] { typeof(SnapshotNormalizerTransform), typeof(SchemaValidatorTransform) }, o.Transforms.Pipeline.Select(t => t.GetType()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable + "TELEMETRY__TRANSPORT__BUFFER__MAX_BATCH_SIZE", null);
        }
    }

    [Fact]
    public void Appsettings_section_errors_name_every_key()
    {
        string json = Path.Combine(_dir, "appsettings.json");
        File.WriteAllText(json, """
            { "telemetry": { "transport": { "type": "carrier-pigeon", "buffer": { "max_batch_size": 0 } },
                             "transforms": { "pipeline": [ { "redact_fields": { "kinds": ["loop.tick"] } } ] } } }
            """);
        IConfiguration config = new ConfigurationBuilder().AddJsonFile(json).Build();

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromConfiguration(config.GetSection("telemetry"), HeraldEvents.Registry));

        Assert.Equal(
            new[]
            {
                "telemetry.transforms.pipeline[0].redact_fields.fields",
                "telemetry.transport.buffer.max_batch_size",
                "telemetry.transport.type",
            },
            ex.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(ex.Errors, e => Assert.Null(e.Location));
    }

    [Fact]
    public async Task AddHerald_runs_the_publisher_for_the_host_lifetime_and_flushes_on_stop()
    {
        string output = Path.Combine(_dir, "events.jsonl");
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["telemetry:transport:type"] = "file",
            ["telemetry:transport:file_path"] = output,
            ["telemetry:transport:worker_poll_seconds"] = "30", // only the stop flush can deliver in time
            ["telemetry:transport:buffer:flush_interval_ticks"] = "0",
            // Names an event field with no registry passed: checked and applied against the registered events.
            ["telemetry:transforms:pipeline:0:redact_fields:fields:0"] = "command",
            ["telemetry:transforms:pipeline:0:redact_fields:kinds:0"] = "console.result",
        });
        builder.Services.AddHerald(builder.Configuration.GetSection("telemetry"));

        using (IHost host = builder.Build())
        {
            await host.StartAsync();
            ITelemetrySink sink = host.Services.GetRequiredService<ITelemetrySink>();
            Assert.Same(host.Services.GetRequiredService<TelemetryPublisher>(), sink);
            for (int i = 0; i < 99; i++) sink.Emit(new LoopTick { Tick = i, DurationMs = 1, AgentCount = 1, EventsEmitted = 0 });
            sink.Emit(new ConsoleResult { Tick = 99, Command = "give gold", Status = ConsoleResultStatus.Ok, DurationMs = 1 });
            await host.StopAsync();

            TransportStatus status = sink.TransportStatus;
            Assert.Equal(100, status.PayloadsFlushedTotal);
            Assert.Equal(0, status.DroppedMessages);
        }
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(100, lines.Length);
        Assert.Contains("\"command\":\"[REDACTED]\"", lines[^1]);
    }
}
