using System.Diagnostics;

namespace Herald.Tests.Sample;

/// <summary>
/// The main job as a user runs it: a separate process, in an empty directory, with its command line and environment.
/// Every configuration error exits 2 with the message; TELEMETRY__* environment variables override the settings.
/// </summary>
public sealed class TownletProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-townlet-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<(int ExitCode, string Out, string Err)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        TownletProcess.RunAsync(_dir, args, environment);

    [Theory]
    [InlineData("--telemetry:transport:type=websocket --telemetry:transport:endpoint=localhost:9000", "telemetry.transport.endpoint = localhost:9000: required for the websocket transport, as a ws(s) URL")]
    [InlineData("--telemetry:transport:type=http --telemetry:transport:endpoint=ftp://collector", "telemetry.transport.endpoint = ftp://collector: required for the http transport, as an http(s) URL")]
    [InlineData("--telemetry:transport:type=tcp --telemetry:transport:endpoint=collector", "telemetry.transport.endpoint = collector: required for the tcp transport, as host:port")]
    [InlineData("--telemetry:transport:type=http --telemetry:transport:endpoint=http://127.0.0.1:9/ --telemetry:transport:auth_token_env=HERALD_TEST_UNSET_TOKEN", "auth_token_env = HERALD_TEST_UNSET_TOKEN: the environment variable is not set")]
    [InlineData("--telemetry:transport:type=http --telemetry:transport:endpoint=https://127.0.0.1:9/ --telemetry:transport:tls_ca_file=missing-ca.pem", "telemetry.transport.tls_ca_file = missing-ca.pem: the CA file cannot be read")]
    [InlineData("--telemetry:transport:buffer:max_batch_size=0", "telemetry.transport.buffer.max_batch_size = 0: must be at least 1")]
    [InlineData("--config no-such-file.yaml", "no-such-file.yaml: cannot read the configuration file")]
    [InlineData("--config .", ": cannot read the configuration file: Access to the path")] // a directory
    public async Task Every_configuration_error_exits_2_with_the_message(string overrides, string expected)
    {
        var (exitCode, _, stderr) = await RunAsync(["--ticks", "10", .. overrides.Split(' ')]);

        Assert.True(exitCode == 2, $"exit {exitCode}: {stderr}");
        Assert.Contains("Invalid telemetry configuration", stderr);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr); // a message, not a stack trace
    }

    [Fact]
    public async Task Environment_variables_override_the_embedded_settings()
    {
        string file = Path.Combine(_dir, "from-env.jsonl");
        var (exitCode, stdout, stderr) = await RunAsync(["--ticks", "120", "--no-progress"],
            new Dictionary<string, string> { ["TELEMETRY__TRANSPORT__FILE_PATH"] = file, ["TELEMETRY__TRANSPORT__BUFFER__MAX_BATCH_SIZE"] = "7" });

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Contains("environment TELEMETRY__TRANSPORT__BUFFER__MAX_BATCH_SIZE TELEMETRY__TRANSPORT__FILE_PATH", stdout);
        Assert.Contains($"file → {file}", stdout);
        Assert.True(File.ReadLines(file).Count() > 120);
        Assert.False(File.Exists(Path.Combine(_dir, "telemetry", "events.jsonl")));
    }

    [Fact]
    public async Task A_transports_list_from_the_environment_replaces_the_embedded_transport()
    {
        string a = Path.Combine(_dir, "a.jsonl"), b = Path.Combine(_dir, "b.jsonl");
        var (exitCode, stdout, stderr) = await RunAsync(["--ticks", "60", "--no-progress"], new Dictionary<string, string>
        {
            ["TELEMETRY__TRANSPORTS__0__TYPE"] = "file", ["TELEMETRY__TRANSPORTS__0__FILE_PATH"] = a,
            ["TELEMETRY__TRANSPORTS__1__TYPE"] = "file", ["TELEMETRY__TRANSPORTS__1__FILE_PATH"] = b,
        });

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Contains($"file → {a}, file → {b}", stdout);
        Assert.Equal(File.ReadAllLines(a).Length, File.ReadAllLines(b).Length);
        Assert.True(File.ReadAllLines(a).Length > 60);
    }

    [Fact]
    public async Task Stub_chosen_by_the_environment_sends_nothing_and_shows_the_banner()
    {
        var (exitCode, stdout, stderr) = await RunAsync(["--ticks", "60", "--no-progress"], new Dictionary<string, string> { ["TELEMETRY__TRANSPORT__TYPE"] = "stub" });

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Contains("stub (nothing is sent)", stdout);
        Assert.Equal(1, stderr.Split("WARNING: telemetry runs as the stub sink (transport type 'stub')").Length - 1);
        Assert.Matches(@"transport   stub: (\d[\d,]*) emitted, 0 flushed \(0 bytes\), \1 dropped", stdout);
    }

    [Fact]
    public async Task Tick_health_logs_every_counter_of_the_live_status()
    {
        var (exitCode, _, stderr) = await RunAsync(["--ticks", "90", "--no-progress", "--tick-health", "30"],
            new Dictionary<string, string> { ["TELEMETRY__TRANSPORT__FILE_PATH"] = Path.Combine(_dir, "events.jsonl") });

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        List<string> lines = stderr.Split('\n').Where(l => l.StartsWith("tick_health ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["tick=30", "tick=60", "tick=90"], lines.Select(l => l.Split(' ')[1]));
        string[] counters =
        [
            "queue_length", "queue_length_peak", "dropped_messages", "last_flush_duration_ms", "last_batch_count", "last_flush_payload_bytes",
            "payloads_flushed_total", "bytes_flushed_total", "consecutive_send_failures", "send_failures_total",
            "worker_restart_count", "worker_alive", "worker_error", "events_emitted", "resent_messages", "rejected_messages",
            "last_rejection", "handler_errors", "handler_deliveries_dropped", "auth_enabled", "provider",
        ];
        // Every public counter of TransportStatus has its key (snake_case of the property), so none is forgotten.
        foreach (var property in typeof(TransportStatus).GetProperties().Where(p => p.Name is not ("Transports" or "EqualityContract")))
            Assert.Contains(string.Concat(property.Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()))
            , counters);
        Assert.All(lines, line => Assert.All(counters, c => Assert.Contains(" " + c + "=", line)));
        Assert.Contains("worker_alive=true", lines[^1]);
    }

    [Fact]
    public async Task Trace_makes_the_run_listen_to_its_seconds_and_says_so()
    {
        var environment = new Dictionary<string, string> { ["TELEMETRY__TRANSPORT__FILE_PATH"] = Path.Combine(_dir, "events.jsonl") };
        var (exitCode, traced, stderr) = await RunAsync(["--ticks", "120", "--no-progress", "--trace"], environment);
        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Contains("traces: every simulated second is an Activity 'townlet.second' of 'Townlet.Sim'", traced);

        var (plainExit, plain, plainErr) = await RunAsync(["--ticks", "120", "--no-progress"], environment);
        Assert.True(plainExit == 0, $"exit {plainExit}: {plainErr}");
        Assert.DoesNotContain("traces:", plain);
        Assert.Contains("--trace ", (await RunAsync(["--help"])).Out);
    }
}
