using System.Diagnostics;

namespace Herald.Tests.Sample;

/// <summary>The main job as a user runs it: a separate process, in a given directory, with its command line and environment.</summary>
internal static class TownletProcess
{
    /// <summary>
    /// The sample in its own build output (…/samples/Townlet.Sim/bin/&lt;configuration&gt;/&lt;tfm&gt;/), where its
    /// dependencies are; the copy beside the tests leans on the test host's shared frameworks.
    /// </summary>
    public static readonly string SampleAssembly = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..",
        "samples", "Townlet.Sim", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory).Name, "Townlet.Sim.dll"));

    /// <summary>Runs it in <paramref name="directory"/> without the caller's TELEMETRY__* variables; two minutes at most.</summary>
    public static async Task<(int ExitCode, string Out, string Err)> RunAsync(string directory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SampleAssembly);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("TELEMETRY__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
