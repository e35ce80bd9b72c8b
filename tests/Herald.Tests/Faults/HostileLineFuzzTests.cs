using System.Globalization;
using System.Text;
using Herald.Storage;
using Herald.Tests.Storage;
using HeraldCli = global::Herald.Cli.Program;

namespace Herald.Tests.Faults;

/// <summary>
/// Mutated envelope lines and random bytes, written to real files: FileStorage returns exactly the lines
/// <see cref="LineOracle"/> calls envelopes and reports every other non-blank line with its number, and
/// <c>herald query</c> / <c>herald stats</c> exit 0 with the skipped lines on stderr. Fixed seed, bounded.
/// </summary>
public sealed class HostileLineFuzzTests : IDisposable
{
    private const int Seed = 20_261_123;
    private const int Files = 40;
    private const int LinesPerFile = 50;
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] HostileNumbers =
    [
        "1e17", "9.3e15", "-1e20", "1e300", "1e400", "-1e400", "1e-400", "-0", "253402300800", "253402300799.9996",
        "-62135596800.001", "-62135596800", "253402300799.999", "123456789012345678901234567890", "\"NaN\"", "NaN",
        "Infinity", "\"1800000000\"", "true", "null", "[]", "{}", "0x10", "1.", ".5", "01",
    ];

    private static readonly string[] SwappedFields =
    [
        "\"id\":5", "\"id\":null", "\"id\":{}", "\"type\":[\"a\"]", "\"type\":false", "\"meta\":\"x\"", "\"meta\":[1]",
        "\"meta\":{\"correlation_id\":7}", "\"payload\":\"\\uD800\"", "\"payload\":\"\\u0000\"",
        "\"meta\":{\"trace_id\":7,\"span_id\":[],\"trace_flags\":\"1\"}", "\"meta\":{\"trace_id\":\"\\uD800\",\"trace_flags\":1e400}",
        "\"meta\":{\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"XYZ\",\"trace_flags\":-300}",
    ];

    private static readonly byte[][] BadUtf8 = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];

    private static string Valid(Random random, int n) => random.Next(4) switch
    {
        0 => StorageTests.Line("loop.tick", random.NextDouble() * 1000, n: n),
        1 => StorageTests.Line("loop.health", random.Next(100), "c-" + random.Next(5), n: n),
        2 => "{\"id\":\"e" + n + "\",\"type\":\"x.é\",\"timestamp\":" + random.Next(-1000, 1000) + ",\"payload\":{\"s\":\"\\u00e9 ✓ \\\"q\\\"\",\"a\":[1,2.5e3,null]}}",
        _ => "{\"timestamp\":1.7e9,\"type\":\"t\",\"id\":\"last-" + n + "\",\"meta\":null}",
    };

    private static byte[] Mutate(Random random, int n)
    {
        string valid = Valid(random, n);
        byte[] bytes = Encoding.UTF8.GetBytes(valid);
        switch (random.Next(13))
        {
            case 0: // byte flips
                for (int i = random.Next(1, 4); i > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2: // a NUL run
                int at = random.Next(bytes.Length);
                return [.. bytes[..at], .. new byte[random.Next(1, 64)], .. bytes[at..]];
            case 3:
                return Encoding.UTF8.GetBytes(Replace(valid, "\"timestamp\":", HostileNumbers[random.Next(HostileNumbers.Length)]));
            case 4:
                string field = SwappedFields[random.Next(SwappedFields.Length)];
                string name = field[..(field.IndexOf(':') + 1)];
                return Encoding.UTF8.GetBytes(valid.Contains(name, StringComparison.Ordinal) ? Replace(valid, name, field[name.Length..]) : valid[..^1] + "," + field + "}");
            case 5: // random bytes, newlines included
                var noise = new byte[random.Next(0, 200)];
                random.NextBytes(noise);
                return noise;
            case 6: // a bad UTF-8 sequence inside a string value
                int quote = valid.IndexOf("\"type\":\"", StringComparison.Ordinal) + 8;
                byte[] bad = BadUtf8[random.Next(BadUtf8.Length)];
                return [.. bytes[..quote], .. bad, .. bytes[quote..]];
            case 7: // deep nesting around the limit of 64
                int depth = new[] { 62, 63, 64, 65, 500 }[random.Next(5)];
                return Encoding.UTF8.GetBytes(valid[..^1] + ",\"deep\":" + new string('[', depth) + new string(']', depth) + "}");
            case 8:
                return [.. bytes, (byte)'\r'];
            case 9:
                return random.Next(2) == 0 ? [] : "\r"u8.ToArray();
            case 10: // something after the object
                return Encoding.UTF8.GetBytes(valid + (random.Next(2) == 0 ? " x" : valid));
            default:
                return bytes;
        }
    }

    /// <summary>Replaces the value that follows <paramref name="name"/> (up to the next ',' or '}') with <paramref name="value"/>.</summary>
    private static string Replace(string line, string name, string value)
    {
        int start = line.IndexOf(name, StringComparison.Ordinal) + name.Length;
        int end = line.IndexOfAny([',', '}'], start);
        if (line[start] == '{') end = line.IndexOf('}', start) + 1;
        return line[..start] + value + line[end..];
    }

    private static byte[] File(Random random)
    {
        var file = new MemoryStream();
        for (int n = 0; n < LinesPerFile; n++)
        {
            file.Write(Mutate(random, n));
            if (n < LinesPerFile - 1 || random.Next(3) > 0) file.WriteByte((byte)'\n'); // a third end without a newline
        }
        return file.ToArray();
    }

    [Fact]
    public async Task Every_line_is_read_or_reported_and_the_cli_exits_0()
    {
        var random = new Random(Seed);
        long reported = 0, read = 0;
        for (int f = 0; f < Files; f++)
        {
            byte[] bytes = File(random);
            string path = Path.Combine(_dir, $"fuzz-{f}.jsonl");
            await System.IO.File.WriteAllBytesAsync(path, bytes);
            List<LineOracle.Judged> lines = LineOracle.Judge(bytes);
            string where = $"seed {Seed}, file {f}";

            var malformed = new List<MalformedLine>();
            List<StoredEvent> events = new FileStorage(path).Read(EventQuery.All, malformed.Add).ToList();

            LineOracle.Judged[] valid = lines.Where(l => l.Valid).ToArray();
            LineOracle.Judged[] invalid = lines.Where(l => !l.Valid && !l.Blank).ToArray();
            Assert.True(valid.Select(l => l.LineNumber).SequenceEqual(events.Select(e => e.LineNumber)),
                $"{where}: read lines {string.Join(',', events.Select(e => e.LineNumber))}, expected {string.Join(',', valid.Select(l => l.LineNumber))}; "
                + string.Join("; ", lines.Where(l => l.Valid != events.Any(e => e.LineNumber == l.LineNumber) && !l.Blank).Select(l => $"line {l.LineNumber}: {Convert.ToHexString(l.Bytes)}")));
            Assert.Equal(valid.Select(l => Encoding.UTF8.GetString(l.Bytes).TrimEnd('\r')), events.Select(e => e.Json));
            Assert.Equal(invalid.Select(l => l.LineNumber), malformed.Select(m => m.LineNumber));
            Assert.Equal(lines.Count, events.Count + malformed.Count + lines.Count(l => l.Blank)); // the ledger
            Assert.All(malformed, m => Assert.DoesNotContain(m.Reason, c => char.IsControl(c)));
            Assert.All(malformed, m => Assert.InRange(m.Reason.Length, 1, 300));
            if (lines[^1] is { Unterminated: true, Valid: false, Blank: false } torn)
                Assert.StartsWith("torn last line (no newline at end of file): ", malformed.Single(m => m.LineNumber == torn.LineNumber).Reason, StringComparison.Ordinal);

            var (exit, output, error) = await RunCli("query", path);
            Assert.True(exit == 0, $"{where}: query exited {exit}: {error}");
            Assert.Equal(events.Select(e => e.Json), output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            foreach (MalformedLine m in malformed) Assert.Contains($"{path}({m.LineNumber}): skipped: ", error, StringComparison.Ordinal);
            string summary = $"{events.Count} event{(events.Count == 1 ? "" : "s")}" + (malformed.Count == 0 ? "" : $", {malformed.Count} malformed line{(malformed.Count == 1 ? "" : "s")} skipped");
            Assert.Equal(summary, error.TrimEnd().Split('\n')[^1].TrimEnd('\r'));
            AssertNoCrashText(error);

            (exit, output, error) = await RunCli("stats", path);
            Assert.True(exit == 0, $"{where}: stats exited {exit}: {error}");
            Assert.Contains($"{path}: {events.Count.ToString("N0", CultureInfo.InvariantCulture)} events", output, StringComparison.Ordinal);
            Assert.Equal(malformed.Count, error.Split('\n').Count(l => l.Contains("): skipped: ", StringComparison.Ordinal)));
            AssertNoCrashText(error + output);

            reported += malformed.Count;
            read += events.Count;
        }
        // The mutations must produce both kinds in bulk, or the test proves little.
        Assert.InRange(read, Files * LinesPerFile / 5, Files * LinesPerFile);
        Assert.InRange(reported, Files * LinesPerFile / 5, Files * LinesPerFile);
    }

    internal static void AssertNoCrashText(string text)
    {
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", text, StringComparison.Ordinal);
    }

    internal static async Task<(int Exit, string Out, string Err)> RunCli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await HeraldCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
