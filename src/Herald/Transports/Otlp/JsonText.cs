using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Herald.Transports.Otlp;

/// <summary>
/// JSON string contents as <see cref="System.Text.Json.Utf8JsonReader"/> gives them (<c>ValueSpan</c>, escapes kept):
/// unescaped to UTF-8 for protobuf, copied as they are for OTLP/JSON. No allocation.
/// </summary>
internal static class JsonText
{
    /// <summary>
    /// Writes the unescaped UTF-8 of <paramref name="raw"/> into <paramref name="into"/> (at least as long as
    /// <paramref name="raw"/>: unescaping never lengthens) and returns its length. A lone surrogate becomes U+FFFD.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> into)
    {
        int first = raw.IndexOf((byte)'\\');
        if (first < 0)
        {
            raw.CopyTo(into);
            return raw.Length;
        }
        raw.Slice(0, first).CopyTo(into);
        int written = first;
        int i = first;
        while (i < raw.Length)
        {
            byte b = raw[i];
            if (b != '\\')
            {
                into[written++] = b;
                i++;
                continue;
            }
            byte e = raw[i + 1];
            i += 2;
            switch (e)
            {
                case (byte)'n': into[written++] = (byte)'\n'; break;
                case (byte)'t': into[written++] = (byte)'\t'; break;
                case (byte)'r': into[written++] = (byte)'\r'; break;
                case (byte)'b': into[written++] = (byte)'\b'; break;
                case (byte)'f': into[written++] = (byte)'\f'; break;
                case (byte)'u':
                    int code = Hex4(raw.Slice(i));
                    i += 4;
                    if (char.IsHighSurrogate((char)code) && i + 6 <= raw.Length && raw[i] == '\\' && raw[i + 1] == 'u'
                        && Hex4(raw.Slice(i + 2)) is int low && char.IsLowSurrogate((char)low))
                    {
                        code = char.ConvertToUtf32((char)code, (char)low);
                        i += 6;
                    }
                    else if (char.IsSurrogate((char)code))
                    {
                        code = 0xFFFD;
                    }
                    new Rune(code).EncodeToUtf8(into.Slice(written));
                    written += new Rune(code).Utf8SequenceLength;
                    break;
                default: into[written++] = e; break; // \" \\ \/
            }
        }
        return written;
    }

    /// <summary>Writes <paramref name="utf8"/> as the contents of a JSON string (quotes not included): <c>"</c>, <c>\</c> and control characters escaped.</summary>
    public static void WriteEscaped(ByteBuffer into, ReadOnlySpan<byte> utf8)
    {
        while (true)
        {
            int next = utf8.IndexOfAnyInRange((byte)0, (byte)0x1F);
            int quote = utf8.IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0 || (quote >= 0 && quote < next)) next = quote;
            if (next < 0)
            {
                into.Write(utf8);
                return;
            }
            into.Write(utf8.Slice(0, next));
            byte b = utf8[next];
            if (b is (byte)'"' or (byte)'\\')
            {
                into.Write((byte)'\\');
                into.Write(b);
            }
            else
            {
                Span<byte> escape = into.Reserve(6);
                "\\u00"u8.CopyTo(escape);
                escape[4] = Hex(b >> 4);
                escape[5] = Hex(b & 0xF);
                into.Length += 6;
            }
            utf8 = utf8.Slice(next + 1);
        }
    }

    /// <summary>A whole number in decimal.</summary>
    public static void WriteInteger(ByteBuffer into, long value)
    {
        Utf8Formatter.TryFormat(value, into.Reserve(20), out int written);
        into.Length += written;
    }

    /// <summary>An unsigned whole number in decimal.</summary>
    public static void WriteInteger(ByteBuffer into, ulong value)
    {
        Utf8Formatter.TryFormat(value, into.Reserve(20), out int written);
        into.Length += written;
    }

    /// <summary>Lowercase hex of <paramref name="bytes"/>.</summary>
    public static void WriteHex(ByteBuffer into, ReadOnlySpan<byte> bytes)
    {
        Span<byte> hex = into.Reserve(bytes.Length * 2);
        for (int i = 0; i < bytes.Length; i++)
        {
            hex[2 * i] = Hex(bytes[i] >> 4);
            hex[2 * i + 1] = Hex(bytes[i] & 0xF);
        }
        into.Length += bytes.Length * 2;
    }

    /// <summary>Parses exactly <c>2 × into.Length</c> hex digits (either case); false on anything else.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> hex, Span<byte> into)
    {
        if (hex.Length != into.Length * 2) return false;
        for (int i = 0; i < into.Length; i++)
        {
            int high = HexValue(hex[2 * i]), low = HexValue(hex[2 * i + 1]);
            if ((high | low) < 0) return false;
            into[i] = (byte)(high << 4 | low);
        }
        return true;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        for (int i = 0; i < 4; i++) value = value << 4 | Math.Max(0, HexValue(digits[i]));
        return value;
    }
}
