using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Herald.Storage;
using HeraldCli = global::Herald.Cli.Program;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Storage;

/// <summary>
/// A file the file transport rotated (closed files numbered, some gzip-compressed) reads as one set, oldest first,
/// through <see cref="FileStorage"/>, <c>herald query</c> and <c>herald stats</c>.
/// </summary>
public sealed class RotatedSetReadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-rotated-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteRotatedSetAsync(int events, bool compress)
    {
        string file = Path.Combine(_dir, "events.jsonl");
        var options = new TelemetryOptions
        {
            Transport = new TransportOptions
            {
                Type = "file", FilePath = file, MaxFileBytes = 8 * 1024, RetainedFiles = 0, CompressRotated = compress,
                Buffer = new BufferOptions { MaxBatchSize = 10 },
                Worker = new WorkerOptions { Backpressure = BackpressureMode.Block },
            },
        };
        await using (var publisher = TelemetryPublisher.Create(options))
        {
            for (int i = 0; i < events; i++)
            {
                publisher.Emit(Tick(i));
                if (i % 10 == 9) await publisher.FlushAsync(); // a batch at a time: several rotations
            }
        }
        return file;
    }

    private static async Task<(int Exit, string Out, string Err)> Herald(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await HeraldCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rotated_set_reads_as_one_file_in_emit_order(bool compress)
    {
        string file = await WriteRotatedSetAsync(600, compress);
        IReadOnlyList<string> set = RotatedFiles.InOrder(file);
        Assert.True(set.Count >= 5, $"{set.Count} files");
        Assert.Equal(compress, set[0].EndsWith(".gz", StringComparison.Ordinal));

        List<long> ticks = new FileStorage(file).Read(EventQuery.All).Select(e => JsonDocument.Parse(e.Json).RootElement.GetProperty("payload").GetProperty("tick").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (long)i), ticks);

        var (exit, output, error) = await Herald("query", file, "--type", "loop.tick", "--limit", "3");
        Assert.Equal(0, exit);
        Assert.Equal(["0", "1", "2"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").GetProperty("tick").GetRawText()));
        Assert.EndsWith("3 events", error.Trim());
        var (statsExit, stats, _) = await Herald("stats", file);
        Assert.Equal(0, statsExit);
        Assert.Contains($"{file}: 600 events", stats);
    }

    [Fact]
    public async Task A_bad_line_in_a_closed_compressed_file_is_reported_with_that_files_path()
    {
        string file = await WriteRotatedSetAsync(200, compress: true);
        string oldest = RotatedFiles.InOrder(file)[0];
        string text;
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(oldest), CompressionMode.Decompress))) text = reader.ReadToEnd();
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[1] = "{\"id\":\"x\",\"type\":\"loop.tick\",\"timestamp\":1e17}";
        using (var gzip = new GZipStream(File.Create(oldest), CompressionLevel.Fastest)) gzip.Write(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

        var (exit, _, error) = await Herald("stats", file);

        Assert.Equal(0, exit);
        Assert.Contains($"{oldest}(2): skipped: 'timestamp' 1e17 is out of range", error);
    }
}
