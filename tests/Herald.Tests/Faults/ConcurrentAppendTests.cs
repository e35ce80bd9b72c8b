using System.Diagnostics;
using Herald.Events;
using static Herald.Tests.Faults.FaultKit;

namespace Herald.Tests.Faults;

/// <summary>
/// The file transport appends: the kernel puts every write at the end of the file (O_APPEND), so another process
/// writing the same file, or truncating it under Herald's feet (logrotate's copytruncate), loses no line and leaves no
/// hole; and a process killed mid-run leaves at most its last line torn.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConcurrentAppendTests
{
#if NET10_0_OR_GREATER // net10.0 only: the Townlet sample, run as two processes, is a net10.0 application (Herald.Tests.csproj)
    [Fact]
    public async Task Two_processes_on_one_file_interleave_whole_lines_and_lose_none()
    {
        using var dir = new TempDir("two-processes");
        string file = dir.File("shared.jsonl");
        using Process first = StartSample(file, 20_000, dir.Path);
        using Process second = StartSample(file, 20_000, dir.Path);
        var outputs = new List<string>();
        foreach (Process p in new[] { first, second })
        {
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await p.WaitForExitAsync(timeout.Token);
            Assert.True(p.ExitCode == 0, $"sample exited {p.ExitCode}: {await stderr}");
            outputs.Add(await stdout);
        }

        var (e1, f1, b1, d1, q1) = SampleLedger(outputs[0]);
        var (e2, f2, b2, d2, q2) = SampleLedger(outputs[1]);
        Assert.Equal(e1, f1 + d1 + q1);
        Assert.Equal(e2, f2 + d2 + q2);
        Assert.True(f1 > 10_000 && f2 > 10_000, $"flushed {f1} and {f2}");
        byte[] bytes = File.ReadAllBytes(file);
        // Flushed means in the file: every byte either process counted, and nothing more (no batch written twice).
        Assert.True(b1 + b2 == bytes.Length, $"the file holds {bytes.Length:N0} bytes; the processes flushed {b1:N0} + {b2:N0}");
        List<System.Text.Json.JsonElement> lines = WholeLines(bytes, "the shared file");
        Assert.Equal(f1 + f2, lines.Count);

        // Both run the same seeded town: each tick's loop.tick is there once from each process (unless it was dropped).
        var ticks = new Dictionary<int, int>();
        foreach (System.Text.Json.JsonElement line in lines)
        {
            if (line.GetProperty("type").GetString() != "loop.tick") continue;
            int tick = line.GetProperty("payload").GetProperty("tick").GetInt32();
            ticks[tick] = ticks.GetValueOrDefault(tick) + 1;
        }
        bool noneDropped = d1 + d2 == 0;
        var wrong = ticks.Where(p => noneDropped ? p.Value != 2 : p.Value > 2).Take(10).Select(p => $"tick {p.Key} ×{p.Value}").ToList();
        Assert.True(wrong.Count == 0, "loop.tick lines: " + string.Join(", ", wrong));
        if (noneDropped) Assert.Equal(20_000, ticks.Count);

        // Ids differ across the two processes too, though both run the same events, often in the same millisecond: each
        // publisher's id counters start at a random point (with counters from zero, 276 of 43,006 ids were shared under
        // load). Two processes share ids only if their random starts coincide, about once in two million runs.
        var sameId = lines.GroupBy(l => l.GetProperty("id").GetString()).FirstOrDefault(g => g.Count() > 1);
        Assert.True(sameId is null, $"id {sameId?.Key} is there {sameId?.Count()} times");
    }
#endif

    [Fact]
    public async Task Copy_truncate_mid_run_leaves_no_hole_and_every_line_whole()
    {
        using var dir = new TempDir("copytruncate");
        string file = dir.File("events.jsonl");
        TelemetryOptions options = Options(new TransportOptions { Type = "file", FilePath = file });
        await using var publisher = TelemetryPublisher.Create(options);
        for (int i = 0; i < 3000; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        await publisher.FlushAsync();
        long before = new FileInfo(file).Length;
        Assert.True(before > 200_000, $"{before} bytes before the truncation");

        // What logrotate's copytruncate does, from another process: copy, then truncate in place.
        File.Copy(file, dir.File("events.jsonl.1"));
        Assert.Equal(0, Sh("truncate", "-s", "0", file).Code);
        for (int i = 3000; i < 3100; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        await publisher.FlushAsync();

        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Equal(3100, status.PayloadsFlushedTotal);
        byte[] after = File.ReadAllBytes(file);
        Assert.True(after.Length < before / 10, $"the file is {after.Length} bytes after the truncation: written at the old offset, not appended");
        List<System.Text.Json.JsonElement> rotated = WholeLines(File.ReadAllBytes(dir.File("events.jsonl.1")), "the copy");
        List<System.Text.Json.JsonElement> current = WholeLines(after, "the truncated file");
        Assert.Equal(3000, rotated.Count);
        Assert.Equal(Enumerable.Range(3000, 100), current.Select(l => l.GetProperty("payload").GetProperty("tick").GetInt32()));
    }

    [Fact]
    public async Task A_file_made_append_only_still_takes_every_line()
    {
        using var dir = new TempDir("append-only");
        string file = dir.File("events.jsonl");
        File.WriteAllText(file, "");
        var (code, output) = Sh("chattr", "+a", file);
        Assert.True(code == 0, "chattr +a failed (the temp folder must be on ext4/xfs, run as root): " + output);
        await using (var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file })))
        {
            for (int i = 0; i < 200; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
            await publisher.FlushAsync();
            TransportStatus status = publisher.TransportStatus;
            AssertLedger(status);
            Assert.Equal(200, status.PayloadsFlushedTotal);
        }
        Assert.Equal(200, WholeLines(File.ReadAllBytes(file), "the append-only file").Count);
    }

#if NET10_0_OR_GREATER // net10.0 only: the Townlet sample, run as the process killed, is a net10.0 application (Herald.Tests.csproj)
    [Fact]
    public async Task Kill_9_mid_write_leaves_at_most_the_last_line_torn()
    {
        using var dir = new TempDir("kill9");
        string file = dir.File("events.jsonl");
        using Process sample = StartSample(file, 2_000_000, dir.Path);
        _ = sample.StandardOutput.ReadToEndAsync();
        _ = sample.StandardError.ReadToEndAsync();
        await Eventually(() => File.Exists(file) && new FileInfo(file).Length > 2_000_000, "the sample to write 2 MB", 30_000);
        sample.Kill(entireProcessTree: true); // SIGKILL
        await sample.WaitForExitAsync();
        Assert.Equal(137, sample.ExitCode);

        byte[] bytes = File.ReadAllBytes(file);
        int lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
        List<System.Text.Json.JsonElement> lines = WholeLines(bytes[..(lastNewline + 1)], "the killed process's file");
        Assert.True(lines.Count > 5000, $"{lines.Count} lines");
        // Whatever follows the last newline is the one torn line the kill may leave; it must not contain a newline or NUL.
        Assert.True(bytes.Length - lastNewline - 1 < 4096, $"{bytes.Length - lastNewline - 1} bytes after the last whole line");
    }
#endif
}
