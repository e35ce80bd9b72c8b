using System.IO.Compression;
using System.Text.Json;
using Herald.Events;
using Herald.Storage;
using static Herald.Tests.Faults.FaultKit;

namespace Herald.Tests.Faults;

/// <summary>
/// Built-in rotation of the file transport: sizes respected, no line split between files, order kept across files,
/// <c>retained_files</c> honoured, compressed files whole, and a restart continuing the sequence.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RotationTests
{
    private static TransportOptions Rotating(string file, long maxBytes, int retained = 0, bool compress = false) => new()
    {
        Type = "file",
        FilePath = file,
        MaxFileBytes = maxBytes,
        RetainedFiles = retained,
        CompressRotated = compress,
    };

    private static byte[] Contents(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        gzip.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Emits ticks <paramref name="from"/>..<paramref name="to"/>-1, flushing every <paramref name="every"/> so batches stay small.</summary>
    private static async Task EmitTicks(TelemetryPublisher publisher, int from, int to, int every = 4)
    {
        for (int i = from; i < to; i++)
        {
            publisher.Emit(Runtime.PublisherTestKit.Tick(i));
            if ((i + 1) % every == 0) await publisher.FlushAsync();
        }
        await publisher.FlushAsync();
    }

    private static List<int> Ticks(IEnumerable<string> files, string what) =>
        files.SelectMany(f => WholeLines(Contents(f), what + " " + Path.GetFileName(f))).Select(l => l.GetProperty("payload").GetProperty("tick").GetInt32()).ToList();

    [Fact]
    public async Task Sizes_respected_no_split_line_order_kept_and_a_restart_continues_the_sequence()
    {
        using var dir = new TempDir("rotation");
        string file = dir.File("events.jsonl");
        const long max = 4096;
        await using (var publisher = TelemetryPublisher.Create(Options(Rotating(file, max), maxBatch: 4)))
        {
            await EmitTicks(publisher, 0, 400);
            TransportStatus status = publisher.TransportStatus;
            AssertLedger(status);
            Assert.Equal(400, status.PayloadsFlushedTotal);
        }

        IReadOnlyList<string> set = RotatedFiles.InOrder(file);
        Assert.True(set.Count > 10, $"{set.Count} files for ~{400 * 250 / 1024} KiB at {max} bytes each");
        Assert.Equal(file, set[^1]);
        Assert.Equal(Enumerable.Range(1, set.Count - 1).Select(n => dir.File($"events.{n:D6}.jsonl")), set.Take(set.Count - 1));
        Assert.All(set, f => Assert.True(new FileInfo(f).Length <= max, $"{f} is {new FileInfo(f).Length} bytes"));
        // Each closed file was full: the next batch (at most 4 lines) would not have fitted.
        Assert.All(set.Take(set.Count - 1), f => Assert.True(new FileInfo(f).Length > max - 4 * 300, $"{f} is only {new FileInfo(f).Length} bytes"));
        Assert.Equal(Enumerable.Range(0, 400), Ticks(set, "the rotated set"));

        // A restart continues after the highest number instead of starting again at 1.
        int closedBefore = set.Count - 1;
        await using (var publisher = TelemetryPublisher.Create(Options(Rotating(file, max), maxBatch: 4)))
        {
            await EmitTicks(publisher, 400, 500);
            AssertLedger(publisher.TransportStatus);
        }
        IReadOnlyList<string> after = RotatedFiles.InOrder(file);
        Assert.True(after.Count > closedBefore + 2);
        Assert.Equal(Enumerable.Range(1, after.Count - 1).Select(n => dir.File($"events.{n:D6}.jsonl")), after.Take(after.Count - 1));
        Assert.Equal(Enumerable.Range(0, 500), Ticks(after, "the rotated set after a restart"));
    }

    [Fact]
    public async Task Retained_files_keeps_the_newest_and_compressed_files_hold_whole_lines()
    {
        using var dir = new TempDir("rotation-gz");
        string file = dir.File("events.jsonl");
        await using (var publisher = TelemetryPublisher.Create(Options(Rotating(file, 2048, retained: 3, compress: true), maxBatch: 2)))
        {
            await EmitTicks(publisher, 0, 300, every: 2);
            TransportStatus status = publisher.TransportStatus;
            AssertLedger(status);
            Assert.Equal(300, status.PayloadsFlushedTotal);
            Assert.Equal(0, status.DroppedMessages);
        }

        string[] names = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        IReadOnlyList<string> set = RotatedFiles.InOrder(file);
        Assert.Equal(4, set.Count); // 3 closed + the active file
        Assert.All(set.Take(3), f => Assert.EndsWith(".jsonl.gz", f, StringComparison.Ordinal));
        Assert.Equal(set.Select(Path.GetFileName).Order(StringComparer.Ordinal), names); // nothing else: no plain copies, no temp files
        // The three newest numbers: the highest is the number of rotations.
        long[] numbers = set.Take(3).Select(f => long.Parse(Path.GetFileName(f).Split('.')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(new[] { numbers[2] - 2, numbers[2] - 1, numbers[2] }, numbers);
        Assert.True(numbers[2] > 10, $"{numbers[2]} rotations");
        List<int> ticks = Ticks(set, "the retained set");
        // The newest lines, in order, ending with the last one.
        Assert.Equal(Enumerable.Range(300 - ticks.Count, ticks.Count), ticks);
        Assert.All(set.Take(3), f => Assert.True(Contents(f).Length <= 2048));
    }

    [Fact]
    public async Task A_line_larger_than_max_file_bytes_goes_alone_into_a_file()
    {
        using var dir = new TempDir("rotation-large");
        string file = dir.File("events.jsonl");
        await using (var publisher = TelemetryPublisher.Create(Options(Rotating(file, 1024), maxBatch: 1)))
        {
            publisher.Emit(Runtime.PublisherTestKit.Tick(0));
            await publisher.FlushAsync();
            publisher.Emit(new AppMetric { Name = new string('x', 3000), Value = 1, Unit = "count" });
            await publisher.FlushAsync();
            publisher.Emit(Runtime.PublisherTestKit.Tick(1));
            await publisher.FlushAsync();
            AssertLedger(publisher.TransportStatus);
            Assert.Equal(3, publisher.TransportStatus.PayloadsFlushedTotal);
        }
        IReadOnlyList<string> set = RotatedFiles.InOrder(file);
        Assert.Equal(3, set.Count);
        List<JsonElement> big = WholeLines(File.ReadAllBytes(set[1]), "the large line's file");
        Assert.Equal("app.metric", Assert.Single(big).GetProperty("type").GetString());
        Assert.True(new FileInfo(set[1]).Length > 3000);
        Assert.Equal([0, 1], Ticks([set[0], set[2]], "the small lines' files"));
    }

    [Fact]
    public async Task Rotate_interval_seconds_rotates_an_old_active_file_before_the_next_batch()
    {
        using var dir = new TempDir("rotation-interval");
        string file = dir.File("events");
        await using (var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file, RotateIntervalSeconds = 0.3 })))
        {
            await EmitTicks(publisher, 0, 10, every: 10);
            await Task.Delay(400);
            await EmitTicks(publisher, 10, 20, every: 10);
            AssertLedger(publisher.TransportStatus);
        }
        IReadOnlyList<string> set = RotatedFiles.InOrder(file);
        Assert.Equal([dir.File("events.000001"), file], set);
        Assert.Equal(Enumerable.Range(0, 10), Ticks([set[0]], "the closed file"));
        Assert.Equal(Enumerable.Range(10, 10), Ticks([set[1]], "the active file"));
    }

    [Fact]
    public void InOrder_lists_closed_files_by_number_then_the_active_file()
    {
        using var dir = new TempDir("rotated-names");
        foreach (string name in new[]
                 {
                     "events.jsonl", "events.000002.jsonl", "events.000010.jsonl.gz", "events.1000000.jsonl", "events.000001.jsonl.gz",
                     "events.000002.jsonl.gz", // both variants of one number: the compressed one is listed
                     ".events.000003.jsonl.gz.0123456789abcdef.tmp", "events.00005.jsonl", "events.0000007.jsonl", "events.000004.json",
                     "other.000001.jsonl", "events.00000a.jsonl",
                 })
            File.WriteAllText(dir.File(name), "");

        Assert.Equal(
            new[] { "events.000001.jsonl.gz", "events.000002.jsonl.gz", "events.000010.jsonl.gz", "events.1000000.jsonl", "events.jsonl" }.Select(dir.File),
            RotatedFiles.InOrder(dir.File("events.jsonl")));
        File.Delete(dir.File("events.jsonl"));
        Assert.Equal(dir.File("events.1000000.jsonl"), RotatedFiles.InOrder(dir.File("events.jsonl"))[^1]);
        Assert.Empty(RotatedFiles.InOrder(dir.File("missing/events.jsonl")));
    }

    [Fact]
    public void Rotation_keys_are_read_from_the_config_file_and_checked()
    {
        using var dir = new TempDir("rotation-config");
        string config = dir.File("telemetry.yaml");
        File.WriteAllText(config, """
            telemetry:
              transport:
                type: file
                file_path: events.jsonl
                file_mode: "0600"
                directory_mode: "0700"
                max_file_bytes: 1048576
                rotate_interval_seconds: 3600
                retained_files: 4
                compress_rotated: true
            """);
        TransportOptions t = TelemetryOptions.FromFile(config).Transport;
        Assert.Equal(("0600", "0700", 1048576L, 3600.0, 4, true), (t.FileMode, t.DirectoryMode, t.MaxFileBytes, t.RotateIntervalSeconds, t.RetainedFiles, t.CompressRotated));

        var bad = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(new TelemetryOptions
        {
            Transport = new TransportOptions { Type = "file", FilePath = dir.File("x.jsonl"), FileMode = "0999", DirectoryMode = "0600", MaxFileBytes = -1, RetainedFiles = -2 },
        }));
        Assert.Equal(
            new[] { "telemetry.transport.directory_mode", "telemetry.transport.file_mode", "telemetry.transport.max_file_bytes", "telemetry.transport.retained_files" },
            bad.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(dir.File("x.jsonl")));
    }
}
