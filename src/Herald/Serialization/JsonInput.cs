using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Herald.Serialization;

/// <summary>Reads one element with the reader positioned on its first token; used for array items and map values.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate T ElementReader<T>(ref Utf8JsonReader reader);

/// <summary>
/// Token-level helpers behind every generated <c>Read</c>. Each checks the token type itself, so the only
/// exception that leaves a reader is <see cref="EventFormatException"/> (never InvalidOperationException or
/// FormatException from <see cref="Utf8JsonReader"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonInput
{
    /// <summary>Maximum nesting depth accepted in a payload.</summary>
    internal const int MaxDepth = 64;

    /// <summary>Strict JSON: no comments, no trailing commas, bounded depth.</summary>
    public static JsonReaderOptions ReaderOptions => new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <summary>Advances to the next token; malformed or truncated input becomes an <see cref="EventFormatException"/>.</summary>
    public static void Next(ref Utf8JsonReader reader)
    {
        if (!Read(ref reader, "malformed JSON: ")) throw new EventFormatException("unexpected end of input (truncated JSON)", reader.BytesConsumed);
    }

    /// <summary>Skips the current value (an unknown property's).</summary>
    public static void Skip(ref Utf8JsonReader reader)
    {
        try
        {
            reader.Skip();
        }
        catch (JsonException ex)
        {
            throw Malformed(ref reader, "malformed JSON: ", ex);
        }
    }

    /// <summary>After the root object: only whitespace may follow.</summary>
    public static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (Read(ref reader, "unexpected content after the payload: ")) throw new EventFormatException("unexpected content after the payload", reader.TokenStartIndex);
    }

    private static bool Read(ref Utf8JsonReader reader, string context)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonException ex)
        {
            throw Malformed(ref reader, context, ex);
        }
    }

    private static EventFormatException Malformed(ref Utf8JsonReader reader, string context, JsonException ex)
        => new(context + FirstSentence(ex.Message), reader.BytesConsumed, ex);

    /// <summary>Requires the current token to start an object.</summary>
    public static void ExpectStartObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw Invalid(ref reader, "expected an object");
    }

    /// <summary>Requires the current token to be a string.</summary>
    public static void ExpectString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw Invalid(ref reader, "expected a string");
    }

    /// <summary>Reads a string; an escaped lone surrogate reads as U+FFFD (<see cref="JsonStrings"/>).</summary>
    public static string ReadString(ref Utf8JsonReader reader)
    {
        ExpectString(ref reader);
        return JsonStrings.GetString(ref reader);
    }

    /// <summary>Reads an integer that fits in 64 bits.</summary>
    public static long ReadInt64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number) throw Invalid(ref reader, "expected an integer");
        if (reader.TryGetInt64(out long value)) return value;
        throw Invalid(ref reader, "expected an integer in the 64-bit range (no fraction or exponent)");
    }

    /// <summary>Reads an integer that fits in 32 bits.</summary>
    public static int ReadInt32(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number) throw Invalid(ref reader, "expected an integer");
        if (reader.TryGetInt32(out int value)) return value;
        throw Invalid(ref reader, "expected an integer in the 32-bit range (no fraction or exponent)");
    }

    /// <summary>Reads a number; also the strings "NaN", "Infinity" and "-Infinity" that the writer uses for non-finite values.</summary>
    public static double ReadDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double value) && double.IsFinite(value)) return value;
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("NaN"u8)) return double.NaN;
            if (reader.ValueTextEquals("Infinity"u8)) return double.PositiveInfinity;
            if (reader.ValueTextEquals("-Infinity"u8)) return double.NegativeInfinity;
        }
        throw Invalid(ref reader, reader.TokenType == JsonTokenType.Number ? "number out of the double range" : "expected a number");
    }

    /// <summary>Reads a number as a float (same non-finite rules as <see cref="ReadDouble"/>).</summary>
    public static float ReadSingle(ref Utf8JsonReader reader)
    {
        double value = ReadDouble(ref reader);
        float narrowed = (float)value;
        if (double.IsFinite(value) && !float.IsFinite(narrowed)) throw Invalid(ref reader, "number out of the float range");
        return narrowed;
    }

    /// <summary>Reads true or false.</summary>
    public static bool ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Invalid(ref reader, "expected true or false"),
    };

    /// <summary>Reads an ISO 8601 date-time.</summary>
    public static DateTimeOffset ReadDateTimeOffset(ref Utf8JsonReader reader)
    {
        ExpectString(ref reader);
        if (reader.TryGetDateTimeOffset(out DateTimeOffset value)) return value;
        throw Invalid(ref reader, "expected an ISO 8601 date-time");
    }

    /// <summary>Reads a UUID.</summary>
    public static Guid ReadGuid(ref Utf8JsonReader reader)
    {
        ExpectString(ref reader);
        if (reader.TryGetGuid(out Guid value)) return value;
        throw Invalid(ref reader, "expected a UUID");
    }

    /// <summary>Reads any JSON value as a detached, compact <see cref="JsonElement"/>.</summary>
    public static JsonElement ReadJson(ref Utf8JsonReader reader)
    {
        long start = reader.TokenStartIndex;
        JsonElement value;
        try
        {
            value = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new EventFormatException("malformed JSON: " + FirstSentence(ex.Message), start, ex);
        }
        // A lone surrogate escape ("\ud800", as Python writes) is valid JSON text but no valid string: the element's
        // GetString() and EnumerateObject() would throw on it. Stored as U+FFFD instead, in values and names at any depth.
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
        if (!JsonStrings.HasLoneSurrogateEscape(raw)) return value;
        byte[] text = raw.ToArray();
        JsonStrings.ReplaceLoneSurrogateEscapes(text);
        var replaced = new Utf8JsonReader(text, ReaderOptions);
        replaced.Read();
        return JsonElement.ParseValue(ref replaced);
    }

    /// <summary>Reads an array, each element with <paramref name="readElement"/>.</summary>
    public static ImmutableArray<T> ReadArray<T>(ref Utf8JsonReader reader, ElementReader<T> readElement)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw Invalid(ref reader, "expected an array");
        var builder = ImmutableArray.CreateBuilder<T>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return builder.ToImmutable();
            try
            {
                builder.Add(readElement(ref reader));
            }
            catch (EventFormatException ex)
            {
                throw ex.AtIndex(builder.Count);
            }
        }
    }

    /// <summary>Reads an object of string keys to values (<c>additionalProperties</c>); a repeated key is an error.</summary>
    public static ImmutableDictionary<string, T> ReadMap<T>(ref Utf8JsonReader reader, ElementReader<T> readValue)
    {
        ExpectStartObject(ref reader);
        var builder = ImmutableDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return builder.ToImmutable();
            string key = JsonStrings.GetString(ref reader);
            if (builder.ContainsKey(key)) throw new EventFormatException("duplicate property", reader.TokenStartIndex).InProperty(key);
            Next(ref reader);
            try
            {
                builder.Add(key, readValue(ref reader));
            }
            catch (EventFormatException ex)
            {
                throw ex.InProperty(key);
            }
        }
    }

    /// <summary>Checks a <c>const</c> property's value.</summary>
    public static void ExpectConstant<T>(ref Utf8JsonReader reader, T actual, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
            throw Invalid(ref reader, $"expected the constant {expected}");
    }

    /// <summary>The same property appeared twice.</summary>
    public static EventFormatException Duplicate(ref Utf8JsonReader reader)
        => new("duplicate property", reader.TokenStartIndex);

    /// <summary>A required property is missing from the object that just ended.</summary>
    public static EventFormatException Missing(ref Utf8JsonReader reader, string property)
        => new($"missing required property '{property}'", reader.TokenStartIndex);

    /// <summary>The current token is not what the schema allows.</summary>
    public static EventFormatException Invalid(ref Utf8JsonReader reader, string reason)
        => new(reason + (reader.TokenType == JsonTokenType.Null ? " (got null)" : ""), reader.TokenStartIndex);

    /// <summary>Wraps anything unforeseen so that no other exception type escapes a reader.</summary>
    public static EventFormatException Unexpected(Exception ex, long position)
        => new("invalid payload: " + FirstSentence(ex.Message), position, ex);

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message.Substring(0, end);
    }
}
