using System;
using System.Buffers;
using System.Diagnostics;
using System.Text;
using Herald.Serialization;

namespace Herald.Publishing;

/// <summary>
/// The Herald envelope 1.1 (charter 1.0 plus the trace keys) around a payload, one line of NDJSON:
/// <c>{"id":"evt_loop_1703001234567_a1b2c3","type":"loop.tick","source":"simulation_loop","target":null,
/// "timestamp":1703001234.567,"payload":{...},"meta":{"correlation_id":null,"trace_id":null,"span_id":null,"version":"1.0"}}\n</c>.
/// Everything fixed per event type is encoded once; per event only the clock, the id suffix, the
/// correlation id, the trace context and the payload are written.
/// </summary>
internal sealed class EnvelopeFormat
{
    private const int HexLength = 6;
    private readonly byte[] _idPrefix;
    private readonly byte[] _typeToTimestamp;
    private readonly byte[] _versionAndEnd;
    private readonly byte[] _nullTraceVersionAndEnd;
    private readonly byte[] _metaWithoutContext;
    private readonly ulong _redactions;
    private readonly JsonOutputOptions _options;

    private readonly int _typeIndex;

    private EnvelopeFormat(int typeIndex, string eventType, string source, string version, TransformPlan.ForEvent plan)
    {
        _typeIndex = typeIndex;
        _redactions = plan.Redactions;
        _options = (plan.SortKeys ? JsonOutputOptions.SortKeys : 0) | (plan.LegacyAliases ? JsonOutputOptions.LegacyAliases : 0);
        Checks = plan;
        string module = eventType.Split('.')[0];
        _idPrefix = Utf8("{\"id\":" + Json("evt_" + module + "_").TrimEnd('"'));
        _typeToTimestamp = Utf8("\",\"type\":" + Json(eventType) + ",\"source\":" + Json(source) + ",\"target\":null,\"timestamp\":");
        _versionAndEnd = Utf8(",\"version\":" + Json(version) + "}}\n");
        _nullTraceVersionAndEnd = [.. EnvelopeTrace.Null, .. _versionAndEnd];
        // The common case, neither a correlation scope nor an activity: the whole meta object in one copy.
        _metaWithoutContext = [.. MetaStart, .. "null"u8, .. _nullTraceVersionAndEnd];
    }

    /// <summary>The format of <typeparamref name="TEvent"/>: source from the schema, else configuration, else <c>&lt;module&gt;_service</c>.</summary>
    public static EnvelopeFormat For<TEvent>(string? configuredSource, TransformPlan transforms) where TEvent : IEvent<TEvent>
        => new(EventTypeIndex<TEvent>.Value, TEvent.EventType, TEvent.SchemaSource ?? configuredSource ?? TEvent.EventType.Split('.')[0] + "_service", TEvent.SchemaVersion,
            transforms.For<TEvent>());

    /// <summary>The transforms that may reject an event of this type (<c>ensure_fields</c>, <c>schema_validator</c>).</summary>
    public TransformPlan.ForEvent Checks { get; }

    /// <summary>
    /// Writes one envelope line; <paramref name="idSuffix"/> is rendered as six hex digits, <paramref name="trace"/> (from
    /// <see cref="EnvelopeTrace.Capture"/>) gives the trace keys, with <paramref name="traceFlags"/> as copied at Emit (null:
    /// the activity's own, for a line written at Emit). The format itself is immutable, so producers and the
    /// queue's encoder may write the same event type at once, each with its own <paramref name="stamp"/>.
    /// </summary>
    public void Write<TEvent>(ref JsonOutput json, in TEvent evt, EnvelopeStamp stamp, uint idSuffix, string? correlationId, Activity? trace,
        ActivityTraceFlags? traceFlags = null) where TEvent : IEvent<TEvent>
    {
        EnvelopeFrame start = stamp.FrameOf(_typeIndex);
        if (start.Millis != stamp.Current) BuildFrame(start, stamp);
        Span<byte> frame = json.Reserve(start.Length);
        start.Bytes.AsSpan(0, start.Length).CopyTo(frame);
        JsonOutput.FormatHex6(idSuffix, frame.Slice(start.HexOffset));
        json.Options = _options;
        TEvent.WritePayload(ref json, in evt, _redactions);
        if (trace is null)
        {
            if (correlationId is null)
            {
                json.WriteRaw(_metaWithoutContext);
                return;
            }
            json.WriteRaw(MetaStart);
            json.WriteString(correlationId);
            json.WriteRaw(_nullTraceVersionAndEnd);
            return;
        }
        json.WriteRaw(MetaStart);
        if (correlationId is null) json.WriteNull();
        else json.WriteString(correlationId);
        EnvelopeTrace.Write(ref json, trace, traceFlags ?? trace.ActivityTraceFlags);
        json.WriteRaw(_versionAndEnd);
    }

    private static ReadOnlySpan<byte> MetaStart => ",\"meta\":{\"correlation_id\":"u8;

    /// <summary>Everything before the payload, for the stamp's clock value: <c>{"id":"evt_loop_&lt;ms&gt;_&lt;hex6&gt;","type":...,"payload":</c>.</summary>
    private void BuildFrame(EnvelopeFrame start, EnvelopeStamp stamp)
    {
        int length = _idPrefix.Length + stamp.Millis.Length + 1 + HexLength + _typeToTimestamp.Length + stamp.Seconds.Length + Payload.Length;
        if (start.Bytes.Length < length) start.Bytes = new byte[length];
        var frame = new Span<byte>(start.Bytes);
        int at = 0;
        Append(frame, ref at, _idPrefix);
        Append(frame, ref at, stamp.Millis);
        frame[at++] = (byte)'_';
        start.HexOffset = at;
        at += HexLength;
        Append(frame, ref at, _typeToTimestamp);
        Append(frame, ref at, stamp.Seconds);
        Append(frame, ref at, Payload);
        start.Length = at;
        start.Millis = stamp.Current;
    }

    private static ReadOnlySpan<byte> Payload => ",\"payload\":"u8;

    private static void Append(Span<byte> frame, ref int at, ReadOnlySpan<byte> part)
    {
        part.CopyTo(frame.Slice(at));
        at += part.Length;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A JSON string literal with the writer's own escaping, so envelope and payload follow one set of rules.</summary>
    private static string Json(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var json = new JsonOutput(buffer);
        json.WriteString(value);
        json.Complete();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
