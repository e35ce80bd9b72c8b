using System;
using System.Globalization;
using System.Text.Json;

namespace Herald.Transports.Otlp;

/// <summary>
/// Envelope lines to an OTLP/JSON <c>ExportLogsServiceRequest</c>: the proto3 JSON mapping (lowerCamelCase names,
/// enums as numbers, 64-bit integers as decimal strings, default values left out) with OTLP's exception of trace and
/// span ids as lowercase hex. The same records as <see cref="OtlpProtobufEncoder"/>; JSON strings of the envelope are
/// copied with their escapes, which are valid in the output too. Allocates nothing per event once its buffer has grown.
/// </summary>
internal sealed class OtlpJsonEncoder : IOtlpEncoder
{
    private readonly ByteBuffer _out = new();
    private readonly byte[] _head;
    private readonly OtlpPayloadTypes _types;
    private readonly PayloadPath _path = new();
    private readonly byte[] _ids = new byte[24];

    public OtlpJsonEncoder(OtlpResource resource, OtlpPayloadTypes types)
    {
        _types = types;
        var head = new ByteBuffer(1024);
        head.Write("{\"resourceLogs\":[{\"resource\":{\"attributes\":["u8);
        for (int i = 0; i < resource.Attributes.Count; i++)
        {
            OtlpResource.Attribute attribute = resource.Attributes[i];
            if (i > 0) head.Write((byte)',');
            head.Write("{\"key\":\""u8);
            JsonText.WriteEscaped(head, attribute.Key);
            head.Write("\",\"value\":"u8);
            switch (attribute.Value)
            {
                case bool flag:
                    head.Write(flag ? "{\"boolValue\":true}"u8 : "{\"boolValue\":false}"u8);
                    break;
                case long integer:
                    head.Write("{\"intValue\":\""u8);
                    JsonText.WriteInteger(head, integer);
                    head.Write("\"}"u8);
                    break;
                case double number:
                    head.Write("{\"doubleValue\":"u8);
                    head.Write(System.Text.Encoding.UTF8.GetBytes(double.IsFinite(number) ? number.ToString("R", CultureInfo.InvariantCulture) : "\"" + (double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity") + "\""));
                    head.Write((byte)'}');
                    break;
                default:
                    head.Write("{\"stringValue\":\""u8);
                    JsonText.WriteEscaped(head, attribute.Utf8String);
                    head.Write("\"}"u8);
                    break;
            }
            head.Write((byte)'}');
        }
        head.Write("]},\"scopeLogs\":[{\"scope\":{\"name\":\""u8);
        JsonText.WriteEscaped(head, resource.ScopeName);
        head.Write("\",\"version\":\""u8);
        JsonText.WriteEscaped(head, resource.ScopeVersion);
        head.Write("\"},\"logRecords\":["u8);
        _head = head.Written.ToArray();
    }

    public string ContentType => "application/json";

    public ReadOnlyMemory<byte> Encode(ReadOnlySpan<byte> lines)
    {
        _out.Reset();
        _out.Write(_head);
        bool first = true;
        while (!lines.IsEmpty)
        {
            int length = OtlpRecord.LineLength(lines);
            if (length > 0)
            {
                if (!first) _out.Write((byte)',');
                first = false;
                WriteRecord(lines.Slice(0, length));
            }
            lines = lines.Slice(Math.Min(lines.Length, length + 1));
        }
        _out.Write("]}]}]}"u8);
        return _out.Written;
    }

    private void WriteRecord(ReadOnlySpan<byte> line)
    {
        OtlpEnvelope envelope = OtlpEnvelope.Read(line, _ids);
        OtlpPayloadTypes.EventInfo info = _types.Find(envelope.Type.Raw);
        _out.Write((byte)'{');
        if (envelope.TimeUnixNano != 0)
        {
            _out.Write("\"timeUnixNano\":\""u8);
            JsonText.WriteInteger(_out, envelope.TimeUnixNano);
            _out.Write("\",\"observedTimeUnixNano\":\""u8);
            JsonText.WriteInteger(_out, envelope.TimeUnixNano);
            _out.Write("\","u8);
        }
        int severity = OtlpRecord.Severity(envelope, info, out RawString severityText);
        if (severity != 0)
        {
            _out.Write("\"severityNumber\":"u8);
            JsonText.WriteInteger(_out, severity);
            _out.Write((byte)',');
        }
        if (severityText.Present && severityText.Raw.Length > 0)
        {
            _out.Write("\"severityText\":"u8);
            WriteString(severityText);
            _out.Write((byte)',');
        }
        _out.Write("\"body\":{\"stringValue\":"u8);
        WriteString(OtlpRecord.Body(envelope));
        _out.Write("},\"attributes\":["u8);
        bool first = true;
        if (!envelope.Payload.IsEmpty)
        {
            var reader = new Utf8JsonReader(envelope.Payload, OtlpRecord.ReaderOptions);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject) first = WriteMembers(ref reader, envelope.Payload, _path.Start(info));
        }
        first = WriteAttribute(OtlpRecord.EventId, envelope.Id, first);
        first = WriteAttribute(OtlpRecord.EventSource, envelope.Source, first);
        first = WriteAttribute(OtlpRecord.EventVersion, envelope.Version, first);
        first = WriteAttribute(OtlpRecord.CorrelationId, envelope.CorrelationId, first);
        WriteAttribute(OtlpRecord.EventTarget, envelope.Target, first);
        _out.Write((byte)']');
        if (envelope.TraceFlags != 0)
        {
            _out.Write(",\"flags\":"u8);
            JsonText.WriteInteger(_out, envelope.TraceFlags);
        }
        if (envelope.HasTraceId)
        {
            _out.Write(",\"traceId\":\""u8);
            JsonText.WriteHex(_out, envelope.TraceId);
            _out.Write((byte)'"');
        }
        if (envelope.HasSpanId)
        {
            _out.Write(",\"spanId\":\""u8);
            JsonText.WriteHex(_out, envelope.SpanId);
            _out.Write((byte)'"');
        }
        if (envelope.Type.Present && envelope.Type.Raw.Length > 0)
        {
            _out.Write(",\"eventName\":"u8);
            WriteString(envelope.Type);
        }
        _out.Write((byte)'}');
    }

