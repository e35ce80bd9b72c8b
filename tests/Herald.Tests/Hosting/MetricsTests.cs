using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Herald.Events;
using Herald.Tests.Runtime;
using Herald.Transports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;

namespace Herald.Tests.Hosting;

/// <summary>The meter <c>Herald</c> in a host: made by the host's <see cref="IMeterFactory"/>, named and typed as documented.</summary>
public sealed partial class MetricsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IHost Host_()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["telemetry:transport:type"] = "file",
            ["telemetry:transport:file_path"] = Path.Combine(_dir, "events.jsonl"),
            ["telemetry:transport:worker:send_retry_limit"] = "0",
        });
        builder.Services.AddMetrics();
        builder.AddHerald();
        return builder.Build();
    }

    [Fact]
    public async Task The_counters_come_from_the_hosts_meter_factory()
    {
        using IHost host = Host_();
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var emitted = new MetricCollector<long>(factory, "Herald", "herald.events.emitted");
        using var flushed = new MetricCollector<long>(factory, "Herald", "herald.events.flushed");
        var publisher = host.Services.GetRequiredService<TelemetryPublisher>();

        for (int i = 0; i < 5; i++) publisher.Emit(new LoopTick { Tick = i, DurationMs = 1, AgentCount = 1, EventsEmitted = 0 });
        await publisher.FlushAsync();
        emitted.RecordObservableInstruments();
        flushed.RecordObservableInstruments();

        Assert.Same(factory, emitted.Instrument!.Meter.Scope);
        Assert.Equal("{event}", emitted.Instrument.Unit);
        Assert.Equal(5, emitted.LastMeasurement!.Value);
        Assert.Equal("file", emitted.LastMeasurement.Tags["herald.transport.provider"]);
        Assert.Equal(5, flushed.LastMeasurement!.Value);
        Assert.Equal(0, flushed.LastMeasurement.Tags["herald.transport.index"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Each_send_records_its_duration_in_seconds()
    {
        using IHost host = Host_();
        await host.StartAsync();
        using var durations = new MetricCollector<double>(host.Services.GetRequiredService<IMeterFactory>(), "Herald", "herald.send.duration");
        var publisher = host.Services.GetRequiredService<TelemetryPublisher>();

        publisher.Emit(new LoopTick { Tick = 1, DurationMs = 1, AgentCount = 1, EventsEmitted = 0 });
        await publisher.FlushAsync();

        Assert.Equal("s", durations.Instrument!.Unit);
        CollectedMeasurement<double> send = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.InRange(send.Value, 0, 10); // seconds, not milliseconds: a local file write
        Assert.Equal("file", send.Tags["herald.transport.provider"]);
        Assert.False(send.Tags.ContainsKey("error.type"));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_failed_send_is_recorded_with_its_error_type()
    {
        // Publishers made without a host each have a meter named Herald in the global scope; the provider tells this one apart.
        var transport = new RecordingTransport { Provider = "failing-" + Guid.NewGuid().ToString("N"), Script = _ => SendResult.Transient("down") };
        var errorTypes = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Herald" && instrument.Name == "herald.send.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? provider = null, errorType = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "herald.transport.provider") provider = (string?)tag.Value;
                if (tag.Key == "error.type") errorType = (string?)tag.Value;
            }
            if (provider == transport.Provider) errorTypes.Enqueue(errorType);
        });
        listener.Start();
        await using var publisher = TelemetryPublisher.Create(PublisherTestKit.Options(retryLimit: 0), transport);
        publisher.Emit(PublisherTestKit.Tick(1));
        await PublisherTestKit.Eventually(() => !errorTypes.IsEmpty, "a failed send");

        Assert.All(errorTypes, e => Assert.Equal("retryable", e));
    }

    /// <summary>docs/runtime.md lists every instrument with its kind and unit; the meter publishes exactly those.</summary>
    [Fact]
    public async Task The_instruments_are_the_documented_ones()
    {
        using IHost host = Host_();
        await host.StartAsync();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        host.Services.GetRequiredService<TelemetryPublisher>(); // created by the start already; the meter is the factory's
        var published = new List<string>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == "Herald") published.Add($"{instrument.Name} {Kind(instrument)} {instrument.Unit}");
            };
            listener.Start();
        }

        string docs = File.ReadAllText(Path.Combine(Configuration.ConfigDocsTests.RepositoryRoot(), "docs", "runtime.md"));
        List<string> documented = DocumentedInstrument().Matches(docs).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}").ToList();
        Assert.NotEmpty(documented);
        Assert.Equal(documented.Order(StringComparer.Ordinal), published.Order(StringComparer.Ordinal));
        await host.StopAsync();
    }

    private static string Kind(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition().Name switch
    {
        "ObservableCounter`1" => "counter",
        "ObservableUpDownCounter`1" => "updowncounter",
        "ObservableGauge`1" => "gauge",
        "Histogram`1" => "histogram",
        var other => other,
    };

    // A row of the instrument table: | `herald.x.y` | kind | `unit` | ...
    [GeneratedRegex(@"^\| `(herald\.[a-z_.]+)` \| (\w+) \| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedInstrument();
}
