using System;
using System.Text;
using System.Text.Json;

namespace Herald.Storage;

/// <summary>Reads the queryable fields of one charter envelope line, validating the whole line as JSON.</summary>
internal static class EnvelopeLine
{
    /// <summary>
    /// Parses <paramref name="line"/> (one line, without its newline). Returns null and sets <paramref name="error"/> when
    /// the line is not valid JSON or not an envelope (an object with string <c>id</c> and <c>type</c> and a numeric
    /// <c>timestamp</c>).
    /// </summary>
    public static StoredEvent? TryParse(ReadOnlySpan<byte> line, long lineNumber, out string? error)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        string? id = null, type = null, correlation = null;
        double? timestamp = null;
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
                else if (reader.ValueTextEquals("timestamp"u8)) timestamp = ReadNumber(ref reader);
                else if (reader.ValueTextEquals("meta"u8)) correlation = ReadCorrelation(ref reader);
                else reader.Skip();
            }
            while (reader.Read()) { } // throws on anything after the object
        }
        catch (JsonException ex)
        {
            error = "invalid JSON: " + ex.Message;
            return null;
        }
        catch (Exception ex) when (ex is EventFormatException or InvalidOperationException)
        {
            error = "invalid string: " + ex.Message; // raw text that is not UTF-8
            return null;
        }
        error = type is null ? "no string 'type'" : id is null ? "no string 'id'" : timestamp is null ? "no numeric 'timestamp'" : null;
        if (error is not null) return null;
        DateTimeOffset time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(timestamp!.Value * 1000));
        return new StoredEvent(id!, type!, time, correlation, Encoding.UTF8.GetString(line), lineNumber);
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return Serialization.JsonStrings.GetString(ref reader);
        reader.Skip();
        return null;
    }

    private static double? ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        reader.Skip();
        return null;
    }

    private static string? ReadCorrelation(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        string? correlation = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("correlation_id"u8)) correlation = ReadString(ref reader);
            else reader.Skip();
        }
        return correlation;
    }
}
