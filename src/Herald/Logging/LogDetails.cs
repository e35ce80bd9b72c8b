using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Herald.Logging;

/// <summary>
/// An <c>app.event</c>'s <c>details</c> from a log call: the state's key/values (without <c>{OriginalFormat}</c>), then
/// <c>event_id</c> and <c>event_name</c> when set, then <c>exception</c> ({type, message, stack, inner}). A key already
/// written is not written again. Values keep their JSON kind where they have one (numbers, booleans, null, strings,
/// sequences as arrays); anything else is its invariant-culture text.
/// </summary>
internal static class LogDetails
{
    private const string OriginalFormat = "{OriginalFormat}";
    private const int MaxDepth = 4;         // nested sequences, inner exceptions
    private const int MaxItems = 100;       // items of one sequence

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>The details object, or null when the log carries nothing beyond its message.</summary>
    public static JsonElement? Build<TState>(TState state, EventId eventId, Exception? exception)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var written = new HashSet<string>(StringComparer.Ordinal);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (KeyValuePair<string, object?> pair in pairs)
                {
                    if (pair.Key is null || pair.Key == OriginalFormat || !written.Add(pair.Key)) continue;
                    json.WritePropertyName(Text(pair.Key));
                    WriteValue(json, pair.Value, 0);
                }
            }
            if (eventId.Id != 0 && written.Add("event_id")) json.WriteNumber("event_id", eventId.Id);
            if (!string.IsNullOrEmpty(eventId.Name) && written.Add("event_name")) json.WriteString("event_name", Text(eventId.Name));
            if (exception is not null && written.Add("exception"))
            {
                json.WritePropertyName("exception");
                WriteException(json, exception, 0);
            }
            json.WriteEndObject();
        }
        if (written.Count == 0) return null;
        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteException(Utf8JsonWriter json, Exception exception, int depth)
    {
        json.WriteStartObject();
        json.WriteString("type", exception.GetType().FullName ?? exception.GetType().Name);
        json.WriteString("message", Text(exception.Message));
        if (exception.StackTrace is { } stack) json.WriteString("stack", Text(stack));
        if (exception.InnerException is { } inner && depth < MaxDepth)
        {
            json.WritePropertyName("inner");
            WriteException(json, inner, depth + 1);
        }
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value, int depth)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(Text(s)); break;
            case bool b: json.WriteBooleanValue(b); break;
            case byte n: json.WriteNumberValue(n); break;
            case sbyte n: json.WriteNumberValue(n); break;
            case short n: json.WriteNumberValue(n); break;
            case ushort n: json.WriteNumberValue(n); break;
            case int n: json.WriteNumberValue(n); break;
            case uint n: json.WriteNumberValue(n); break;
            case long n: json.WriteNumberValue(n); break;
            case ulong n: json.WriteNumberValue(n); break;
            case decimal n: json.WriteNumberValue(n); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case Enum e: json.WriteStringValue(e.ToString()); break;
            case DateTime t: json.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset t: json.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case IEnumerable items when depth < MaxDepth && value is not IFormattable:
                json.WriteStartArray();
                int count = 0;
                foreach (object? item in items)
                {
                    if (count++ == MaxItems)
                    {
                        json.WriteStringValue("…");
                        break;
                    }
                    WriteValue(json, item, depth + 1);
                }
                json.WriteEndArray();
                break;
            case IFormattable formattable: json.WriteStringValue(Text(formattable.ToString(null, CultureInfo.InvariantCulture))); break;
            default: json.WriteStringValue(Text(value.ToString() ?? "")); break;
        }
    }

    /// <summary>The text with any lone surrogate replaced by U+FFFD (the JSON writer refuses invalid UTF-16).</summary>
    private static string Text(string text)
    {
        foreach (char c in text)
        {
            if (char.IsSurrogate(c)) return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
        }
        return text;
    }
}
