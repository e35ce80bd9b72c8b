using System;
using System.Buffers;
using System.Text;
using Herald.Serialization;

namespace Herald.Publishing;

/// <summary>
/// The charter v1.0 envelope around a payload, one line of NDJSON:
/// <c>{"id":"evt_loop_1703001234567_a1b2c3","type":"loop.tick","source":"simulation_loop","target":null,
/// "timestamp":1703001234.567,"payload":{...},"meta":{"correlation_id":null,"version":"1.0"}}\n</c>.
/// Everything fixed per event type is encoded once; per event only the clock, the id suffix, the
/// correlation id and the payload are written.
/// </summary>
internal sealed class EnvelopeFormat
{
    private const int HexLength = 6;
    private readonly byte[] _idPrefix;
    private readonly byte[] _typeToTimestamp;
    private readonly byte[] _versionAndEnd;
    private readonly byte[] _metaWithoutCorrelation;
    private readonly ulong _redactions;
    private readonly bool _sortKeys;

    // Everything before the payload, rebuilt once per clock value: {"id":"evt_loop_<ms>_<hex6>","type":...,"payload":
    // The hex digits are written into the copy, at _hexOffset. One copy per event instead of seven.
    private byte[] _frame = new byte[256];
    private int _frameLength;
    private int _hexOffset;
    private long _frameMs = long.MinValue;

    private EnvelopeFormat(string eventType, string source, string version, TransformPlan.ForEvent plan)
    {
        _redactions = plan.Redactions;
        _sortKeys = plan.SortKeys;
        Checks = plan;
        string module = eventType.Split('.')[0];
        _idPrefix = Utf8("{\"id\":" + Json("evt_" + module + "_").TrimEnd('"'));
        _typeToTimestamp = Utf8("\",\"type\":" + Json(eventType) + ",\"source\":" + Json(source) + ",\"target\":null,\"timestamp\":");
        _versionAndEnd = Utf8(",\"version\":" + Json(version) + "}}\n");
        _metaWithoutCorrelation = Utf8(",\"meta\":{\"correlation_id\":null,\"version\":" + Json(version) + "}}\n");
    }

    /// <summary>The format of <typeparamref name="TEvent"/>: source from the schema, else configuration, else <c>&lt;module&gt;_service</c>.</summary>
    public static EnvelopeFormat For<TEvent>(string? configuredSource, TransformPlan transforms) where TEvent : IEvent<TEvent>
        => new(TEvent.EventType, TEvent.SchemaSource ?? configuredSource ?? TEvent.EventType.Split('.')[0] + "_service", TEvent.SchemaVersion,
            transforms.For<TEvent>());

    /// <summary>The transforms that may reject an event of this type (<c>ensure_fields</c>, <c>schema_validator</c>).</summary>
    public TransformPlan.ForEvent Checks { get; }

    /// <summary>Writes one envelope line; <paramref name="idSuffix"/> is rendered as six hex digits.</summary>
    public void Write<TEvent>(ref JsonOutput json, in TEvent evt, EnvelopeStamp stamp, uint idSuffix, string? correlationId) where TEvent : IEvent<TEvent>
    {
        if (stamp.Current != _frameMs) BuildFrame(stamp);
        Span<byte> frame = json.Reserve(_frameLength);
        _frame.AsSpan(0, _frameLength).CopyTo(frame);
        JsonOutput.FormatHex6(idSuffix, frame.Slice(_hexOffset));
        json.SortKeys = _sortKeys;
        TEvent.WritePayload(ref json, in evt, _redactions);
        if (correlationId is null)
        {
            json.WriteRaw(_metaWithoutCorrelation);
            return;
        }
        json.WriteRaw(",\"meta\":{\"correlation_id\":"u8);
        json.WriteString(correlationId);
        json.WriteRaw(_versionAndEnd);
    }

    private void BuildFrame(EnvelopeStamp stamp)
    {
        int length = _idPrefix.Length + stamp.Millis.Length + 1 + HexLength + _typeToTimestamp.Length + stamp.Seconds.Length + Payload.Length;
        if (_frame.Length < length) _frame = new byte[length];
        var frame = new Span<byte>(_frame);
        int at = 0;
        Append(frame, ref at, _idPrefix);
        Append(frame, ref at, stamp.Millis);
        frame[at++] = (byte)'_';
        _hexOffset = at;
        at += HexLength;
        Append(frame, ref at, _typeToTimestamp);
        Append(frame, ref at, stamp.Seconds);
        Append(frame, ref at, Payload);
        _frameLength = at;
        _frameMs = stamp.Current;
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
