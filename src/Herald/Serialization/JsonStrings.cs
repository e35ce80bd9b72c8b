using System;
using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.Json;

namespace Herald.Serialization;

/// <summary>
/// Tolerant decoding of JSON string tokens: an escaped lone surrogate (<c>"\ud800"</c>, which Python's <c>json</c>
/// writes for unpaired code units) becomes U+FFFD instead of the <see cref="InvalidOperationException"/>
/// <see cref="Utf8JsonReader.GetString"/> throws. Strings without escapes take System.Text.Json's own path.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonStrings
{
    private const int StackChars = 256;

    /// <summary>The current string or property-name token as a string; lone surrogate escapes read as U+FFFD.</summary>
    /// <exception cref="EventFormatException">The raw text is not valid UTF-8.</exception>
    internal static string GetString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return reader.GetString()!;
        ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return Unescape(raw) ?? throw new EventFormatException("string is not valid UTF-8", reader.TokenStartIndex);
    }

    /// <summary>
    /// Decodes the text between the quotes of a JSON string whose escapes a reader has already checked; null when a raw
    /// (unescaped) run is not valid UTF-8.
    /// </summary>
    internal static string? Unescape(ReadOnlySpan<byte> raw)
    {
        // A UTF-8 byte yields at most one UTF-16 unit and an escape shrinks, so raw.Length chars always suffice.
        char[]? rented = raw.Length > StackChars ? ArrayPool<char>.Shared.Rent(raw.Length) : null;
        Span<char> chars = rented ?? stackalloc char[StackChars];
        try
        {
            int written = Decode(raw, chars);
            return written < 0 ? null : new string(chars.Slice(0, written));
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Whether the current string or property name, its escapes decoded as <see cref="GetString"/> does, is
    /// <paramref name="utf8"/>. Unlike <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> it does not throw on
    /// a lone surrogate escape, so an unknown property named that way is skipped like any other.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool TextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
        => reader.ValueIsEscaped ? EscapedTextEquals(ref reader, utf8) : reader.ValueTextEquals(utf8);

    private static bool EscapedTextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        // Decoding only shrinks text, so a raw value shorter than the target cannot equal it.
        if (raw.Length < utf8.Length) return false;
        char[]? rented = raw.Length > StackChars ? ArrayPool<char>.Shared.Rent(raw.Length) : null;
        Span<char> chars = rented ?? stackalloc char[StackChars];
        try
        {
            int written = Decode(raw, chars);
            if (written < 0) return false;
            chars = chars.Slice(0, written);
            // Equal texts have equal UTF-8: compare by encoding the decoded text a piece at a time.
            Span<byte> piece = stackalloc byte[StackChars];
            while (!chars.IsEmpty)
            {
                OperationStatus status = System.Text.Unicode.Utf8.FromUtf16(chars, piece, out int read, out int produced);
                if (status is not (OperationStatus.Done or OperationStatus.DestinationTooSmall)) return false;
                if (produced > utf8.Length || !piece.Slice(0, produced).SequenceEqual(utf8.Slice(0, produced))) return false;
                utf8 = utf8.Slice(produced);
                chars = chars.Slice(read);
            }
            return utf8.IsEmpty;
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Whether <paramref name="raw"/> (JSON text) holds a <c>\uD800</c>-<c>\uDFFF</c> escape that is not half of a pair.</summary>
    internal static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> raw) => NextLoneSurrogateEscape(raw, 0) >= 0;

    /// <summary>
    /// Rewrites every lone surrogate escape in <paramref name="json"/> (JSON text a reader has already checked) as
    /// <c>\uFFFD</c>, in place: the same six bytes, so every other byte stays where it was. Strings and property names
    /// then decode as <see cref="GetString"/> decodes them, and a <see cref="JsonElement"/> parsed from the text can be
    /// read with <see cref="JsonElement.GetString"/> and enumerated without throwing.
    /// </summary>
    /// <returns>How many escapes were rewritten.</returns>
    internal static int ReplaceLoneSurrogateEscapes(Span<byte> json)
    {
        int count = 0;
        for (int at = NextLoneSurrogateEscape(json, 0); at >= 0; at = NextLoneSurrogateEscape(json, at + 6))
        {
            "FFFD"u8.CopyTo(json.Slice(at + 2));
            count++;
        }
        return count;
    }

    /// <summary>Where the next lone surrogate escape (its backslash) at or after <paramref name="from"/> starts, or -1.</summary>
    private static int NextLoneSurrogateEscape(ReadOnlySpan<byte> raw, int from)
    {
        int i = from;
        while (true)
        {
            int at = raw.Slice(i).IndexOf((byte)'\\');
            if (at < 0) return -1;
            i += at;
            if (i + 1 >= raw.Length) return -1;
            if (raw[i + 1] != (byte)'u')
            {
                i += 2; // \" \\ \n ...: skipping both bytes keeps an escaped backslash from starting a new escape
                continue;
            }
            int escape = i;
            int unit = Hex4(raw, i + 2);
            i += 6;
            if (unit < 0xD800 || unit > 0xDFFF) continue;
            if (unit >= 0xDC00) return escape;
            int low = i + 1 < raw.Length && raw[i] == (byte)'\\' && raw[i + 1] == (byte)'u' ? Hex4(raw, i + 2) : -1;
            if (low is < 0xDC00 or > 0xDFFF) return escape;
            i += 6;
        }
    }

    private static int Decode(ReadOnlySpan<byte> raw, Span<char> chars)
    {
        int i = 0, pos = 0;
        while (i < raw.Length)
        {
            int run = raw.Slice(i).IndexOf((byte)'\\');
            if (run < 0) run = raw.Length - i;
            if (run > 0)
            {
                if (System.Text.Unicode.Utf8.ToUtf16(raw.Slice(i, run), chars.Slice(pos), out int read, out int produced, replaceInvalidSequences: false) != OperationStatus.Done) return -1;
                pos += produced;
                i += read;
                if (i >= raw.Length) break;
            }
            byte kind = raw[i + 1];
            i += 2;
            switch (kind)
            {
                case (byte)'b': chars[pos++] = '\b'; break;
                case (byte)'f': chars[pos++] = '\f'; break;
                case (byte)'n': chars[pos++] = '\n'; break;
                case (byte)'r': chars[pos++] = '\r'; break;
                case (byte)'t': chars[pos++] = '\t'; break;
                case (byte)'u':
                {
                    char unit = (char)Hex4(raw, i);
                    i += 4;
                    if (!char.IsSurrogate(unit))
                    {
                        chars[pos++] = unit;
                        break;
                    }
                    int low = char.IsHighSurrogate(unit) && i + 5 < raw.Length && raw[i] == (byte)'\\' && raw[i + 1] == (byte)'u' ? Hex4(raw, i + 2) : -1;
                    if (low is >= 0xDC00 and <= 0xDFFF)
                    {
                        chars[pos++] = unit;
                        chars[pos++] = (char)low;
                        i += 6;
                    }
                    else
                    {
                        chars[pos++] = '\uFFFD'; // a lone half: the next escape, if any, is decoded on its own
                    }
                    break;
                }
                default: chars[pos++] = (char)kind; break; // \" \\ \/
            }
        }
        return pos;
    }

    private static int Hex4(ReadOnlySpan<byte> raw, int at)
    {
        if (at + 4 > raw.Length) return -1;
        int value = 0;
        for (int k = 0; k < 4; k++)
        {
            int digit = HexDigit(raw[at + k]);
            if (digit < 0) return -1;
            value = (value << 4) | digit;
        }
        return value;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
