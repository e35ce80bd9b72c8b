using System;
using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Herald.Serialization;

namespace Herald.Storage;

/// <summary>
/// Reads <c>meta.trace_id</c>, <c>meta.span_id</c> and <c>meta.trace_flags</c> (Herald envelope 1.1). A value that is not
/// what W3C Trace Context allows — not a string of 32 (16) lowercase hex digits, all zeros, flags outside 0–255 — reads
/// as null, as a <c>correlation_id</c> that is not a string does: the line is still an envelope.
/// </summary>
internal static class TraceContextFields
{
    private const int TraceIdDigits = 32, SpanIdDigits = 16;
    private static readonly SearchValues<byte> s_hexBytes = SearchValues.Create("0123456789abcdef"u8);
    private static readonly SearchValues<char> s_hexChars = SearchValues.Create("0123456789abcdef");

    /// <summary>Reads the value after the property name the reader is on.</summary>
    public static ActivityTraceId? ReadTraceId(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (!IsW3CHex(ref reader, TraceIdDigits, out string? unescaped)) return null;
        return unescaped is null ? ActivityTraceId.CreateFromUtf8String(reader.ValueSpan) : ActivityTraceId.CreateFromString(unescaped);
    }

    /// <inheritdoc cref="ReadTraceId"/>
    public static ActivitySpanId? ReadSpanId(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (!IsW3CHex(ref reader, SpanIdDigits, out string? unescaped)) return null;
        return unescaped is null ? ActivitySpanId.CreateFromUtf8String(reader.ValueSpan) : ActivitySpanId.CreateFromString(unescaped);
    }

    /// <inheritdoc cref="ReadTraceId"/>
    public static ActivityTraceFlags? ReadFlags(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out byte flags)) return (ActivityTraceFlags)flags;
        reader.Skip();
        return null;
    }

    /// <summary>Whether <paramref name="text"/> is a W3C trace id: 32 lowercase hex digits, not all zeros.</summary>
    public static bool IsTraceId(ReadOnlySpan<char> text) => IsW3CHex(text, TraceIdDigits, s_hexChars, '0');

    /// <summary>Whether <paramref name="text"/> is a W3C span (parent) id: 16 lowercase hex digits, not all zeros.</summary>
    public static bool IsSpanId(ReadOnlySpan<char> text) => IsW3CHex(text, SpanIdDigits, s_hexChars, '0');

    /// <summary>Whether the token is a string of <paramref name="digits"/> lowercase hex digits, not all zeros; an escaped one is decoded (JSON allows <c>\u0061</c> for <c>a</c>).</summary>
    private static bool IsW3CHex(ref Utf8JsonReader reader, int digits, out string? unescaped)
    {
        unescaped = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return false;
        }
        if (!reader.ValueIsEscaped) return IsW3CHex(reader.ValueSpan, digits, s_hexBytes, (byte)'0');
        unescaped = JsonStrings.GetString(ref reader);
        return IsW3CHex(unescaped.AsSpan(), digits, s_hexChars, '0');
    }

    private static bool IsW3CHex<T>(ReadOnlySpan<T> text, int digits, SearchValues<T> hex, T zero) where T : IEquatable<T>
        => text.Length == digits && !text.ContainsAnyExcept(hex) && text.ContainsAnyExcept(zero);
}
