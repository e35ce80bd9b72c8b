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
    private readonly byte[] _idPrefix;
    private readonly byte[] _typeToTimestamp;
    private readonly byte[] _versionAndEnd;
    private readonly ulong _redactions;
    private readonly bool _sortKeys;

    private EnvelopeFormat(string eventType, string source, string version, TransformPlan.ForEvent plan)
    {
        _redactions = plan.Redactions;
        _sortKeys = plan.SortKeys;
        Checks = plan;
        string module = eventType.Split('.')[0];
        _idPrefix = Utf8("{\"id\":" + Json("evt_" + module + "_").TrimEnd('"'));
        _typeToTimestamp = Utf8("\",\"type\":" + Json(eventType) + ",\"source\":" + Json(source) + ",\"target\":null,\"timestamp\":");
        _versionAndEnd = Utf8(",\"version\":" + Json(version) + "}}\n");
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
        json.WriteRaw(_idPrefix);
        json.WriteRaw(stamp.Millis);
        json.WriteByte((byte)'_');
        json.WriteHex6(idSuffix);
        json.WriteRaw(_typeToTimestamp);
        json.WriteRaw(stamp.Seconds);
        json.WriteRaw(",\"payload\":"u8);
        json.SortKeys = _sortKeys;
        TEvent.WritePayload(ref json, in evt, _redactions);
        json.WriteRaw(",\"meta\":{\"correlation_id\":"u8);
        if (correlationId is null) json.WriteNull();
        else json.WriteString(correlationId);
        json.WriteRaw(_versionAndEnd);
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
