using System.Text;
using Herald.Storage;
using Herald.Tests.Storage;
using static Herald.Tests.Faults.HostileLineFuzzTests;
using HeraldCli = global::Herald.Cli.Program;

namespace Herald.Tests.Faults;

/// <summary>
/// One hostile line at a time, between two good ones, in a real file: out-of-range timestamps, wrong types, bad
/// bytes, a 10 MB line, torn last lines. Each is read or reported with its line number and reason; the CLI exits 0.
/// </summary>
public sealed class HostileLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string First = StorageTests.Line("loop.tick", 0, n: 0);
    private static readonly string Last = StorageTests.Line("loop.tick", 1, n: 1);

    private string Write(params byte[][] lines)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");
        using var file = System.IO.File.Create(path);
        foreach (byte[] line in lines)
        {
            file.Write(line);
            file.WriteByte((byte)'\n');
        }
        return path;
    }

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Reads a file of First, <paramref name="hostile"/>, Last: both good lines and exactly one report for line 2.</summary>
    private async Task<string> AssertSkippedBetweenGoodLines(byte[] hostile)
    {
        string path = Write(B(First), hostile, B(Last));
        var malformed = new List<MalformedLine>();
        Assert.Equal([1L, 3L], new FileStorage(path).Read(EventQuery.All, malformed.Add).Select(e => e.LineNumber));
        MalformedLine report = Assert.Single(malformed);
        Assert.Equal(2, report.LineNumber);

        var (exit, output, error) = await RunCli("query", path);
        Assert.Equal(0, exit);
        Assert.Equal([First, Last], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{path}(2): skipped: {report.Reason}", error, StringComparison.Ordinal);
        Assert.EndsWith("2 events, 1 malformed line skipped", error.Trim(), StringComparison.Ordinal);
        AssertNoCrashText(error);

        (exit, output, error) = await RunCli("stats", path);
        Assert.Equal(0, exit);
        Assert.Contains($"{path}: 2 events", output, StringComparison.Ordinal);
        Assert.Contains($"{path}(2): skipped: ", error, StringComparison.Ordinal);
        AssertNoCrashText(error + output);
        return report.Reason;
    }

    [Theory]
    [InlineData("1e17")]
    [InlineData("9.3e15")]
    [InlineData("-1e20")]
    [InlineData("1e300")]
    [InlineData("1e400")]
    [InlineData("253402300800")] // 10000-01-01
    [InlineData("253402300799.9996")] // rounds to 10000-01-01
    [InlineData("-62135596800.001")] // before 0001-01-01
    public async Task An_out_of_range_timestamp_is_skipped_with_its_value_and_the_range(string timestamp)
    {
        string reason = await AssertSkippedBetweenGoodLines(B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":" + timestamp + "}"));
        Assert.Equal($"'timestamp' {timestamp} is out of range (0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z, unix seconds -62135596800 .. 253402300799.999)", reason);
    }

    [Fact]
    public async Task The_first_and_last_representable_milliseconds_are_read()
    {
        string path = Write(B("{\"id\":\"min\",\"type\":\"b\",\"timestamp\":-62135596800}"), B("{\"id\":\"max\",\"type\":\"b\",\"timestamp\":253402300799.999}"));
        StoredEvent[] events = new FileStorage(path).Read(EventQuery.All).ToArray();
        Assert.Equal(DateTimeOffset.MinValue, events[0].Timestamp);
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), events[1].Timestamp);

        var (exit, output, _) = await RunCli("stats", path);
        Assert.Equal(0, exit);
        Assert.Contains("time span: 0001-01-01 00:00:00.000 .. 9999-12-31 23:59:59.999 UTC", output, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], string> Hostile => new()
    {
        { "a NaN-like string", B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":\"NaN\"}"), "no numeric 'timestamp'" },
        { "bare NaN", B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":NaN}"), "invalid JSON: " },
        { "Infinity", B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":-Infinity}"), "invalid JSON: " },
        { "a numeric id", B("{\"id\":5,\"type\":\"b\",\"timestamp\":1}"), "no string 'id'" },
        { "an object type", B("{\"id\":\"a\",\"type\":{\"x\":1},\"timestamp\":1}"), "no string 'type'" },
        { "text after the object", B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":1,\"meta\":\"m\"} x"), "invalid JSON: " },
        { "an array", B("[1,2]"), "not a JSON object" },
        { "binary garbage", [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFE, 0x01, 0x7F], "not UTF-8 (invalid byte 0x8B at byte 2)" },
        { "an overlong NUL in a string", [.. B("{\"id\":\"a"), 0xC0, 0x80, .. B("\",\"type\":\"b\",\"timestamp\":1}")], "not UTF-8 (invalid byte 0xC0 at byte 9)" },
        { "a UTF-8 surrogate", [.. B("{\"id\":\"a\",\"type\":\"b"), 0xED, 0xA0, 0x80, .. B("\",\"timestamp\":1}")], "not UTF-8 (invalid byte 0xED at byte 20)" },
        { "a NUL run", [.. B("{\"id\":\"a\","), .. new byte[4096], .. B("\"type\":\"b\",\"timestamp\":1}")], "invalid JSON: " },
        { "an escape sequence to a terminal", B("{\"id\":\"a\",\u001b[31m\"type\":\"b\",\"timestamp\":1}"), "invalid JSON: " },
        { "nesting 100,000 deep", B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":1,\"payload\":" + new string('[', 100_000) + new string(']', 100_000) + "}"), "invalid JSON: " },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_line_is_skipped_with_a_printable_reason(string what, byte[] line, string reason)
    {
        string reported = await AssertSkippedBetweenGoodLines(line);
        Assert.True(reported.StartsWith(reason, StringComparison.Ordinal), $"{what}: {reported}");
        Assert.DoesNotContain(reported, c => char.IsControl(c));
    }

    [Fact]
    public async Task CRLF_and_empty_lines_are_neither_events_nor_errors_and_CRLF_envelopes_are_read()
    {
        string path = Write(B(First + "\r"), [], B("\r"), B(Last + "\r"));
        var malformed = new List<MalformedLine>();
        StoredEvent[] events = new FileStorage(path).Read(EventQuery.All, malformed.Add).ToArray();
        Assert.Equal([1L, 4L], events.Select(e => e.LineNumber));
        Assert.Equal([First, Last], events.Select(e => e.Json));
        Assert.Empty(malformed);
        Assert.Equal("2 events", (await RunCli("query", path)).Err.Trim());
    }

    [Fact]
    public async Task A_10_MB_line_is_read_and_a_10_MB_number_is_skipped_with_a_short_reason()
    {
        string big = "{\"id\":\"big\",\"type\":\"b\",\"timestamp\":1,\"payload\":\"" + new string('x', 10_000_000) + "\"}";
        string path = Write(B(First), B(big), B("{\"id\":\"a\",\"type\":\"b\",\"timestamp\":1" + new string('0', 10_000_000) + "}"), B(Last));
        var malformed = new List<MalformedLine>();
        StoredEvent[] events = new FileStorage(path).Read(EventQuery.All, malformed.Add).ToArray();

        Assert.Equal([1L, 2L, 4L], events.Select(e => e.LineNumber));
        Assert.Equal(big.Length, events[1].Json.Length);
        MalformedLine number = Assert.Single(malformed);
        Assert.Equal(3, number.LineNumber);
        Assert.StartsWith("'timestamp' 1000000000000000000000000000000000000000… is out of range", number.Reason, StringComparison.Ordinal);
        Assert.True(number.Reason.Length < 200, number.Reason);
        var (exit, _, error) = await RunCli("stats", path);
        Assert.Equal(0, exit);
        Assert.True(error.Length < 500, "stderr holds the reason, not the line");
    }

    [Fact]
    public void A_torn_last_line_is_reported_as_torn_and_a_whole_one_without_newline_is_read()
    {
        string torn = Path.Combine(_dir, "torn.jsonl");
        System.IO.File.WriteAllText(torn, First + "\n" + Last[..40]);
        var malformed = new List<MalformedLine>();
        Assert.Equal([1L], new FileStorage(torn).Read(EventQuery.All, malformed.Add).Select(e => e.LineNumber));
        MalformedLine report = Assert.Single(malformed);
        Assert.Equal(2, report.LineNumber);
        Assert.StartsWith("torn last line (no newline at end of file): invalid JSON: ", report.Reason, StringComparison.Ordinal);

        string whole = Path.Combine(_dir, "whole.jsonl");
        System.IO.File.WriteAllText(whole, First + "\n" + Last);
        malformed.Clear();
        Assert.Equal([1L, 2L], new FileStorage(whole).Read(EventQuery.All, malformed.Add).Select(e => e.LineNumber));
        Assert.Empty(malformed);
    }

    [Fact]
    public async Task Follow_reads_a_torn_line_once_completed_and_reports_one_still_torn_when_it_stops()
    {
        string path = Path.Combine(_dir, "live.jsonl");
        System.IO.File.WriteAllText(path, First + "\n" + Last[..30]);
        using var cts = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        Task<int> run = HeraldCli.RunAsync(["query", path, "--follow"], TextWriter.Synchronized(output), TextWriter.Synchronized(error), cts.Token);

        await Runtime.PublisherTestKit.Eventually(() => output.ToString().Contains("evt_loop_0", StringComparison.Ordinal), "the first event");
        System.IO.File.AppendAllText(path, Last[30..] + "\n" + "{\"id\":\"x\",\"type\":\"b\",\"timestamp\":1e17}\n" + First[..20]);
        await Runtime.PublisherTestKit.Eventually(() => output.ToString().Contains("evt_loop_1", StringComparison.Ordinal), "the completed line");
        await Runtime.PublisherTestKit.Eventually(() => error.ToString().Contains($"{path}(3): skipped: 'timestamp' 1e17 is out of range", StringComparison.Ordinal), "the out-of-range line");
        cts.Cancel();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([First, Last], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        string[] stderr = error.ToString().Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.StartsWith($"{path}(4): skipped: torn last line (no newline when following stopped): invalid JSON: ", stderr[^2], StringComparison.Ordinal);
        Assert.Equal("2 events, 2 malformed lines skipped", stderr[^1]);
        AssertNoCrashText(error.ToString());
    }
}
