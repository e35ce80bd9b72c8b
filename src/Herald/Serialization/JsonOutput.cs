using System;
using System.Buffers;
using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Herald.Serialization;

/// <summary>
/// The raw UTF-8 JSON writer behind every generated <c>Write</c>. It writes into the span of an
/// <see cref="IBufferWriter{T}"/> with one bounds check per token and no <see cref="Utf8JsonWriter"/>
/// in between (which costs as much as the whole event). Generated code fuses property names with their
/// punctuation, so the structure is correct by construction; this type only formats values.
/// </summary>
/// <remarks>
/// Rules (docs/schema-dialect.md, "Wire format"): strings escape <c>"</c>, <c>\</c> and control characters
/// (short forms <c>\b \f \n \r \t</c>, else <c>\u00XX</c>), write everything else as raw UTF-8 and replace
/// lone surrogates with U+FFFD; doubles use the shortest round-trip form. NaN and infinities have no JSON
/// number form: <see cref="WriteDouble"/> refuses them (the generated writer omits them from optional fields and
/// writes <c>null</c> where the schema allows it), so every number on the wire is a JSON number.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct JsonOutput
{
    private const int MinimumSpan = 256;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _pos;

    /// <summary>Starts writing at the output's current position.</summary>
    public JsonOutput(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(MinimumSpan);
        _pos = 0;
    }

    /// <summary>
    /// <c>snapshot_normalizer</c>: write free-form objects and maps with their keys in ordinal order, so equal values
    /// give equal bytes (a map's own order depends on per-process string hashing). Costs a sort per map.
    /// </summary>
    internal bool SortKeys
    {
        readonly get => (Options & JsonOutputOptions.SortKeys) != 0;
        set => Options = value ? Options | JsonOutputOptions.SortKeys : Options & ~JsonOutputOptions.SortKeys;
    }

    /// <summary>
    /// <c>legacy_aliases</c>: generated writers also write each field that declares <c>x-aliases</c> under its first
    /// alias, for consumers that still read the old names (a root alias <c>/name</c> at the payload root). Off by default.
    /// </summary>
    public readonly bool LegacyAliases => (Options & JsonOutputOptions.LegacyAliases) != 0;

    /// <summary>All the writing options at once (<see cref="SortKeys"/>, <see cref="LegacyAliases"/>).</summary>
    internal JsonOutputOptions Options { readonly get; set; }

    /// <summary>A map's entries in the order this writer wants them (<see cref="SortKeys"/>); allocates only when sorting.</summary>
    public readonly MapEntries<TValue> Entries<TValue>(System.Collections.Immutable.ImmutableDictionary<string, TValue> map) => new(map, SortKeys);

    /// <summary>Commits what was written to the underlying buffer writer.</summary>
    public void Complete()
    {
        _output.Advance(_pos);
        _pos = 0;
        _span = default;
    }

    /// <summary>Writes pre-encoded JSON (property names with punctuation, literals).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRaw(ReadOnlySpan<byte> utf8)
    {
        if (_span.Length - _pos < utf8.Length) Grow(utf8.Length);
        utf8.CopyTo(_span.Slice(_pos));
        _pos += utf8.Length;
    }

    /// <summary>Claims the next <paramref name="length"/> bytes for the caller to fill (pre-formatted frames); one capacity check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<byte> Reserve(int length)
    {
        if (_span.Length - _pos < length) Grow(length);
        Span<byte> claimed = _span.Slice(_pos, length);
        _pos += length;
        return claimed;
    }

    /// <summary>Writes one punctuation byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_pos >= _span.Length) Grow(1);
        _span[_pos++] = value;
    }

    /// <summary>Writes <c>null</c>.</summary>
    public void WriteNull() => WriteRaw("null"u8);

    /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
    public void WriteBoolean(bool value) => WriteRaw(value ? "true"u8 : "false"u8);

    /// <summary>Writes a 64-bit integer exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long value)
    {
        if (_span.Length - _pos < 20) Grow(20);
        Utf8Formatter.TryFormat(value, _span.Slice(_pos), out int written);
        _pos += written;
    }

    /// <summary>Writes a 32-bit integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt32(int value)
    {
        if (_span.Length - _pos < 11) Grow(11);
        Utf8Formatter.TryFormat(value, _span.Slice(_pos), out int written);
        _pos += written;
    }

    /// <summary>Writes a double in shortest round-trip form (the bytes System.Text.Json writes).</summary>
    /// <exception cref="ArgumentException">NaN or an infinity, which JSON cannot express as a number.</exception>
    public void WriteDouble(double value)
    {
        if (_span.Length - _pos < 32) Grow(32);
        Span<byte> destination = _span.Slice(_pos);
        if (ShortDecimal.TryFormat(value, destination, out int written))
        {
            _pos += written;
            return;
        }
        // Off the fast path only: short decimals are finite.
        if (!double.IsFinite(value)) throw NonFinite(value);
        value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
        _pos += written;
    }

    /// <summary>Writes a double, or <c>null</c> for NaN and infinities (a schema type that allows null).</summary>
    public void WriteDoubleOrNull(double value)
    {
        if (_span.Length - _pos < 32) Grow(32);
        if (ShortDecimal.TryFormat(value, _span.Slice(_pos), out int written))
        {
            _pos += written;
            return;
        }
        if (!double.IsFinite(value))
        {
            WriteNull();
            return;
        }
        value.TryFormat(_span.Slice(_pos), out written, default, CultureInfo.InvariantCulture);
        _pos += written;
    }

    /// <summary>Writes a float in shortest round-trip form.</summary>
    /// <exception cref="ArgumentException">NaN or an infinity, which JSON cannot express as a number.</exception>
    public void WriteSingle(float value)
    {
        if (!float.IsFinite(value)) throw NonFinite(value);
        if (_span.Length - _pos < 32) Grow(32);
        value.TryFormat(_span.Slice(_pos), out int written, default, CultureInfo.InvariantCulture);
        _pos += written;
    }

    /// <summary>Writes a float, or <c>null</c> for NaN and infinities (a schema type that allows null).</summary>
    public void WriteSingleOrNull(float value)
    {
        if (float.IsFinite(value)) WriteSingle(value);
        else WriteNull();
    }

    private static ArgumentException NonFinite(double value)
        => new($"{value.ToString(CultureInfo.InvariantCulture)} is not a JSON number: a non-finite value can be written only as null (a nullable field) or left out (an optional field).", nameof(value));

    /// <summary>The low 24 bits of <paramref name="value"/> as six lower-case hex digits into <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FormatHex6(uint value, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        destination = destination.Slice(0, 6);
        for (int i = 5; i >= 0; i--)
        {
            destination[i] = digits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>Writes a UUID in the 36-character lower-case form.</summary>
    public void WriteGuid(Guid value)
    {
        if (_span.Length - _pos < 38) Grow(38);
        _span[_pos++] = (byte)'"';
        value.TryFormat(_span.Slice(_pos), out int written, "D");
        _pos += written;
        _span[_pos++] = (byte)'"';
    }

    /// <summary>Writes an ISO 8601 timestamp with offset, trailing fractional zeros trimmed (as System.Text.Json does).</summary>
    public void WriteDateTimeOffset(DateTimeOffset value)
    {
        if (_span.Length - _pos < 40) Grow(40);
        _span[_pos++] = (byte)'"';
        Span<byte> destination = _span.Slice(_pos);
        value.TryFormat(destination, out int written, "O", CultureInfo.InvariantCulture);
        // "O" is yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm; drop trailing zeros of the 7 fraction digits (and the dot).
        const int FractionStart = 20, FractionDigits = 7;
        int keep = FractionDigits;
        while (keep > 0 && destination[FractionStart + keep - 1] == (byte)'0') keep--;
        if (keep < FractionDigits)
        {
            int removeFrom = keep == 0 ? FractionStart - 1 : FractionStart + keep;
            int tail = FractionStart + FractionDigits;
            destination.Slice(tail, written - tail).CopyTo(destination.Slice(removeFrom));
            written -= tail - removeFrom;
        }
        _pos += written;
        _span[_pos++] = (byte)'"';
    }

    /// <summary>Writes free-form JSON as its raw text; an undefined element is written as <c>null</c>.</summary>
    public void WriteJson(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            WriteNull();
            return;
        }
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
        // A lone surrogate escape ("\ud800", as Python writes) is valid JSON text but no valid string: rewritten as U+FFFD.
        if (SortKeys || JsonStrings.HasLoneSurrogateEscape(raw)) WriteElement(value);
        // Parsed from indented text: its line breaks (never inside a JSON string) would split the envelope's NDJSON line.
        else if (raw.IndexOfAny((byte)'\n', (byte)'\r') >= 0) WriteCompact(raw);
        else WriteRaw(raw);
    }

    /// <summary>Valid JSON text without the whitespace between its tokens; strings are copied as they are.</summary>
    private void WriteCompact(ReadOnlySpan<byte> raw)
    {
        Span<byte> into = Reserve(raw.Length);
        int written = 0;
        bool inString = false;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    into[written++] = b;
                    b = raw[++i]; // the escaped byte, which may be a quote
                }
                else if (b == (byte)'"') inString = false;
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') continue;
            else if (b == (byte)'"') inString = true;
            into[written++] = b;
        }
        _pos -= raw.Length - written;
    }

    /// <summary>Free-form JSON rebuilt value by value: keys sorted when <see cref="SortKeys"/>, strings re-encoded when they hold a lone surrogate escape.</summary>
    private void WriteElement(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new System.Collections.Generic.List<(string Name, JsonElement Value)>();
                foreach (JsonProperty property in value.EnumerateObject()) properties.Add((Decode(JsonMarshal.GetRawUtf8PropertyName(property)), property.Value));
                if (SortKeys) properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                WriteByte((byte)'{');
                for (int i = 0; i < properties.Count; i++)
                {
                    if (i > 0) WriteByte((byte)',');
                    WriteString(properties[i].Name);
                    WriteByte((byte)':');
                    WriteElement(properties[i].Value);
                }
                WriteByte((byte)'}');
                break;
            case JsonValueKind.Array:
                WriteByte((byte)'[');
                bool first = true;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (!first) WriteByte((byte)',');
                    first = false;
                    WriteElement(item);
                }
                WriteByte((byte)']');
                break;
            case JsonValueKind.String:
                ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
                if (JsonStrings.HasLoneSurrogateEscape(raw)) WriteString(Decode(raw.Slice(1, raw.Length - 2)));
                else WriteRaw(raw);
                break;
            default:
                WriteRaw(JsonMarshal.GetRawUtf8Value(value));
                break;
        }
    }

    private static string Decode(ReadOnlySpan<byte> rawText)
        => JsonStrings.Unescape(rawText) ?? throw new ArgumentException("Free-form JSON holds a string that is not valid UTF-8.", nameof(rawText));

    /// <summary>Writes a JSON string with the escaping rules in the type remarks.</summary>
    public void WriteString(string value)
    {
        ReadOnlySpan<char> chars = value;
        if (chars.IndexOfAnyExcept(JsonEscaping.PlainAscii) < 0)
        {
            int needed = chars.Length + 2;
            if (_span.Length - _pos < needed) Grow(needed);
            _span[_pos++] = (byte)'"';
            Ascii.FromUtf16(chars, _span.Slice(_pos), out int written);
            _pos += written;
            _span[_pos++] = (byte)'"';
            return;
        }
        WriteEscapedString(chars);
    }

    private void WriteEscapedString(ReadOnlySpan<char> chars)
    {
        // Worst case per UTF-16 unit: 6 bytes (\u00XX); a surrogate pair is 2 units → 4 bytes.
        int needed = checked(chars.Length * 6 + 2);
        if (_span.Length - _pos < needed) Grow(needed);
        _pos += JsonEscaping.WriteQuoted(chars, _span.Slice(_pos));
    }

    private void Grow(int needed)
    {
        _output.Advance(_pos);
        _pos = 0;
        _span = _output.GetSpan(Math.Max(needed, MinimumSpan));
        if (_span.Length < needed) throw new InvalidOperationException("The buffer writer returned less space than requested.");
    }
}
