using Herald;
using Townlet.Sim;

// The main job: a Townlet-style agent simulation emitting Herald telemetry the way a game does (docs in README.md).
SimArguments args_;
IReadOnlyList<ConsoleCommand> commands;
try
{
    args_ = SimArguments.Parse(args);
    if (args_.Help)
    {
        Console.WriteLine(SimArguments.Usage);
        return 0;
    }
    commands = args_.ConsoleFile switch
    {
        null => ConsoleScript.Parse(ConsoleScript.Default, "default script"),
        "-" => ConsoleScript.Parse(Console.In.ReadToEnd(), "stdin"),
        string path when File.Exists(path) => ConsoleScript.Parse(File.ReadAllText(path), path),
        string path => throw new ArgumentException($"--console {path}: no such file"),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    Console.Error.WriteLine(SimArguments.Usage);
    return 2;
}

TelemetryOptions options;
string origin;
try
{
    (options, origin) = TelemetrySettings.Load(args_);
}
catch (TelemetryConfigException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// Opened before the warm-up, so what only opening a transport can tell (an unreadable CA file, a directory that
// cannot be created) stops the run with exit code 2 like any other configuration error.
TelemetryPublisher publisher;
try
{
    publisher = TelemetryPublisher.Create(options);
}
catch (TelemetryConfigException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var settings = new SimSettings
{
    Ticks = args_.Ticks, Seed = args_.Seed, FailAtTick = args_.FailAtTick, FailAggregationRun = args_.FailAggregation, Console = commands, TickHealthEvery = args_.TickHealthEvery,
    SnapshotDirectory = Path.Combine("telemetry", "snapshots"),
};
if (args_.Sweep)
{
    await publisher.DisposeAsync();
    await Sweep.RunAsync(settings, options);
    return 0;
}

Console.WriteLine($"Townlet: {args_.Ticks:N0} ticks, seed {args_.Seed}; telemetry from {origin}: {TelemetrySettings.Describe(options)}");

// Each simulated second runs inside an Activity; listening makes them real, so every event carries a trace id.
using System.Diagnostics.ActivityListener? tracing = SimTracing.ShouldListen(args_.Trace, options.Connections.Select(t => t.Type))
    ? SimTracing.Listen() : null;
if (tracing is not null) Console.WriteLine($"traces: every simulated second is an Activity '{SimTracing.SecondActivity}' of '{SimTracing.SourceName}'; its events carry its trace id");

// Warm up both paths first (the project compiles every method fully optimized on first use, see the csproj), so
// neither measured run pays for the JIT or for first-use costs (console commands, failure snapshots).
string warmFile = Path.Combine(Path.GetTempPath(), $"townlet-warmup-{Environment.ProcessId}.jsonl");
await using (var warm = TelemetryPublisher.Create(new TelemetryOptions { Transport = new TransportOptions { Type = "file", FilePath = warmFile } }))
    new Simulation(settings with { Ticks = Math.Min(settings.Ticks, 5_000), TickHealthEvery = 0 }, warm).Run();
new Simulation(settings with { Ticks = Math.Min(settings.Ticks, 5_000), TickHealthEvery = 0 }, new StubTelemetrySink()).Run();
File.Delete(warmFile);

SimResult withTelemetry;
TransportStatus status;
await using (publisher)
{
    var progress = new ProgressBar(settings.Ticks, args_.Progress);
    withTelemetry = new Simulation(settings, publisher) { OnTick = progress.Report }.Run();
    await publisher.FlushAsync();
    await publisher.DisposeAsync();
    status = publisher.TransportStatus;
}
SimResult withStub = new Simulation(settings with { TickHealthEvery = 0 }, new StubTelemetrySink()).Run();

Summary.Print(withTelemetry, withStub, status);
return withTelemetry.Checksum == withStub.Checksum ? 0 : 1; // the same seed must give the same world, telemetry or not

