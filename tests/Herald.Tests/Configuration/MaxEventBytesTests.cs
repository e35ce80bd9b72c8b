using Microsoft.Extensions.Configuration;

namespace Herald.Tests.Configuration;

/// <summary><c>telemetry.transport.buffer.max_event_bytes</c>: the largest serialized envelope accepted.</summary>
public sealed class MaxEventBytesTests : IDisposable
{
    private const string Key = "telemetry.transport.buffer.max_event_bytes";
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-event-bytes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TelemetryOptions FromYaml(string buffer)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, $"telemetry:\n  transport:\n    buffer: {{{buffer}}}\n");
        return TelemetryOptions.FromFile(path);
    }

    [Fact]
    public void Not_set_it_is_1_MiB_or_the_buffer_when_that_is_smaller()
    {
        Assert.Null(new BufferOptions().MaxEventBytes);
        Assert.Equal(1 << 20, new BufferOptions().EffectiveMaxEventBytes);
        Assert.Equal(65536, new BufferOptions { MaxBufferBytes = 65536 }.EffectiveMaxEventBytes);
        Assert.Equal(1 << 20, FromYaml("max_batch_size: 8").Transport.Buffer.EffectiveMaxEventBytes);
        Assert.Equal(65536, FromYaml("max_buffer_bytes: 65536").Transport.Buffer.EffectiveMaxEventBytes);
    }

    [Fact]
    public void An_explicit_value_is_used_from_a_file_a_section_and_code()
    {
        Assert.Equal(4096, FromYaml("max_event_bytes: 4096").Transport.Buffer.EffectiveMaxEventBytes);
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["telemetry:transport:buffer:max_event_bytes"] = "2097152",
        }).Build();
        Assert.Equal(2 << 20, TelemetryOptions.FromConfiguration(config.GetSection("telemetry")).Transport.Buffer.EffectiveMaxEventBytes);
        var options = new TelemetryOptions { Transport = new TransportOptions { Buffer = new BufferOptions { MaxEventBytes = 256, MaxBufferBytes = 8192 } } };
        Assert.Empty(TelemetryOptionsValidator.Validate(options));
        Assert.Equal(256, options.Transport.Buffer.EffectiveMaxEventBytes);
    }

    [Theory]
    [InlineData("max_event_bytes: 255", "255", "must be at least 256")]
    [InlineData("max_event_bytes: 0", "0", "must be at least 256")]
    [InlineData("max_event_bytes: 20000000", "20000000", "must be at most max_buffer_bytes (16777216)")]
    [InlineData("max_buffer_bytes: 65536, max_event_bytes: 65537", "65537", "must be at most max_buffer_bytes (65536)")]
    public void Out_of_range_names_the_key(string buffer, string value, string reason)
    {
        var ex = Assert.Throws<TelemetryConfigException>(() => FromYaml(buffer));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal((Key, value), (error.Key, error.Value));
        Assert.Contains(reason, error.Reason);
        Assert.NotNull(error.Location);
    }

    [Fact]
    public void Out_of_range_in_code_names_the_key()
    {
        var tooSmall = new TelemetryOptions { Transport = new TransportOptions { Buffer = new BufferOptions { MaxEventBytes = 100 } } };
        var aboveBuffer = new TelemetryOptions { Transport = new TransportOptions { Buffer = new BufferOptions { MaxBufferBytes = 8192, MaxEventBytes = 8193 } } };

        Assert.Equal((Key, "100"), Assert.Single(TelemetryOptionsValidator.Validate(tooSmall)) is var a ? (a.Key, a.Value) : default);
        ConfigError above = Assert.Single(TelemetryOptionsValidator.Validate(aboveBuffer));
        Assert.Equal((Key, "8193", "must be at most max_buffer_bytes (8192)"), (above.Key, above.Value, above.Reason));
        Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(aboveBuffer));
    }
}
