using System;
using System.Buffers.Text;

namespace Herald.Transports.Otlp;

/// <summary>How the encoders type a JSON number: an integer unless it has a fraction or exponent, is out of int64's range, or its path is a schema <c>number</c>.</summary>
internal static class OtlpNumber
{
    /// <summary>The number as an int64 when its text is a whole number in range.</summary>
    public static bool TryInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0) return false;
        return Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;
    }

    /// <summary>The number as a double (round-trip exact parsing).</summary>
    public static double Double(ReadOnlySpan<byte> text)
        => Utf8Parser.TryParse(text, out double value, out int consumed, 'E') && consumed == text.Length ? value
            : Utf8Parser.TryParse(text, out value, out _) ? value : double.NaN;
}
