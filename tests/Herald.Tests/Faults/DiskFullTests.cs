using Herald.Tests.Runtime;
using static Herald.Tests.Faults.FaultKit;

namespace Herald.Tests.Faults;

/// <summary>
/// A full disk, a read-only file system and an immutable file are failures the worker counts and reports, never
/// exceptions: in block mode with retries a full disk that gets space back loses and duplicates nothing; in drop mode
/// the batches are counted as dropped and the worker stays alive.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DiskFullTests
{
    [Fact]
    public async Task A_full_tmpfs_is_retried_and_after_space_returns_everything_arrives_once()
    {
        using var tmpfs = new Tmpfs(1024);
        string file = Path.Combine(tmpfs.Path, "events.jsonl");
        await using var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file }, BackpressureMode.Block, retryLimit: 1000, maxBatch: 64));
        for (int i = 0; i < 100; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await publisher.FlushAsync();
        string filler = FillUp(tmpfs.Path);

        for (int i = 100; i < 2100; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await Eventually(() => publisher.TransportStatus.SendFailuresTotal >= 2, "the full disk to fail two sends");
        TransportStatus failing = publisher.TransportStatus;
        AssertLedger(failing);
        Assert.Contains("No space left on device (ENOSPC)", failing.WorkerError);
        Assert.Contains(file, failing.WorkerError);
        Assert.Equal(0, failing.DroppedMessages);
        Assert.True(failing.QueueLength > 0);

        File.Delete(filler);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20))) await publisher.FlushAsync(timeout.Token);

        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Equal(2100, status.PayloadsFlushedTotal);
        Assert.Equal(0, status.DroppedMessages);
        Assert.Equal(0, status.QueueLength);
        List<int> ticks = WholeLines(File.ReadAllBytes(file), "the file after the disk was full").Select(l => l.GetProperty("payload").GetProperty("tick").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, 2100), ticks); // nothing lost, nothing twice, nothing torn
    }

    [Fact]
    public async Task Dev_full_in_drop_mode_counts_every_batch_as_dropped_and_the_worker_lives()
    {
        await using var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = "/dev/full" }, retryLimit: 1, maxBatch: 10));
        for (int i = 0; i < 50; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await Eventually(() => publisher.TransportStatus.DroppedMessages == 50, "50 events dropped");

        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Equal(0, status.PayloadsFlushedTotal);
        Assert.True(status.WorkerAlive);
        Assert.Equal(0, status.WorkerRestartCount);
        // The first batch's two tries fail, then the circuit gives the rest up without a write until its cool-down passes.
        Assert.True(status.SendFailuresTotal >= 2, $"{status.SendFailuresTotal} failures");
        Assert.Contains("No space left on device", status.WorkerError);
        Assert.Contains("sends paused for", status.WorkerError);
        Assert.Contains("/dev/full", status.WorkerError);
    }

    [Fact]
    public async Task An_immutable_file_is_counted_and_reported_and_writing_resumes_once_it_is_not()
    {
        using var dir = new TempDir("immutable");
        string file = dir.File("events.jsonl");
        await using var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file }, retryLimit: 1));
        for (int i = 0; i < 10; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await publisher.FlushAsync();
        var (code, output) = Sh("chattr", "+i", file);
        Assert.True(code == 0, "chattr +i failed (the temp folder must be on ext4/xfs, run as root): " + output);

        for (int i = 10; i < 30; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await Eventually(() => publisher.TransportStatus.DroppedMessages == 20, "20 events dropped");
        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Contains("Operation not permitted (EPERM)", status.WorkerError);
        Assert.Contains(file, status.WorkerError);
        Assert.True(status.WorkerAlive);

        // Writable again: batches are given up unsent until the circuit's cool-down passes, then writing resumes.
        Assert.Equal(0, Sh("chattr", "-i", file).Code);
        long next = await EmitUntilDeliveredAsync(publisher, 30, () => publisher.TransportStatus.PayloadsFlushedTotal > 10, perRound: 1);
        status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.True(status.PayloadsFlushedTotal > 10, "writing resumed");
        List<int> written = WholeLines(File.ReadAllBytes(file), "the file").Select(l => l.GetProperty("payload").GetProperty("tick").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, 10), written.Take(10));
        Assert.Equal(status.PayloadsFlushedTotal, written.Count);
        Assert.Equal(next - 1, (long)written[^1]);
    }

    [Fact]
    public void A_read_only_file_system_at_startup_is_a_configuration_error_naming_the_path()
    {
        using var tmpfs = new Tmpfs(64);
        tmpfs.Remount("ro");
        string file = Path.Combine(tmpfs.Path, "events.jsonl");
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file })));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal("telemetry.transport.file_path", error.Key);
        Assert.Contains(file, error.Reason);
        Assert.Contains("Read-only file system (EROFS)", error.Reason);
    }

    [Fact]
    public async Task A_textfile_directory_remounted_read_only_is_counted_and_reported_and_recovers()
    {
        using var tmpfs = new Tmpfs(64);
        string path = Path.Combine(tmpfs.Path, "townlet.prom");
        await using var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "prometheus", FilePath = path }, retryLimit: 0));
        for (int i = 0; i < 5; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await publisher.FlushAsync();
        tmpfs.Remount("ro");

        for (int i = 5; i < 8; i++) publisher.Emit(PublisherTestKit.Tick(i));
        await Eventually(() => publisher.TransportStatus.DroppedMessages == 3, "3 events dropped");
        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Contains("Read-only file system (EROFS)", status.WorkerError);
        Assert.Contains(tmpfs.Path, status.WorkerError);
        Assert.Contains("townlet_telemetry_messages_total 5", File.ReadAllLines(path));

        // Writable again: once the circuit's cool-down passes, the next batch rewrites the textfile with the counters.
        tmpfs.Remount("rw");
        await EmitUntilDeliveredAsync(publisher, 8, () => publisher.TransportStatus.PayloadsFlushedTotal > 5, perRound: 1);
        TransportStatus after = publisher.TransportStatus;
        AssertLedger(after);
        Assert.True(after.PayloadsFlushedTotal > 5, "writing resumed");
        Assert.Contains($"townlet_telemetry_messages_total {after.PayloadsFlushedTotal}", File.ReadAllLines(path));
        Assert.Equal([path], Directory.GetFiles(tmpfs.Path)); // no temporary file left
    }
}
