using System.Text.Json;
using Herald.Events;
using Townlet.Sim;

namespace Herald.Tests.Sample;

/// <summary>The main job's simulation: its loop.failure payload, determinism per seed, and console scripts.</summary>
public sealed class TownletSimulationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-townlet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(SimResult Result, List<JsonElement> Lines)> RunAsync(SimSettings settings)
    {
        string file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");
        SimResult result;
        await using (var publisher = TelemetryPublisher.Create(new TelemetryOptions { Transport = new TransportOptions { Type = "file", FilePath = file } }))
        {
            result = new Simulation(settings, publisher).Run();
            await publisher.FlushAsync();
        }
        return (result, File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToList());
    }

    [Fact]
    public async Task A_failing_tick_emits_the_full_failure_payload_and_the_loop_goes_on()
    {
        var settings = new SimSettings { Ticks = 300, FailAtTick = 200, SnapshotDirectory = Path.Combine(_dir, "snapshots") };
        var (result, lines) = await RunAsync(settings);

        JsonElement envelope = Assert.Single(lines, l => l.GetProperty("type").GetString() == "loop.failure");
        JsonElement p = envelope.GetProperty("payload");
        Assert.Equal((200, "error", 1), (p.GetProperty("tick").GetInt64(), p.GetProperty("status").GetString(), p.GetProperty("failure_count").GetInt64()));
        Assert.StartsWith("InvalidOperationException: ", p.GetProperty("error").GetString());
        Assert.Contains("failure injected at tick 200", p.GetProperty("error").GetString());
        string snapshot = p.GetProperty("snapshot_path").GetString()!;
        Assert.Equal(128, JsonDocument.Parse(File.ReadAllText(snapshot)).RootElement.GetArrayLength());
        JsonElement transport = p.GetProperty("transport");
        Assert.Equal("file", transport.GetProperty("provider").GetString());
        Assert.True(transport.GetProperty("worker").GetProperty("alive").GetBoolean());
        JsonElement context = p.GetProperty("global_context");
        Assert.Equal((199, 128), (context.GetProperty("tick").GetInt64(), context.GetProperty("agents").GetInt32()));
        Assert.Equal(180, p.GetProperty("health").GetProperty("tick").GetInt64()); // the last loop.health before the failure
        Assert.True(p.GetProperty("summary").GetProperty("duration_ms").GetDouble() >= 0);
        // The payload on disk reads back to the record the loop built.
        Assert.Equal(result.LastFailure, LoopFailure.Read(System.Text.Encoding.UTF8.GetBytes(p.GetRawText())));

        var ticks = lines.Where(l => l.GetProperty("type").GetString() == "loop.tick").Select(l => l.GetProperty("payload").GetProperty("tick").GetInt64()).ToList();
        Assert.DoesNotContain(200L, ticks);
        Assert.Contains(201L, ticks);
        Assert.Equal(299, ticks.Count);
        Assert.Equal(1, result.Failures);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_world_and_the_same_events()
    {
        var (a, linesA) = await RunAsync(new SimSettings { Ticks = 2_000, Seed = 7 });
        var (b, linesB) = await RunAsync(new SimSettings { Ticks = 2_000, Seed = 7 });
        var (c, _) = await RunAsync(new SimSettings { Ticks = 2_000, Seed = 8 });

        Assert.Equal(a.Checksum, b.Checksum);
        Assert.NotEqual(a.Checksum, c.Checksum);
        Assert.Equal(a.EventsPerType.OrderBy(p => p.Key), b.EventsPerType.OrderBy(p => p.Key));
        // World-derived payloads are equal event by event (timings and envelope ids are not part of the world).
        static string? World(JsonElement e) => e.GetProperty("type").GetString() is "app.metric" or "app.event" or "telemetry.connection_established" or "console.result"
            ? e.GetProperty("type").GetString() + (e.GetProperty("payload").TryGetProperty("duration_ms", out _) ? "" : e.GetProperty("payload").GetRawText())
            : null;
        Assert.Equal(linesA.Select(World).Where(w => w is not null), linesB.Select(World).Where(w => w is not null));
    }

    [Fact]
    public async Task Console_commands_report_results_and_errors()
    {
        var script = ConsoleScript.Parse("""
            # a comment
            10 status
            20 spawn agent_x
            30 spawn agent_x
            40 pay agent_x 12.5
            50 fly
            """, "script.txt");
        var (_, lines) = await RunAsync(new SimSettings { Ticks = 60, Console = script });

        var results = lines.Where(l => l.GetProperty("type").GetString() == "console.result").Select(l => l.GetProperty("payload")).ToList();
        Assert.Equal(new[] { "ok", "ok", "error", "ok", "error" }, results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(new[] { "cmd-1", "cmd-2", "cmd-3", "cmd-4", "cmd-5" }, results.Select(r => r.GetProperty("cmd_id").GetString()));
        Assert.Equal("agent 'agent_x' already exists", results[2].GetProperty("error").GetString());
        Assert.InRange(results[3].GetProperty("result").GetProperty("money").GetDouble(), 20 + 12.5 - 1, 100 + 12.5); // starts with 20-100 coins, minus what it ate
        Assert.Contains("unknown command 'fly'", results[4].GetProperty("error").GetString());
        Assert.All(results, r => Assert.Equal("[REDACTED]", r.GetProperty("issuer").GetString())); // x-redact, on by default

        var ex = Assert.Throws<ArgumentException>(() => ConsoleScript.Parse("10 status\nsoon spawn\n", "bad.txt"));
        Assert.StartsWith("bad.txt(2): expected '<tick> <command> [args]'", ex.Message);
    }
}