    /// <summary>An envelope field as a string attribute, left out when null; returns whether the list is still empty.</summary>
    private bool WriteAttribute(ReadOnlySpan<byte> key, RawString value, bool first)
    {
        if (!value.Present) return first;
        if (!first) _out.Write((byte)',');
        _out.Write("{\"key\":\""u8);
        _out.Write(key);
        _out.Write("\",\"value\":{\"stringValue\":"u8);
        WriteString(value);
        _out.Write("}}"u8);
        return false;
    }

    /// <summary>The members of the object the reader is at, as <c>KeyValue</c>s (comma-separated); returns whether there were none.</summary>
    private bool WriteMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload, int state)
    {
        bool first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!first) _out.Write((byte)',');
            first = false;
            _out.Write("{\"key\":"u8);
            WriteString(new RawString(reader.ValueSpan, reader.ValueIsEscaped));
            _out.Write(",\"value\":"u8);
            int child = _path.Member(state, reader.ValueSpan, reader.ValueIsEscaped);
            reader.Read();
            WriteValue(ref reader, payload, child);
            _out.Write((byte)'}');
        }
        return first;
    }

    /// <summary>An <c>AnyValue</c> object for the value the reader is at (<c>{}</c> for null).</summary>
    private void WriteValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload, int state)
    {
        if (reader.TokenType is (JsonTokenType.StartObject or JsonTokenType.StartArray) && OtlpRecord.TooDeep(reader))
        {
            _out.Write("{\"stringValue\":\""u8);
            JsonText.WriteEscaped(_out, OtlpRecord.SkipAsText(ref reader, payload));
            _out.Write("\"}"u8);
            return;
        }
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                _out.Write("{\"stringValue\":"u8);
                WriteString(RawString.Of(ref reader));
                _out.Write((byte)'}');
                break;
            case JsonTokenType.True:
                _out.Write("{\"boolValue\":true}"u8);
                break;
            case JsonTokenType.False:
                _out.Write("{\"boolValue\":false}"u8);
                break;
            case JsonTokenType.Number:
                if (!_path.IsDouble(state) && OtlpNumber.TryInteger(reader.ValueSpan, out long integer))
                {
                    _out.Write("{\"intValue\":\""u8);
                    JsonText.WriteInteger(_out, integer);
                    _out.Write("\"}"u8);
                }
                else
                {
                    _out.Write("{\"doubleValue\":"u8);
                    _out.Write(reader.ValueSpan); // a JSON number is a proto3 JSON double as it is
                    _out.Write((byte)'}');
                }
                break;
            case JsonTokenType.StartObject:
                _out.Write("{\"kvlistValue\":{\"values\":["u8);
                int mark = _out.Length;
                if (WriteMembers(ref reader, payload, state))
                {
                    _out.Length = mark - "\"values\":["u8.Length; // an empty list is the default: left out
                    _out.Write("}}"u8);
                }
                else _out.Write("]}}"u8);
                break;
            case JsonTokenType.StartArray:
                _out.Write("{\"arrayValue\":{\"values\":["u8);
                int item = _path.Item(state);
                bool empty = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!empty) _out.Write((byte)',');
                    empty = false;
                    WriteValue(ref reader, payload, item);
                }
                if (empty)
                {
                    _out.Length -= "\"values\":["u8.Length;
                    _out.Write("}}"u8);
                }
                else _out.Write("]}}"u8);
                break;
            default:
                _out.Write("{}"u8); // null: an AnyValue with no value
                break;
        }
    }

    /// <summary>A JSON string from envelope contents, quoted, its escapes kept (a priority name, the one text not read from JSON, needs none).</summary>
    private void WriteString(RawString value)
    {
        _out.Write((byte)'"');
        _out.Write(value.Raw);
        _out.Write((byte)'"');
    }
}
