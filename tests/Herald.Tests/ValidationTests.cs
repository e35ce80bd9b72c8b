using System.Collections.Immutable;
using System.Text;
using Herald.Events;
using Herald.Tests.Schemas;

namespace Herald.Tests;

/// <summary>The generated Validate(): schema constraints with the JSON path of the first violation.</summary>
public sealed class ValidationTests
{
    private static TelemetryMetricsPublished Metrics(double cpu) => new()
    {
        RobotId = "r1",
        Metrics = new TelemetryMetricsPublishedMetrics { CpuUsage = cpu, MemoryUsage = 1, NetworkLatencyMs = 1, BatteryPercentage = 50 },
        PublishedAt = 1,
    };

    [Fact]
    public void A_valid_event_validates_to_null()
    {
        Assert.Null(Metrics(45.2).Validate());
        Assert.Null(TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson())).Validate());
    }

    [Fact]
    public void Bounds_report_the_nested_path()
    {
        Assert.Equal("$.metrics.cpu_usage: must be <= 100", Metrics(101).Validate());
        Assert.Equal("$.metrics.cpu_usage: must be >= 0", Metrics(-0.5).Validate());
        Assert.Equal("$.metrics.cpu_usage: must be >= 0", Metrics(double.NaN).Validate());
    }

    [Fact]
    public void Constraints_inside_array_items_and_maps_apply()
    {
        TestKitchenSink sink = TestKitchenSink.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.KitchenSinkJson()));
        var agents = sink.Agents.SetItem(1, sink.Agents[1] with { Energy = 2 });
        Assert.Equal("$.agents[1].energy: must be <= 1", (sink with { Agents = agents }).Validate());
        var homeless = new TestKitchenSinkAgentsItem { Name = "c", Energy = 0, Home = null };
        Assert.Null((sink with { Agents = sink.Agents.Add(homeless) }).Validate()); // home is optional
        Assert.Null((sink with { Names = default }).Validate()); // a default array is an empty array, which is valid
        var places = ImmutableDictionary<string, Point>.Empty.Add("x y", null!);
        Assert.Equal("$.places['x y']: null is not allowed", (sink with { Places = places }).Validate());
    }

    [Fact]
    public void Lengths_count_code_points_and_required_references_must_be_set()
    {
        Assert.Equal("$.source: must be at least 1 characters long", new AppEvent { Source = "", Message = "m" }.Validate());
        Assert.Null(new AppEvent { Source = "😀", Message = "m" }.Validate());
        Assert.Equal("$.message: required property is null", new AppEvent { Source = "s", Message = null! }.Validate());
        Assert.Equal("$.severity: not a value of the schema's enum", new AppEvent { Source = "s", Message = "m", Severity = (AppEventSeverity)42 }.Validate());
    }

    [Fact]
    public void Validating_a_valid_hot_event_allocates_nothing()
    {
        var tick = new LoopTick { Tick = 1, DurationMs = 16.5, AgentCount = 3, EventsEmitted = 7 };
        for (int i = 0; i < 100; i++) Assert.Null(tick.Validate());
        Assert.Equal(0, AllocationProbe.SmallestRound(() => tick.Validate()));
        Assert.Equal("$.tick: must be >= 0", (tick with { Tick = -1 }).Validate());
    }
}
