using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Herald.Tests.Faults;

/// <summary>
/// What the fault suite needs from the machine: real file systems (a small tmpfs, /dev/full, chattr), real second
/// processes (the Townlet sample), and checks of what a file really holds. Mounting needs root, as in CI; when it is
/// impossible the test fails saying so, never passes.
/// </summary>
internal static partial class FaultKit
{
    /// <summary>A fresh directory under the temp folder, removed (immutable flags cleared) on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir(string name) => Path = Directory.CreateTempSubdirectory("herald-fault-" + name + "-").FullName;

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            Sh("chattr", "-R", "-i", "-a", Path);
            Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>A tmpfs of the given size in KiB mounted on a fresh directory; unmounted and removed on dispose.</summary>
    public sealed class Tmpfs : IDisposable
    {
        public Tmpfs(int sizeKiB)
        {
            Path = Directory.CreateTempSubdirectory("herald-fault-tmpfs-").FullName;
            var (code, output) = Sh("mount", "-t", "tmpfs", "-o", $"size={sizeKiB}k,mode=0755", "tmpfs", Path);
            if (code != 0)
            {
                Directory.Delete(Path);
                Assert.Fail($"This fault test needs a small tmpfs and could not mount one (run as root, as CI does): mount exited {code}: {output}");
            }
        }

        public string Path { get; }

        public void Remount(string options)
        {
            var (code, output) = Sh("mount", "-o", "remount," + options, Path);
            Assert.True(code == 0, $"mount -o remount,{options} {Path} exited {code}: {output}");
        }

        public void Dispose()
        {
            Sh("umount", "-l", Path);
            Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>Runs a command to its end (30 s at most); its exit code and output.</summary>
    public static (int Code, string Output) Sh(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{command} {string.Join(' ', args)} did not finish in 30 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Fills the file system under <paramref name="directory"/> until not one more byte fits.</summary>
    public static string FillUp(string directory)
    {
        string filler = System.IO.Path.Combine(directory, "filler");
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
        }
        try
        {
            while (true) stream.Write(block, 0, 1);
        }
        catch (IOException)
        {
        }
        return filler;
    }

    /// <summary>
    /// The sample in its own build output (…/samples/Townlet.Sim/bin/&lt;configuration&gt;/&lt;tfm&gt;/), as the sample
    /// tests run it.
    /// </summary>
    public static readonly string SampleAssembly = System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..",
        "samples", "Townlet.Sim", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory).Name, "Townlet.Sim.dll"));

    /// <summary>Starts the sample writing its telemetry to <paramref name="file"/> (a file transport), <paramref name="ticks"/> ticks long.</summary>
    public static Process StartSample(string file, int ticks, string workingDirectory)
    {
        Assert.True(System.IO.File.Exists(SampleAssembly), "the sample is not built at " + SampleAssembly);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SampleAssembly);
        foreach (string arg in new[] { "--ticks", ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-progress" }) start.ArgumentList.Add(arg);
        foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("TELEMETRY__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        start.Environment["TELEMETRY__TRANSPORT__TYPE"] = "file";
        start.Environment["TELEMETRY__TRANSPORT__FILE_PATH"] = file;
        return Process.Start(start)!;
    }

    /// <summary>The sample's summary line: <c>transport   file: N emitted, M flushed (B bytes), D dropped, queue Q</c>.</summary>
    public static (long Emitted, long Flushed, long FlushedBytes, long Dropped, long Queued) SampleLedger(string stdout)
    {
        Match m = SummaryLine().Match(stdout);
        Assert.True(m.Success, "no transport summary in the sample's output:\n" + stdout);
        long N(int group) => long.Parse(m.Groups[group].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        return (N(1), N(2), N(3), N(4), N(5));
    }

    [GeneratedRegex(@"transport   file: ([\d,]+) emitted, ([\d,]+) flushed \(([\d,]+) bytes\), ([\d,]+) dropped, queue ([\d,]+)")]
    private static partial Regex SummaryLine();

    /// <summary>Every line of <paramref name="bytes"/> (which must end with a newline) is one whole JSON envelope; returns them.</summary>
    public static List<JsonElement> WholeLines(byte[] bytes, string what)
    {
        Assert.True(Array.IndexOf(bytes, (byte)0) < 0, $"{what} holds NUL bytes (a hole) at offset {Array.IndexOf(bytes, (byte)0)}");
        Assert.True(bytes.Length == 0 || bytes[^1] == (byte)'\n', $"{what} does not end with a whole line");
        var lines = new List<JsonElement>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            ReadOnlyMemory<byte> line = bytes.AsMemory(start, i - start);
            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                Assert.True(doc.RootElement.TryGetProperty("id", out _) && doc.RootElement.TryGetProperty("type", out _), $"{what}: line {lines.Count + 1} is not an envelope");
                lines.Add(doc.RootElement.Clone());
            }
            catch (JsonException ex)
            {
                Assert.Fail($"{what}: line {lines.Count + 1} (byte {start}) is not whole JSON: {ex.Message}: {System.Text.Encoding.UTF8.GetString(line.Span[..Math.Min(120, line.Length)])}");
            }
            start = i + 1;
        }
        return lines;
    }

    /// <summary>The exact ledger while running or after: emitted = flushed + dropped + queued.</summary>
    public static void AssertLedger(TransportStatus status)
        => Assert.True(status.EventsEmitted == status.PayloadsFlushedTotal + status.DroppedMessages + status.QueueLength,
            $"ledger broken: emitted {status.EventsEmitted} != flushed {status.PayloadsFlushedTotal} + dropped {status.DroppedMessages} + queued {status.QueueLength}");

    /// <summary>Options for a publisher on one file or prometheus transport; the test's knobs, the rest defaults.</summary>
    public static TelemetryOptions Options(TransportOptions transport, BackpressureMode mode = BackpressureMode.DropOldest, int retryLimit = 5, int maxBatch = 512) => new()
    {
        ShutdownTimeout = TimeSpan.FromSeconds(10),
        Transport = transport with
        {
            WorkerPollSeconds = 0.02,
            Buffer = new BufferOptions { MaxBatchSize = maxBatch, MaxBufferBytes = 1 << 20 },
            Worker = new WorkerOptions { Backpressure = mode, BlockTimeoutSeconds = 5, SendRetryLimit = retryLimit },
        },
    };

    /// <summary>
    /// After a fault clears, a drop mode's circuit gives batches up unsent until its cool-down passes: emits loop.tick
    /// <paramref name="next"/>, <paramref name="next"/>+1, ... a few every 100 ms until <paramref name="delivered"/> holds
    /// (at most 15 s); returns the next tick number.
    /// </summary>
    public static async Task<long> EmitUntilDeliveredAsync(TelemetryPublisher publisher, long next, Func<bool> delivered, int perRound = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!delivered() && DateTime.UtcNow < deadline)
        {
            for (int i = 0; i < perRound; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(next++));
            await publisher.FlushAsync(TimeSpan.FromSeconds(2));
            await Task.Delay(100);
        }
        return next;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(10);
        }
    }

    /// <summary>The process umask, set and restored by the non-parallel mode tests.</summary>
    [DllImport("libc", EntryPoint = "umask")]
    public static extern uint Umask(uint mask);
}
