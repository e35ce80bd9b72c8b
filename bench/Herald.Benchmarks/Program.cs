using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Herald.Benchmarks;

public static class Program
{
    /// <summary>
    /// In-process toolchain: no per-benchmark project build (works offline, and quicker on 2 cores).
    /// Pass BenchmarkDotNet arguments as usual, e.g. <c>--filter '*write*'</c>.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["otlp-encode"])
        {
            OtlpEncodeProbe.Run();
            return;
        }
        if (args is ["latency", "stalled"])
        {
            LatencyProbe.RunStalled();
            return;
        }
        if (args is ["latency", ..])
        {
            LatencyProbe.Run(heraldOnly: args is [_, "herald"]);
            return;
        }
        if (args is ["otlp-sink", var counters])
        {
            OtlpSink.Serve(counters); // the receiver of the otlp command and OtlpExportBenchmarks, in its own process
            return;
        }
        if (args is ["otlp", ..])
        {
            // Herald's otlp transport vs the OpenTelemetry .NET SDK: --events N, --otel-events N, --rounds R, --otel-batch B.
            OtlpExportProbe.Run(args);
            return;
        }
        if (args is ["sustained", ..])
        {
            // Positional: [null|file|typed] [tick|failure] [directory]; options: --producers N, --rounds N, --count-only.
            var positional = new System.Collections.Generic.List<string>();
            int producers = 0, rounds = 8;
            bool countOnly = false;
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i] == "--producers" && i + 1 < args.Length) producers = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                else if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                else if (args[i] == "--count-only") countOnly = true;
                else positional.Add(args[i]);
            }
            string target = positional.Count > 0 ? positional[0] : "null", kind = positional.Count > 1 ? positional[1] : "tick";
            string under = positional.Count > 2 ? positional[2] : Path.GetTempPath();
            if (producers > 0) SustainedProbe.RunProducers(target, under, producers, rounds, countOnly);
            else SustainedProbe.Run(target, kind, under, rounds);
            return;
        }
        IConfig config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
