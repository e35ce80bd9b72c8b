using System;
using System.Text.Json;

namespace Herald.Transports.Otlp;

/// <summary>
/// Envelope lines to an OTLP/protobuf <c>ExportLogsServiceRequest</c> (one ResourceLogs, one ScopeLogs, a LogRecord
/// per line; mapping in docs/transports.md). Runs on the worker thread; allocates nothing per event once its buffers
/// have grown: lines are read with <see cref="Utf8JsonReader"/>, keys and strings copied as UTF-8, the resource and
/// scope encoded once.
/// </summary>
internal sealed class OtlpProtobufEncoder : IOtlpEncoder
{
    // Field numbers of opentelemetry-proto (collector/logs/v1, logs/v1, common/v1).
    private const int RequestResourceLogs = 1, ResourceLogsResource = 1, ResourceLogsScopeLogs = 2, ScopeLogsScope = 1, ScopeLogsRecords = 2;
    private const int TimeUnixNano = 1, SeverityNumber = 2, SeverityText = 3, Body = 5, Attributes = 6, Flags = 8, TraceId = 9, SpanId = 10, ObservedTimeUnixNano = 11, EventName = 12;
    private const int StringValue = 1, BoolValue = 2, IntValue = 3, DoubleValue = 4, ArrayValue = 5, KvlistValue = 6;
    private const int KeyValueKey = 1, KeyValueValue = 2, ListValues = 1;
    private const int ResourceAttributes = 1, ScopeName = 1, ScopeVersion = 2;

    private readonly ProtobufWriter _writer = new();
    private readonly byte[] _resourceField;
    private readonly byte[] _scopeField;
    private readonly OtlpPayloadTypes _types;
    private readonly PayloadPath _path = new();
    private readonly byte[] _ids = new byte[24];

    public OtlpProtobufEncoder(OtlpResource resource, OtlpPayloadTypes types)
    {
        _types = types;
        var once = new ProtobufWriter();
        once.Begin(ResourceLogsResource, 2);
        foreach (OtlpResource.Attribute attribute in resource.Attributes)
        {
            once.Begin(ResourceAttributes, 2);
            once.WriteBytes(KeyValueKey, attribute.Key);
            once.Begin(KeyValueValue);
            switch (attribute.Value)
            {
                case bool flag: once.WriteVarint(BoolValue, flag ? 1UL : 0UL); break;
                case long integer: once.WriteVarint(IntValue, (ulong)integer); break;
                case double number: once.WriteDouble(DoubleValue, number); break;
                default: once.WriteBytes(StringValue, attribute.Utf8String); break;
            }
            once.End();
            once.End();
        }
        once.End();
        _resourceField = once.Written.ToArray();
        once.Reset();
        once.Begin(ScopeLogsScope, 2);
        once.WriteBytes(ScopeName, resource.ScopeName);
        once.WriteBytes(ScopeVersion, resource.ScopeVersion);
        once.End();
        _scopeField = once.Written.ToArray();
    }

    public string ContentType => "application/x-protobuf";

    public ReadOnlyMemory<byte> Encode(ReadOnlySpan<byte> lines)
    {
        _writer.Reset();
        _writer.Begin(RequestResourceLogs, 3);
        _writer.WriteRaw(_resourceField);
        _writer.Begin(ResourceLogsScopeLogs, 3);
        _writer.WriteRaw(_scopeField);
        while (!lines.IsEmpty)
        {
            int length = OtlpRecord.LineLength(lines);
            if (length > 0)
            {
                _writer.Begin(ScopeLogsRecords, 2);
                WriteRecord(lines.Slice(0, length));
                _writer.End();
            }
            lines = lines.Slice(Math.Min(lines.Length, length + 1));
        }
        _writer.End();
        _writer.End();
        return _writer.Written;
    }

