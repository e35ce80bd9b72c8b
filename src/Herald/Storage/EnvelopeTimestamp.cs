using System;
using System.Text;
using System.Text.Json;

namespace Herald.Storage;

/// <summary>
/// An envelope's <c>timestamp</c>: unix seconds (milliseconds in the fraction), accepted when it names an instant a
/// <see cref="DateTimeOffset"/> can hold once rounded to the millisecond — 0001-01-01T00:00:00.000Z through
/// 9999-12-31T23:59:59.999Z, i.e. -62135596800 through 253402300799.999.
/// </summary>
internal static class EnvelopeTimestamp
{
    private static readonly double MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly double MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>What a line outside the range is told.</summary>
    public const string Range = "0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z, unix seconds -62135596800 .. 253402300799.999";

    /// <summary>
    /// Reads the value after the <c>timestamp</c> property name. Null without an error when it is not a number; null
    /// with an error when it is a number outside the range (1e17, -1e20, 1e400).
    /// </summary>
    public static DateTimeOffset? Read(ref Utf8JsonReader reader, out string? error)
    {
        error = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }
        // TryGetDouble is false for numbers beyond double (1e400); GetDouble would throw.
        if (reader.TryGetDouble(out double seconds) && double.IsFinite(seconds)
            && Math.Round(seconds * 1000) is var milliseconds && milliseconds >= MinMilliseconds && milliseconds <= MaxMilliseconds)
            return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
        string text = Encoding.UTF8.GetString(reader.ValueSpan.Length > 40 ? reader.ValueSpan[..40] : reader.ValueSpan);
        error = $"'timestamp' {text}{(reader.ValueSpan.Length > 40 ? "…" : "")} is out of range ({Range})";
        return null;
    }
}
