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
        if (args is ["latency", ..])
        {
            LatencyProbe.Run(heraldOnly: args is [_, "herald"]);
            return;
        }
        if (args is ["sustained", ..])
        {
            SustainedProbe.Run(args.Length > 1 ? args[1] : "null", args.Length > 2 ? args[2] : "tick", args.Length > 3 ? args[3] : Path.GetTempPath());
            return;
        }
        IConfig config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
