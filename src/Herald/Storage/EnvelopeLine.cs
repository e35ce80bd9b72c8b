using System;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Herald.Storage;

/// <summary>
/// Reads the queryable fields of one envelope line — Herald envelope 1.1, or charter 1.0 (without the trace keys) —
/// validating the whole line as JSON.
/// </summary>
internal static class EnvelopeLine
{
    /// <summary>
    /// Parses <paramref name="line"/> (one line, without its newline). Returns null and sets <paramref name="error"/> when
    /// the line is not UTF-8, not valid JSON or not an envelope (an object with string <c>id</c> and <c>type</c> and a
    /// numeric <c>timestamp</c> inside <see cref="EnvelopeTimestamp"/>'s range). Never throws, whatever the bytes.
    /// </summary>
    public static StoredEvent? TryParse(ReadOnlySpan<byte> line, long lineNumber, out string? error)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        // The reader does not check UTF-8 inside strings, and decoding would turn bad bytes into U+FFFD: a line is
        // either stored exactly as written or skipped.
        if (Utf8Check.FirstInvalidByte(line) is int bad)
        {
            error = $"not UTF-8 (invalid byte 0x{line[bad]:X2} at byte {bad + 1})";
            return null;
        }
        string? id = null, type = null;
        Meta meta = default;
        DateTimeOffset? time = null;
        string? timeError = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "not a JSON object";
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader);
                else if (reader.ValueTextEquals("type"u8)) type = ReadString(ref reader);
                else if (reader.ValueTextEquals("timestamp"u8)) time = EnvelopeTimestamp.Read(ref reader, out timeError);
                else if (reader.ValueTextEquals("meta"u8)) meta = ReadMeta(ref reader);
                else reader.Skip();
            }
            while (reader.Read()) { } // throws on anything after the object
        }
        catch (JsonException ex)
        {
            error = "invalid JSON: " + Printable(ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is EventFormatException or InvalidOperationException)
        {
            error = "invalid string: " + Printable(ex.Message);
            return null;
        }
        error = type is null ? "no string 'type'" : id is null ? "no string 'id'" : time is null ? timeError ?? "no numeric 'timestamp'" : null;
        if (error is not null) return null;
        // A span id and flags mean something only within a trace.
        bool traced = meta.TraceId is not null;
        return new StoredEvent(id!, type!, time!.Value, meta.CorrelationId, Encoding.UTF8.GetString(line), lineNumber)
        {
            TraceId = meta.TraceId,
            SpanId = traced ? meta.SpanId : null,
            TraceFlags = traced ? meta.TraceFlags : null,
        };
    }

    /// <summary>At most 200 characters, control characters escaped: a reason goes to a terminal.</summary>
    internal static string Printable(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 200));
        foreach (char c in text)
        {
            if (builder.Length >= 200)
            {
                builder.Append('…');
                break;
            }
            if (char.IsControl(c)) builder.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return Serialization.JsonStrings.GetString(ref reader);
        reader.Skip();
        return null;
    }

    private record struct Meta(string? CorrelationId, ActivityTraceId? TraceId, ActivitySpanId? SpanId, ActivityTraceFlags? TraceFlags);

    /// <summary><c>meta</c>: a key whose value has the wrong type or form reads as absent; so does a <c>meta</c> that is not an object.</summary>
    private static Meta ReadMeta(ref Utf8JsonReader reader)
    {
        reader.Read();
        Meta meta = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return meta;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("correlation_id"u8)) meta.CorrelationId = ReadString(ref reader);
            else if (reader.ValueTextEquals("trace_id"u8)) meta.TraceId = TraceContextFields.ReadTraceId(ref reader);
            else if (reader.ValueTextEquals("span_id"u8)) meta.SpanId = TraceContextFields.ReadSpanId(ref reader);
            else if (reader.ValueTextEquals("trace_flags"u8)) meta.TraceFlags = TraceContextFields.ReadFlags(ref reader);
            else reader.Skip();
        }
        return meta;
    }
}
