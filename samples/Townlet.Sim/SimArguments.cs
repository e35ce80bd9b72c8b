using System.Globalization;

namespace Townlet.Sim;

/// <summary>
/// The command line: the simulation's own options, and <c>--telemetry:...=value</c> overrides that go to
/// Microsoft.Extensions.Configuration on top of <c>telemetry.yaml</c> (e.g. <c>--telemetry:transport:type=stdout</c>).
/// </summary>
internal sealed record SimArguments
{
    public const string Usage = """
        usage: Townlet.Sim [options] [--telemetry:<key>=<value> ...]

          --ticks N            ticks to simulate (default 10000)
          --seed N             world seed; equal seeds give equal worlds (default 42)
          --fail-at-tick N     throw inside tick N, to see the loop.failure event
          --fail-aggregation N the Nth metrics aggregation job (one every 30 simulated seconds) fails, to see
                               metrics.aggregation_failed whatever the seed (the seed fails one in four anyway)
          --console FILE       console commands, one '<tick> <command> [args]' per line ('-' reads standard input)
          --config FILE        telemetry settings (default: ./telemetry.yaml when it exists, else the embedded defaults)
          --sweep              run a grid of batch size x flush interval x poll interval and print a table
          --no-progress        no progress bar (it is only drawn on an interactive terminal anyway)
          --tick-health N      log a 'tick_health key=value ...' line of the transport counters every N ticks (stderr)
          --trace              run each simulated second in an Activity (source 'Townlet.Sim') and listen to it, so
                               every event carries that second's trace id and span id (default: on when a transport
                               is otlp, else off; an OpenTelemetry SDK in the process may listen instead)
          --no-trace           do not listen, even with an otlp transport
          --telemetry:K=V      override one telemetry key, e.g. --telemetry:transport:buffer:max_batch_size=64
                               (environment variables TELEMETRY__TRANSPORT__TYPE=stdout etc. override the file too)
          -h, --help           this text
        """;

    public int Ticks { get; init; } = 10_000;
    public int Seed { get; init; } = 42;
    public long? FailAtTick { get; init; }
    public int? FailAggregation { get; init; }
    public string? ConsoleFile { get; init; }
    public string? ConfigFile { get; init; }
    public bool Sweep { get; init; }
    public bool Progress { get; init; } = true;
    public int TickHealthEvery { get; init; }
    /// <summary>--trace (true), --no-trace (false), neither (null: when a transport is otlp).</summary>
    public bool? Trace { get; init; }
    public bool Help { get; init; }
    public IReadOnlyList<string> TelemetryOverrides { get; init; } = [];

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message names it.</exception>
    public static SimArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new SimArguments();
        var overrides = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            long Number(long min, long max)
            {
                string text = Value();
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n >= min && n <= max
                    ? n : throw new ArgumentException($"{arg} {text}: expected a whole number from {min} to {max}");
            }
            if (arg.StartsWith("--telemetry:", StringComparison.OrdinalIgnoreCase))
            {
                overrides.Add(arg.Contains('=') ? arg : arg + "=" + Value());
                continue;
            }
            parsed = arg switch
            {
                "--ticks" => parsed with { Ticks = (int)Number(1, 100_000_000) },
                "--seed" => parsed with { Seed = (int)Number(int.MinValue, int.MaxValue) },
                "--fail-at-tick" => parsed with { FailAtTick = Number(1, long.MaxValue) },
                "--fail-aggregation" => parsed with { FailAggregation = (int)Number(1, int.MaxValue) },
                "--console" => parsed with { ConsoleFile = Value() },
                "--config" => parsed with { ConfigFile = Value() },
                "--sweep" => parsed with { Sweep = true },
                "--no-progress" => parsed with { Progress = false },
                "--tick-health" => parsed with { TickHealthEvery = (int)Number(1, int.MaxValue) },
                "--trace" => parsed with { Trace = true },
                "--no-trace" => parsed with { Trace = false },
                "-h" or "--help" => parsed with { Help = true },
                _ => throw new ArgumentException($"unknown option '{arg}'"),
            };
        }
        return parsed with { TelemetryOverrides = overrides };
    }
}
