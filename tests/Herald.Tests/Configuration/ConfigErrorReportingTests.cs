using Herald.Events;
using Microsoft.Extensions.Configuration;

namespace Herald.Tests.Configuration;

/// <summary>Every error in one exception, and values code can hold that no configuration can (an undefined enum value).</summary>
public sealed class ConfigErrorReportingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_undefined_backpressure_mode_is_an_error_naming_the_key()
    {
        var options = new TelemetryOptions { Transport = new TransportOptions { Worker = new WorkerOptions { Backpressure = (BackpressureMode)42 } } };

        ConfigError error = Assert.Single(TelemetryOptionsValidator.Validate(options));
        Assert.Equal(("telemetry.transport.worker.backpressure", "42", "must be one of drop_oldest, block, fan_out"), (error.Key, error.Value, error.Reason));
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
        Assert.Equal("telemetry.transport.worker.backpressure", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Transform_errors_are_reported_with_every_other_error_from_a_file()
    {
        string path = Path.Combine(_dir, "telemetry.yaml");
        File.WriteAllText(path, """
            telemetry:
              transport:
                type: tcp
                buffer: {max_batch_size: 0}
              transforms:
                pipeline:
                  - redact_fields: {fields: [isuer], kinds: [console.result]}
            """);

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path, HeraldEvents.Registry));

        Assert.Equal(
            new[]
            {
                "telemetry.transforms.pipeline[0].redact_fields.fields[0]",
                "telemetry.transport.buffer.max_batch_size",
                "telemetry.transport.endpoint",
            },
            ex.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(path + "(7,34)", ex.Errors.Single(e => e.Key.EndsWith("fields[0]", StringComparison.Ordinal)).Location);
    }

    [Fact]
    public void Transform_errors_are_reported_with_every_other_error_from_a_section_and_from_code()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["telemetry:transport:buffer:max_batch_size"] = "0",
            ["telemetry:transport:auth_token_env"] = "HERALD_TEST_UNSET_" + Guid.NewGuid().ToString("N"),
            ["telemetry:transforms:pipeline:0:ensure_fields:required_fields_by_kind:loop.tik:0"] = "tick",
        }).Build();
        var fromSection = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromConfiguration(config.GetSection("telemetry"), HeraldEvents.Registry));
        Assert.Equal(
            new[]
            {
                "telemetry.transforms.pipeline[0].ensure_fields.required_fields_by_kind.loop.tik",
                "telemetry.transport.auth_token_env",
                "telemetry.transport.buffer.max_batch_size",
            },
            fromSection.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        var options = new TelemetryOptions
        {
            Transport = new TransportOptions { Type = "fille", Buffer = new BufferOptions { MaxBatchSize = 0 } },
            Transforms = new TransformsOptions { Pipeline = [new RedactFieldsTransform(["isuer"]) { Kinds = ["console.result"] }] },
            Events = HeraldEvents.Registry,
        };
        Assert.Equal(
            new[]
            {
                "telemetry.transforms.pipeline[0].redact_fields.fields[0]",
                "telemetry.transport.buffer.max_batch_size",
                "telemetry.transport.type",
            },
            TelemetryOptionsValidator.Validate(options).Select(e => e.Key).Order(StringComparer.Ordinal));
    }
}
