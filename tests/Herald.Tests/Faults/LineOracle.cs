using System.Text;
using System.Text.Json;

namespace Herald.Tests.Faults;

/// <summary>
/// Judges a file's lines the way Herald documents them, with a different parser (JsonDocument and a throwing UTF-8
/// decoder) than the reader under test: a line is an envelope when it is UTF-8, one JSON object with string
/// <c>id</c> and <c>type</c> and a numeric <c>timestamp</c> that a DateTimeOffset can hold once rounded to the
/// millisecond. Lines are split on '\n'; one trailing '\r' is ignored; a line of only '\r's is blank.
/// </summary>
internal static class LineOracle
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public sealed record Judged(long LineNumber, byte[] Bytes, bool Blank, bool Valid, bool Unterminated);

    public static List<Judged> Judge(byte[] file)
    {
        var lines = new List<Judged>();
        int start = 0;
        long number = 0;
        while (start < file.Length)
        {
            int newline = Array.IndexOf(file, (byte)'\n', start);
            bool unterminated = newline < 0;
            int end = unterminated ? file.Length : newline;
            byte[] line = file[start..end];
            number++;
            bool blank = line.All(b => b == (byte)'\r');
            lines.Add(new Judged(number, line, blank, !blank && IsEnvelope(line), unterminated));
            start = end + 1;
        }
        return lines;
    }

    public static bool IsEnvelope(byte[] line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        try
        {
            Strict.GetString(line);
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            if (!root.TryGetProperty("id", out JsonElement id) || id.ValueKind != JsonValueKind.String) return false;
            if (!root.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String) return false;
            if (!root.TryGetProperty("timestamp", out JsonElement time) || time.ValueKind != JsonValueKind.Number) return false;
            if (!time.TryGetDouble(out double seconds) || !double.IsFinite(seconds)) return false;
            double ms = Math.Round(seconds * 1000);
            if (ms is < -9e18 or > 9e18) return false;
            DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
            return true;
        }
        catch (Exception ex) when (ex is DecoderFallbackException or JsonException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
