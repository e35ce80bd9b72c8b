using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Transports;

/// <summary>
/// The prometheus textfile transport writes node_exporter's format atomically. The file of the main test is kept at
/// $HERALD_PROMETHEUS_SAMPLE when set: .ci/run checks it with `promtool check metrics`.
/// </summary>
public sealed class PrometheusTextfileTransportTests
{
    [Fact]
    public async Task Counters_per_batch_and_per_type_in_the_exposition_format()
    {
        string? sample = Environment.GetEnvironmentVariable("HERALD_PROMETHEUS_SAMPLE");
        string directory = sample is null ? Directory.CreateTempSubdirectory("herald-prom-").FullName : Path.GetDirectoryName(Path.GetFullPath(sample))!;
        string path = sample is null ? Path.Combine(directory, "townlet_telemetry.prom") : Path.GetFullPath(sample);
        TelemetryOptions options = Options() with { Transport = Options().Transport with { Type = "prometheus", FilePath = path } };
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(options))
        {
            for (int i = 0; i < 30; i++) publisher.Emit(Tick(i));
            for (int i = 0; i < 20; i++) publisher.Emit(new AppMetric { Name = "fps", Value = 60, Unit = "count" });
            await publisher.FlushAsync();
            status = publisher.TransportStatus;
        }

        string[] lines = File.ReadAllLines(path);
        string Value(string series) => Assert.Single(lines, l => l.StartsWith(series + " ", StringComparison.Ordinal)).Split(' ')[1];
        Assert.Equal("50", Value("townlet_telemetry_messages_total"));
        Assert.Equal(status.BytesFlushedTotal.ToString(System.Globalization.CultureInfo.InvariantCulture), Value("townlet_telemetry_bytes_total"));
        Assert.Equal("30", Value("townlet_telemetry_type_messages_total{type=\"loop.tick\"}"));
        Assert.Equal("20", Value("townlet_telemetry_type_messages_total{type=\"app.metric\"}"));
        Assert.Equal("0", Value("townlet_telemetry_dropped_messages_total"));
        Assert.Contains("# TYPE townlet_telemetry_messages_total counter", lines);
        Assert.Contains("# TYPE townlet_telemetry_queue_length gauge", lines);
        Assert.All(lines.Where(l => !l.StartsWith('#')), l => Assert.Contains(lines, h => h.StartsWith("# HELP " + l.Split('{', ' ')[0] + " ", StringComparison.Ordinal)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
        if (sample is null) Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_custom_prefix_and_an_invalid_one()
    {
        string directory = Directory.CreateTempSubdirectory("herald-prom-").FullName;
        try
        {
            string path = Path.Combine(directory, "game.prom");
            TelemetryOptions options = Options() with { Transport = Options().Transport with { Type = "prometheus", FilePath = path, MetricPrefix = "game:telemetry" } };
            await using (var publisher = TelemetryPublisher.Create(options))
            {
                publisher.Emit(Tick(1));
                await publisher.FlushAsync();
            }
            Assert.Contains("game:telemetry_messages_total 1", File.ReadAllLines(path));

            var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options with { Transport = options.Transport with { MetricPrefix = "9bad-name" } }));
            Assert.Equal("telemetry.transport.metric_prefix", Assert.Single(ex.Errors).Key);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