    private void WriteRecord(ReadOnlySpan<byte> line)
    {
        OtlpEnvelope envelope = OtlpEnvelope.Read(line, _ids);
        OtlpPayloadTypes.EventInfo info = _types.Find(envelope.Type.Raw);
        if (envelope.TimeUnixNano != 0) _writer.WriteFixed64(TimeUnixNano, envelope.TimeUnixNano);
        int severity = OtlpRecord.Severity(envelope, info, out RawString severityText);
        if (severity != 0) _writer.WriteVarint(SeverityNumber, (ulong)severity);
        if (severityText.Present && severityText.Raw.Length > 0) WriteString(SeverityText, severityText);
        _writer.Begin(Body, 2);
        WriteString(StringValue, OtlpRecord.Body(envelope));
        _writer.End();

        if (!envelope.Payload.IsEmpty)
        {
            var reader = new Utf8JsonReader(envelope.Payload, OtlpRecord.ReaderOptions);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject) WriteMembers(ref reader, envelope.Payload, Attributes, _path.Start(info));
        }
        WriteAttribute(OtlpRecord.EventId, envelope.Id);
        WriteAttribute(OtlpRecord.EventSource, envelope.Source);
        WriteAttribute(OtlpRecord.EventVersion, envelope.Version);
        WriteAttribute(OtlpRecord.CorrelationId, envelope.CorrelationId);
        WriteAttribute(OtlpRecord.EventTarget, envelope.Target);

        if (envelope.TraceFlags != 0) _writer.WriteFixed32(Flags, envelope.TraceFlags);
        if (envelope.HasTraceId) _writer.WriteBytes(TraceId, envelope.TraceId);
        if (envelope.HasSpanId) _writer.WriteBytes(SpanId, envelope.SpanId);
        if (envelope.TimeUnixNano != 0) _writer.WriteFixed64(ObservedTimeUnixNano, envelope.TimeUnixNano);
        if (envelope.Type.Present && envelope.Type.Raw.Length > 0) WriteString(EventName, envelope.Type);
    }

    /// <summary>An envelope field as a string attribute; left out when the field is null or missing.</summary>
    private void WriteAttribute(ReadOnlySpan<byte> key, RawString value)
    {
        if (!value.Present) return;
        _writer.Begin(Attributes, 1);
        _writer.WriteBytes(KeyValueKey, key);
        _writer.Begin(KeyValueValue, 1);
        WriteString(StringValue, value);
        _writer.End();
        _writer.End();
    }

    /// <summary>The members of the object the reader is at, each a <c>KeyValue</c> in field <paramref name="field"/>.</summary>
    private void WriteMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload, int field, int state)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            _writer.Begin(field, 2);
            if (reader.ValueSpan.Length > 0) WriteString(KeyValueKey, new RawString(reader.ValueSpan, reader.ValueIsEscaped));
            int child = _path.Member(state, reader.ValueSpan, reader.ValueIsEscaped);
            reader.Read();
            _writer.Begin(KeyValueValue, 1);
            WriteValue(ref reader, payload, child);
            _writer.End();
            _writer.End();
        }
    }

    /// <summary>The contents of an <c>AnyValue</c> for the value the reader is at (a null leaves it empty).</summary>
    private void WriteValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload, int state)
    {
        if (reader.TokenType is (JsonTokenType.StartObject or JsonTokenType.StartArray) && OtlpRecord.TooDeep(reader))
        {
            _writer.WriteBytes(StringValue, OtlpRecord.SkipAsText(ref reader, payload));
            return;
        }
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                WriteString(StringValue, RawString.Of(ref reader));
                break;
            case JsonTokenType.True:
            case JsonTokenType.False:
                _writer.WriteVarint(BoolValue, reader.TokenType == JsonTokenType.True ? 1UL : 0UL);
                break;
            case JsonTokenType.Number:
                if (!_path.IsDouble(state) && OtlpNumber.TryInteger(reader.ValueSpan, out long integer)) _writer.WriteVarint(IntValue, (ulong)integer);
                else _writer.WriteDouble(DoubleValue, OtlpNumber.Double(reader.ValueSpan));
                break;
            case JsonTokenType.StartObject:
                _writer.Begin(KvlistValue, 2);
                WriteMembers(ref reader, payload, ListValues, state);
                _writer.End();
                break;
            case JsonTokenType.StartArray:
                _writer.Begin(ArrayValue, 2);
                int item = _path.Item(state);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    _writer.Begin(ListValues, 1);
                    WriteValue(ref reader, payload, item);
                    _writer.End();
                }
                _writer.End();
                break;
        }
    }

    /// <summary>A string field from JSON contents, unescaped straight into the request.</summary>
    private void WriteString(int field, RawString value)
    {
        if (!value.Escaped)
        {
            _writer.WriteBytes(field, value.Raw);
            return;
        }
        _writer.Begin(field, ProtobufWriter.VarintSize((ulong)value.Raw.Length));
        _writer.Advance(JsonText.Unescape(value.Raw, _writer.GetSpan(value.Raw.Length)));
        _writer.End();
    }
}
