using static Herald.Tests.Faults.FaultKit;

namespace Herald.Tests.Faults;

/// <summary>
/// A symlink planted where Herald writes is never followed: at the file transport's path (at startup: a configuration
/// error naming the key; before a rotation: a counted, reported failure), and at the prometheus transport's temporary
/// file, whose name can no longer be guessed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SymlinkPlantingTests
{
    [Fact]
    public void A_symlink_at_the_file_path_at_startup_is_a_configuration_error_and_the_target_is_untouched()
    {
        using var dir = new TempDir("symlink-start");
        string victim = dir.File("victim.txt");
        File.WriteAllText(victim, "precious\n");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string file = dir.File("events.jsonl");
        File.CreateSymbolicLink(file, victim);

        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file })));

        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal("telemetry.transport.file_path", error.Key);
        Assert.Contains(file, error.Reason);
        Assert.Contains("symbolic link", error.Reason);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(victim));
        Assert.Equal(victim, new FileInfo(file).LinkTarget);
    }

    [Fact]
    public async Task A_symlink_planted_before_a_rotation_is_refused_counted_and_reported_until_it_is_removed()
    {
        using var dir = new TempDir("symlink-rotation");
        string victim = dir.File("victim.txt");
        File.WriteAllText(victim, "precious\n");
        string file = dir.File("events.jsonl");
        await using var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file, MaxFileBytes = 1000 }, maxBatch: 8));
        for (int i = 0; i < 3; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        await publisher.FlushAsync();

        // Swapped for a link while Herald holds the file open; the next batch does not fit and rotates.
        File.Delete(file);
        File.CreateSymbolicLink(file, victim);
        for (int i = 3; i < 8; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        await publisher.FlushAsync();

        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Equal(3, status.PayloadsFlushedTotal);
        Assert.Equal(5, status.DroppedMessages);
        Assert.Contains(file, status.WorkerError);
        Assert.Contains("symbolic link", status.WorkerError);
        Assert.True(status.WorkerAlive);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal(victim, new FileInfo(file).LinkTarget);

        // Removed: the next batch creates a new file.
        File.Delete(file);
        for (int i = 8; i < 10; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        await publisher.FlushAsync();
        status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Equal(5, status.PayloadsFlushedTotal);
        Assert.Equal([8, 9], WholeLines(File.ReadAllBytes(file), "the new file").Select(l => l.GetProperty("payload").GetProperty("tick").GetInt32()));
        Assert.Equal("precious\n", File.ReadAllText(victim));
    }

    [Fact]
    public async Task The_prometheus_temporary_file_cannot_be_planted_and_the_old_predictable_name_is_not_followed()
    {
        using var dir = new TempDir("symlink-prom");
        string victim = dir.File("victim.txt");
        File.WriteAllText(victim, "precious\n");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string path = dir.File("townlet.prom");
        // Where Herald used to write its temporary file, by process id; and a link at the target itself.
        string predictable = dir.File($".townlet.prom.{Environment.ProcessId}.tmp");
        File.CreateSymbolicLink(predictable, victim);
        File.CreateSymbolicLink(path, victim);

        await using (var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "prometheus", FilePath = path })))
        {
            for (int i = 0; i < 7; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
            await publisher.FlushAsync();
            AssertLedger(publisher.TransportStatus);
            Assert.Equal(7, publisher.TransportStatus.PayloadsFlushedTotal);
        }

        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(victim));
        Assert.Equal(victim, new FileInfo(predictable).LinkTarget);
        // The link at the target was replaced by the textfile, not written through.
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Contains("townlet_telemetry_messages_total 7", File.ReadAllLines(path));
        // No temporary file is left behind: only the planted link, the victim and the textfile.
        Assert.Equal(new[] { predictable, path, victim }.Order(StringComparer.Ordinal), Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal));
    }
}

/// <summary>Compressing a closed file reads it without following a link swapped in at its name.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NoFollowReadTests
{
    [Fact]
    public void A_closed_file_swapped_for_a_link_is_refused_not_read_through()
    {
        using var dir = new FaultKit.TempDir("nofollow-read");
        string secret = dir.File("secret.txt");
        File.WriteAllText(secret, "not telemetry");
        string closed = dir.File("events.000001.jsonl");
        File.CreateSymbolicLink(closed, secret);

        var ex = Assert.Throws<Herald.Transports.LinuxFileException>(() => Herald.Transports.LinuxFile.OpenReadNoFollow(closed));

        Assert.Equal(Herald.Transports.LinuxFile.ELOOP, ex.Errno);
        using var plain = new FileStream(Herald.Transports.LinuxFile.OpenReadNoFollow(secret), FileAccess.Read);
        Assert.Equal("not telemetry", new StreamReader(plain).ReadToEnd());
    }
}
