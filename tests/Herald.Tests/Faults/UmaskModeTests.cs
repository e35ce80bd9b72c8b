using Herald.Tests.Runtime;
using static Herald.Tests.Faults.FaultKit;

namespace Herald.Tests.Faults;

/// <summary>
/// Files and directories Herald creates get their documented modes whatever the umask (the umask is process-wide:
/// this class runs alone, in the non-parallel collection); files it did not create keep theirs.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(nameof(ConsoleErrorCollection))]
public sealed class UmaskModeTests
{
    private const UnixFileMode Mode0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode Mode0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode Mode0644 = Mode0640 | UnixFileMode.OtherRead;
    private const UnixFileMode Mode0755 = Mode0750 | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static async Task UnderUmask(uint mask, Func<Task> body)
    {
        uint previous = Umask(mask);
        try
        {
            await body();
        }
        finally
        {
            Umask(previous);
        }
    }

    private static async Task WriteSome(TransportOptions transport, int rotations = 0)
    {
        await using var publisher = TelemetryPublisher.Create(Options(transport, maxBatch: 4));
        for (int i = 0; i < 8 * (rotations + 1); i++)
        {
            publisher.Emit(PublisherTestKit.Tick(i));
            if (i % 4 == 3) await publisher.FlushAsync();
        }
        await publisher.FlushAsync();
        AssertLedger(publisher.TransportStatus);
        Assert.Equal(0, publisher.TransportStatus.DroppedMessages);
    }

    [Fact]
    public Task Under_umask_000_files_are_0640_and_directories_0750_rotated_and_compressed_ones_too() => UnderUmask(0, async () =>
    {
        using var dir = new TempDir("umask000");
        string file = Path.Combine(dir.Path, "a", "b", "events.jsonl");
        await WriteSome(new TransportOptions { Type = "file", FilePath = file, MaxFileBytes = 1200, CompressRotated = true }, rotations: 3);

        Assert.Equal(Mode0750, File.GetUnixFileMode(Path.Combine(dir.Path, "a")));
        Assert.Equal(Mode0750, File.GetUnixFileMode(Path.Combine(dir.Path, "a", "b")));
        string[] files = Directory.GetFiles(Path.GetDirectoryName(file)!);
        Assert.Contains(files, f => f.EndsWith(".jsonl.gz", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == Mode0640, $"{f}: {File.GetUnixFileMode(f)}"));
    });

    [Fact]
    public Task Configured_modes_are_exact_and_an_existing_file_keeps_its_mode() => UnderUmask(0, async () =>
    {
        using var dir = new TempDir("modes");
        string file = Path.Combine(dir.Path, "private", "events.jsonl");
        await WriteSome(new TransportOptions { Type = "file", FilePath = file, FileMode = "0600", DirectoryMode = "0700" });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));

        string existing = dir.File("existing.jsonl");
        File.WriteAllText(existing, "");
        File.SetUnixFileMode(existing, Mode0644 | UnixFileMode.OtherWrite);
        await WriteSome(new TransportOptions { Type = "file", FilePath = existing });
        Assert.Equal(Mode0644 | UnixFileMode.OtherWrite, File.GetUnixFileMode(existing));
    });

    [Fact]
    public Task The_prometheus_textfile_is_0644_in_a_0755_directory_under_any_umask() => UnderUmask(0, async () =>
    {
        using var dir = new TempDir("prom-modes");
        string path = Path.Combine(dir.Path, "textfiles", "townlet.prom");
        await WriteSome(new TransportOptions { Type = "prometheus", FilePath = path });
        Assert.Equal(Mode0644, File.GetUnixFileMode(path));
        Assert.Equal(Mode0755, File.GetUnixFileMode(Path.GetDirectoryName(path)!));

        Umask(0b000_111_111); // 0077
        string strict = Path.Combine(dir.Path, "strict.prom");
        await WriteSome(new TransportOptions { Type = "prometheus", FilePath = strict });
        Assert.Equal(Mode0644, File.GetUnixFileMode(strict));
    });
}
