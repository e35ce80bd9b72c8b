using System;
using System.Diagnostics;
using System.Text;
using Herald.Serialization;

namespace Herald.Publishing;

/// <summary>
/// The W3C trace context of an envelope (<c>meta.trace_id</c>, <c>meta.span_id</c>, <c>meta.trace_flags</c>): the
/// <see cref="Activity.Current"/> of the thread that emits, captured at <c>Emit</c> and written as hex without allocating.
/// </summary>
internal static class EnvelopeTrace
{
    private const int TraceIdHex = 32, SpanIdHex = 16;

    /// <summary>The keys of an envelope without a trace, written between <c>correlation_id</c> and <c>version</c>.</summary>
    public static ReadOnlySpan<byte> Null => ",\"trace_id\":null,\"span_id\":null"u8;

    private static ReadOnlySpan<byte> TraceIdKey => ",\"trace_id\":\""u8;
    private static ReadOnlySpan<byte> SpanIdKey => "\",\"span_id\":\""u8;
    private static ReadOnlySpan<byte> FlagsKey => "\",\"trace_flags\":"u8;

    /// <summary>
    /// The current activity if it has W3C ids (one <see cref="System.Threading.AsyncLocal{T}"/> read), else null. Its trace and
    /// span ids are fixed once it has started, so a copied event may keep the reference and write the ids later.
    /// </summary>
    public static Activity? Capture() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity : null;

    /// <summary>Writes <c>,"trace_id":"…","span_id":"…","trace_flags":N</c>: the ids' own hex strings, narrowed to ASCII, and <paramref name="flags"/> as taken at Emit.</summary>
    public static void Write(ref JsonOutput json, Activity activity, ActivityTraceFlags flags)
    {
        Span<byte> keysAndIds = json.Reserve(TraceIdKey.Length + TraceIdHex + SpanIdKey.Length + SpanIdHex + FlagsKey.Length);
        TraceIdKey.CopyTo(keysAndIds);
        int at = TraceIdKey.Length;
        // ToHexString returns the string the activity already holds: nothing is allocated.
        Ascii.FromUtf16(activity.TraceId.ToHexString(), keysAndIds.Slice(at, TraceIdHex), out _);
        at += TraceIdHex;
        SpanIdKey.CopyTo(keysAndIds.Slice(at));
        at += SpanIdKey.Length;
        Ascii.FromUtf16(activity.SpanId.ToHexString(), keysAndIds.Slice(at, SpanIdHex), out _);
        FlagsKey.CopyTo(keysAndIds.Slice(at + SpanIdHex));
        json.WriteInt32((byte)flags);
    }
}
