using System;
using System.Text.Json;

namespace Herald.Transports.Otlp;

/// <summary>JSON string contents as the reader gives them: the bytes between the quotes, and whether they hold escapes.</summary>
internal readonly ref struct RawString
{
    public RawString(ReadOnlySpan<byte> raw, bool escaped)
    {
        Raw = raw;
        Escaped = escaped;
        Present = true;
    }

    public ReadOnlySpan<byte> Raw { get; }

    public bool Escaped { get; }

    /// <summary>False for a missing key or a JSON null.</summary>
    public bool Present { get; }

    public static RawString Of(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String ? new RawString(reader.ValueSpan, reader.ValueIsEscaped) : default;
}

/// <summary>
/// One envelope line read for the otlp encoders, without allocating: the envelope's fields (strings left escaped as
/// they are in the line), the timestamp as exact nanoseconds, the payload's bytes, the trace context of <c>meta</c>
/// (envelope 1.1; absent in 1.0 lines), and the payload's top-level <c>severity</c> and <c>message</c> strings.
/// </summary>
internal ref struct OtlpEnvelope
{
    public RawString Id;
    public RawString Type;
    public RawString Source;
    public RawString Target;
    public RawString CorrelationId;
    public RawString Version;
    public RawString Severity;
    public RawString Message;
    public ulong TimeUnixNano;
    public ReadOnlySpan<byte> Payload;
    /// <summary>16 bytes of trace id then 8 of span id, given by the caller.</summary>
    public Span<byte> Ids;
    public bool HasTraceId;
    public bool HasSpanId;
    public uint TraceFlags;

    public readonly ReadOnlySpan<byte> TraceId => Ids.Slice(0, 16);

    public readonly ReadOnlySpan<byte> SpanId => Ids.Slice(16, 8);

    /// <summary>Reads <paramref name="line"/> (one envelope, no newline); <paramref name="ids"/> is 24 bytes of room for the trace context.</summary>
    /// <exception cref="JsonException">The line is not JSON (it always is: the runtime wrote it).</exception>
    public static OtlpEnvelope Read(ReadOnlySpan<byte> line, Span<byte> ids)
    {
        var envelope = new OtlpEnvelope { Ids = ids };
        var reader = new Utf8JsonReader(line, OtlpRecord.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return envelope;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                int start = (int)reader.TokenStartIndex;
                reader.Skip();
                envelope.Payload = line.Slice(start, (int)reader.BytesConsumed - start);
                continue;
            }
            if (reader.ValueTextEquals("meta"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) envelope.ReadMeta(ref reader, line);
                else reader.Skip();
                continue;
            }
            if (reader.ValueTextEquals("id"u8)) envelope.Id = Next(ref reader, line);
            else if (reader.ValueTextEquals("type"u8)) envelope.Type = Next(ref reader, line);
            else if (reader.ValueTextEquals("source"u8)) envelope.Source = Next(ref reader, line);
            else if (reader.ValueTextEquals("target"u8)) envelope.Target = Next(ref reader, line);
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number) envelope.TimeUnixNano = UnixNanos(reader.ValueSpan);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        envelope.ReadPayloadText();
        return envelope;
    }

    private void ReadMeta(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("correlation_id"u8)) CorrelationId = Next(ref reader, line);
            else if (reader.ValueTextEquals("version"u8)) Version = Next(ref reader, line);
            else if (reader.ValueTextEquals("trace_id"u8))
            {
                reader.Read();
                HasTraceId = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && JsonText.TryParseHex(reader.ValueSpan, Ids.Slice(0, 16))
                    && Ids.Slice(0, 16).IndexOfAnyExcept((byte)0) >= 0; // all zeros is the invalid trace id
            }
            else if (reader.ValueTextEquals("span_id"u8))
            {
                reader.Read();
                HasSpanId = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && JsonText.TryParseHex(reader.ValueSpan, Ids.Slice(16, 8))
                    && Ids.Slice(16, 8).IndexOfAnyExcept((byte)0) >= 0;
            }
            else if (reader.ValueTextEquals("trace_flags"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out uint flags)) TraceFlags = flags & 0xFF;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (!HasTraceId)
        {
            HasSpanId = false; // a span id means nothing without its trace
            TraceFlags = 0;
        }
    }

    /// <summary>The payload's top-level string <c>severity</c> and <c>message</c>, for the record's severity and body.</summary>
    private void ReadPayloadText()
    {
        if (Payload.IsEmpty) return;
        var reader = new Utf8JsonReader(Payload, OtlpRecord.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("severity"u8)) Severity = Next(ref reader, Payload);
            else if (reader.ValueTextEquals("message"u8)) Message = Next(ref reader, Payload);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The next value if it is a string, as its contents in <paramref name="source"/> (the text the reader reads).</summary>
    private static RawString Next(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        reader.Read();
        RawString value = reader.TokenType == JsonTokenType.String
            ? new RawString(source.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length), reader.ValueIsEscaped)
            : default;
        reader.Skip(); // an object or array where a string belongs is passed over
        return value;
    }

    /// <summary>
    /// Unix seconds as JSON writes them (<c>1703001234.567</c>) to whole nanoseconds, digit by digit: no binary
    /// floating point, so no rounding drift. Digits past the ninth decimal are cut; an exponent, a sign or a
    /// value past 2^64 ns yields 0 (the field is then left out).
    /// </summary>
    internal static ulong UnixNanos(ReadOnlySpan<byte> number)
    {
        ulong seconds = 0, fraction = 0;
        int i = 0, fractionDigits = 0;
        for (; i < number.Length && number[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            if (seconds > 18_446_744_073UL) return 0;
            seconds = seconds * 10 + (ulong)(number[i] - '0');
        }
        if (i < number.Length && number[i] == '.')
        {
            for (i++; i < number.Length && number[i] is >= (byte)'0' and <= (byte)'9'; i++)
            {
                if (fractionDigits < 9)
                {
                    fraction = fraction * 10 + (ulong)(number[i] - '0');
                    fractionDigits++;
                }
            }
        }
        if (i != number.Length || seconds > 18_446_744_072UL) return 0;
        for (; fractionDigits < 9; fractionDigits++) fraction *= 10;
        return seconds * 1_000_000_000UL + fraction;
    }
}
