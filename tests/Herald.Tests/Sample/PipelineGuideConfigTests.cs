using System.Text.Json;
using Herald.Tests.Runtime;
using Townlet.Sim;

namespace Herald.Tests.Sample;

/// <summary>
/// The pipeline guide's configuration (samples/Townlet.Sim/configs/pipeline-guide.yaml, kept exactly as the guide
/// writes it) against the town's world events: its transforms name the kinds <c>snapshot</c> and <c>diff</c>, which
/// world.snapshot and world.diff declare with <c>x-kind</c>, and no registry is passed anywhere.
/// </summary>
public sealed class PipelineGuideConfigTests : IDisposable
{
    private static readonly string GuideFile = Path.Combine(AppContext.BaseDirectory, "configs", "pipeline-guide.yaml");
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-guide-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(TransportStatus Status, List<JsonElement> Lines)> RunTownAsync(TelemetryOptions options, int ticks)
    {
        var transport = new RecordingTransport();
        TransportStatus status;
        // Block mode for the run only: the guide's small drop_oldest buffer is not what is tested here, the transforms are.
        options = options with { Transport = options.Transport with { Worker = options.Transport.Worker with { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 10 } } };
        await using (var publisher = TelemetryPublisher.Create(options, transport))
        {
            new Simulation(new SimSettings { Ticks = ticks }, publisher).Run();
            await publisher.FlushAsync();
            await publisher.DisposeAsync();
            status = publisher.TransportStatus;
        }
        return (status, transport.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList());
    }

    [Fact]
    public void The_guide_file_is_the_guide_text_and_loads_without_a_registry()
    {
        Assert.StartsWith("telemetry:\n  transport:\n    type: stdout   # stdout | file | tcp | http | websocket (stub) | prometheus (textfile)", File.ReadAllText(GuideFile).ReplaceLineEndings("\n"));

        (TelemetryOptions o, _) = TelemetrySettings.Load(new SimArguments { ConfigFile = GuideFile });

        Assert.Null(o.Events); // nothing passed: the registered events are used
        Assert.Equal(("stdout", 32, 256000), (o.Transport.Type, o.Transport.Buffer.MaxBatchSize, o.Transport.Buffer.MaxBufferBytes));
        Assert.Collection(o.Transforms.Pipeline,
            t => Assert.IsType<SnapshotNormalizerTransform>(t),
            t => Assert.Equal(["snapshot", "diff"], Assert.IsType<RedactFieldsTransform>(t).Kinds.ToArray()),
            t => Assert.Equal(["schema_version", "tick"], Assert.IsType<EnsureFieldsTransform>(t).RequiredFieldsByKind["snapshot"].ToArray()));
    }

    [Fact]
    public async Task The_guide_pipeline_redacts_both_kinds_normalizes_and_ensures_snapshots()
    {
        (TelemetryOptions options, _) = TelemetrySettings.Load(new SimArguments { ConfigFile = GuideFile });

        var (status, lines) = await RunTownAsync(options, ticks: 1_200);

        Assert.Equal(status.EventsEmitted, status.PayloadsFlushedTotal);
        Assert.Equal(0, status.RejectedMessages);
        List<JsonElement> snapshots = lines.Where(l => l.GetProperty("type").GetString() == "world.snapshot").Select(l => l.GetProperty("payload")).ToList();
        List<JsonElement> diffs = lines.Where(l => l.GetProperty("type").GetString() == "world.diff").Select(l => l.GetProperty("payload")).ToList();
        Assert.Equal(2, snapshots.Count);  // every 600 ticks
        Assert.Equal(20, diffs.Count);     // every 60 ticks
        Assert.All(snapshots.Concat(diffs), p => Assert.Equal("[REDACTED]", p.GetProperty("policy_identity").GetString()));
        Assert.Equal([600L, 1200L], snapshots.Select(p => p.GetProperty("tick").GetInt64()));
        Assert.All(snapshots, p => Assert.Equal(WorldTelemetry.SnapshotLayout, p.GetProperty("schema_version").GetString()));
        Assert.All(snapshots, p => Assert.Equal(129, p.GetProperty("agents").GetArrayLength())); // 128 + the console's spawn at tick 600
        Assert.Contains(diffs, p => p.GetProperty("agents_joined").EnumerateArray().Any());
        // snapshot_normalizer: the employment map's keys in ordinal order, whatever the dictionary's order.
        Assert.All(snapshots, p =>
        {
            var keys = p.GetProperty("employment").EnumerateObject().Select(e => e.Name).ToList();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        });
        // Other events keep their fields: redact_fields named kinds, not every event with a string field.
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "console.result" && l.GetProperty("payload").GetProperty("command").GetString() == "status");
    }

    [Fact]
    public async Task Ensure_fields_by_kind_rejects_and_counts_the_events_of_that_kind_missing_a_field()
    {
        // world.diff's weather is null unless it changed: ensuring it for the kind 'diff' rejects those diffs.
        string path = Write("t.yaml", """
            telemetry:
              transport: {type: stdout}
              transforms:
                pipeline:
                  - ensure_fields: {required_fields_by_kind: {diff: [weather]}}
            """);
        TelemetryOptions options = TelemetryOptions.FromFile(path);

        var (status, lines) = await RunTownAsync(options, ticks: 600);

        int diffsSent = lines.Count(l => l.GetProperty("type").GetString() == "world.diff");
        Assert.True(status.RejectedMessages >= 9, $"rejected {status.RejectedMessages}");
        Assert.Equal(10, diffsSent + status.RejectedMessages); // 600 ticks / 60: each diff is sent or rejected
        Assert.Equal("world.diff: ensure_fields: 'weather' is missing", status.LastRejection);
        Assert.Equal(status.EventsEmitted, status.PayloadsFlushedTotal + status.DroppedMessages);
    }

    [Theory]
    [InlineData("redact_fields: {fields: [policy_identity], kinds: [snapshott]}", "kinds[0] = snapshott: no schema defines this event type or x-kind; did you mean 'snapshot'?")]
    [InlineData("redact_fields: {fields: [since_tick], kinds: [snapshot]}", "fields[0] = since_tick: 'snapshot' has no field 'since_tick'")]
    [InlineData("redact_fields: {fields: [tick], kinds: [diff]}", "fields[0] = tick: 'world.diff.tick' cannot be redacted")]
    [InlineData("ensure_fields: {required_fields_by_kind: {diff: [schema_version]}}", "diff[0] = schema_version: 'world.diff' (of kind 'diff') has no field 'schema_version'")]
    public void A_kind_is_checked_at_load_like_an_event_type(string transform, string expected)
    {
        string path = Write("t.yaml", "telemetry:\n  transforms:\n    pipeline:\n      - " + transform + "\n");

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path));

        Assert.Contains(expected, ex.Message);
        Assert.Contains(path + "(4,", ex.Message); // the line of the name in the file
    }
}
