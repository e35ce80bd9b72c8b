using System;
using System.Buffers;
using System.Text;

namespace Herald.Serialization;

/// <summary>String escaping for <see cref="JsonOutput"/>: the slow path, taken only when a string has a character outside printable ASCII or a quote/backslash.</summary>
internal static class JsonEscaping
{
    /// <summary>Printable ASCII except '"' and '\': copied as is.</summary>
    public static readonly SearchValues<char> PlainAscii = SearchValues.Create(BuildPlain());

    private static string BuildPlain()
    {
        var sb = new StringBuilder();
        for (char c = ' '; c < (char)0x7F; c++)
        {
            if (c != '"' && c != '\\') sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="chars"/> quoted and escaped; the caller guarantees 6 bytes per char + 2.</summary>
    public static int WriteQuoted(ReadOnlySpan<char> chars, Span<byte> destination)
    {
        int pos = 0;
        destination[pos++] = (byte)'"';
        int i = 0;
        while (i < chars.Length)
        {
            // Copy the next run of plain ASCII in one vectorised step.
            int run = chars.Slice(i).IndexOfAnyExcept(PlainAscii);
            if (run < 0) run = chars.Length - i;
            if (run > 0)
            {
                Ascii.FromUtf16(chars.Slice(i, run), destination.Slice(pos), out int copied);
                pos += copied;
                i += run;
                if (i >= chars.Length) break;
            }

            char c = chars[i];
            if (c < 0x80)
            {
                pos += WriteAsciiEscape(c, destination.Slice(pos));
                i++;
                continue;
            }
            OperationStatus status = Rune.DecodeFromUtf16(chars.Slice(i), out Rune rune, out int consumed);
            if (status != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar; // lone surrogate
                consumed = 1;
            }
            pos += rune.EncodeToUtf8(destination.Slice(pos));
            i += consumed;
        }
        destination[pos++] = (byte)'"';
        return pos;
    }

    private static int WriteAsciiEscape(char c, Span<byte> destination)
    {
        byte shortForm = c switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            _ => 0,
        };
        destination[0] = (byte)'\\';
        if (shortForm != 0)
        {
            destination[1] = shortForm;
            return 2;
        }
        // Other control characters and DEL: \u00XX with upper-case hex, as System.Text.Json writes them.
        destination[1] = (byte)'u';
        destination[2] = (byte)'0';
        destination[3] = (byte)'0';
        destination[4] = Hex(c >> 4);
        destination[5] = Hex(c & 0xF);
        return 6;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
