using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;

namespace Herald.Tests.Transports;

/// <summary>
/// Decodes ExportLogsServiceRequest bodies independently of the transport's writer: protobuf with Google's
/// <see cref="CodedInputStream"/> by field number (opentelemetry-proto logs/v1), OTLP/JSON with System.Text.Json. Both
/// land in the same model, whose values render as text (<c>int:5</c>, <c>double:2</c>, <c>kvlist{a=int:1}</c>) so the
/// two encodings can be compared exactly.
/// </summary>
internal static class OtlpDecoder
{
    public sealed record Attribute(string Key, string Value)
    {
        public override string ToString() => $"{Key}={Value}";
    }

    public sealed record LogRecord(ulong Time, ulong Observed, int SeverityNumber, string SeverityText, string Body, List<Attribute> Attributes,
        uint Flags, string TraceId, string SpanId, string EventName)
    {
        public string Attr(string key) => Attributes.Single(a => a.Key == key).Value;

        public override string ToString()
            => $"{Time} {Observed} {SeverityNumber} '{SeverityText}' body={Body} [{string.Join(", ", Attributes)}] flags={Flags} trace={TraceId} span={SpanId} name={EventName}";
    }

    public sealed record Export(List<Attribute> Resource, string ScopeName, string ScopeVersion, List<LogRecord> Records, int ResourceLogs, int ScopeLogs);

    public static Export Decode(byte[] body, bool json) => json ? FromJson(body) : FromProtobuf(body);

    // ---- protobuf ----

    public static Export FromProtobuf(byte[] body)
    {
        var resource = new List<Attribute>();
        var records = new List<LogRecord>();
        string scopeName = "", scopeVersion = "";
        int resourceLogs = 0, scopeLogs = 0;
        foreach ((int field, CodedInputStream rl) in Messages(body))
        {
            Assert.Equal(1, field);
            resourceLogs++;
            foreach ((int f, CodedInputStream part) in Messages(rl))
            {
                if (f == 1) foreach ((int a, CodedInputStream kv) in Messages(part)) { Assert.Equal(1, a); resource.Add(KeyValue(kv)); }
                else if (f == 2)
                {
                    scopeLogs++;
                    foreach ((int s, CodedInputStream sl) in Messages(part))
                    {
                        if (s == 1)
                        {
                            foreach ((int tag, CodedInputStream value) in Fields(sl))
                            {
                                if (tag == 1) scopeName = value.ReadString();
                                else if (tag == 2) scopeVersion = value.ReadString();
                                else value.SkipLastField();
                            }
                        }
                        else if (s == 2) records.Add(Record(sl));
                    }
                }
            }
        }
        return new Export(resource, scopeName, scopeVersion, records, resourceLogs, scopeLogs);
    }

    private static LogRecord Record(CodedInputStream input)
    {
        ulong time = 0, observed = 0;
        int severity = 0;
        uint flags = 0;
        string text = "", body = "none", trace = "", span = "", name = "";
        var attributes = new List<Attribute>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: time = input.ReadFixed64(); break;
                case 2: severity = input.ReadEnum(); break;
                case 3: text = input.ReadString(); break;
                case 5: body = AnyValue(Sub(input)); break;
                case 6: attributes.Add(KeyValue(Sub(input))); break;
                case 8: flags = input.ReadFixed32(); break;
                case 9: trace = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 10: span = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 11: observed = input.ReadFixed64(); break;
                case 12: name = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new LogRecord(time, observed, severity, text, body, attributes, flags, trace, span, name);
    }

    private static Attribute KeyValue(CodedInputStream input)
    {
        string key = "", value = "absent";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            if (field == 1) key = input.ReadString();
            else if (field == 2) value = AnyValue(Sub(input));
            else input.SkipLastField();
        }
        return new Attribute(key, value);
    }

    private static string AnyValue(CodedInputStream input)
    {
        string value = "none";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            value = WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => "string:" + input.ReadString(),
                2 => "bool:" + (input.ReadBool() ? "true" : "false"),
                3 => "int:" + input.ReadInt64().ToString(CultureInfo.InvariantCulture),
                4 => "double:" + input.ReadDouble().ToString("R", CultureInfo.InvariantCulture),
                5 => "array[" + string.Join(",", Messages(Sub(input)).Select(m => AnyValue(m.Message))) + "]",
                6 => "kvlist{" + string.Join(",", Messages(Sub(input)).Select(m => KeyValue(m.Message).ToString())) + "}",
                7 => "bytes:" + Convert.ToHexStringLower(input.ReadBytes().ToByteArray()),
                _ => throw new InvalidDataException("AnyValue field " + WireFormat.GetTagFieldNumber(tag)),
            };
        }
        return value;
    }

    private static CodedInputStream Sub(CodedInputStream input) => new(input.ReadBytes().ToByteArray());

    private static List<(int Field, CodedInputStream Message)> Messages(byte[] bytes) => Messages(new CodedInputStream(bytes));

    private static List<(int Field, CodedInputStream Message)> Messages(CodedInputStream input)
    {
        var list = new List<(int, CodedInputStream)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            Assert.Equal(WireFormat.WireType.LengthDelimited, WireFormat.GetTagWireType(tag));
            list.Add((WireFormat.GetTagFieldNumber(tag), Sub(input)));
        }
        return list;
    }

    /// <summary>Each field of a message, the stream positioned at its value (read it or skip it before the next).</summary>
    private static IEnumerable<(int Field, CodedInputStream Input)> Fields(CodedInputStream input)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0) yield return (WireFormat.GetTagFieldNumber(tag), input);
    }

    // ---- JSON ----

    public static Export FromJson(byte[] body)
    {
        // Four levels of OTLP/JSON per payload level: a payload nested 64 deep is ~260 deep here.
        using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 1024 });
        JsonElement[] resourceLogs = document.RootElement.GetProperty("resourceLogs").EnumerateArray().ToArray();
        var resource = new List<Attribute>();
        var records = new List<LogRecord>();
        string scopeName = "", scopeVersion = "";
        int scopeCount = 0;
        foreach (JsonElement rl in resourceLogs)
        {
            resource.AddRange(rl.GetProperty("resource").GetProperty("attributes").EnumerateArray().Select(JsonKeyValue));
            foreach (JsonElement sl in rl.GetProperty("scopeLogs").EnumerateArray())
            {
                scopeCount++;
                scopeName = sl.GetProperty("scope").GetProperty("name").GetString()!;
                scopeVersion = sl.GetProperty("scope").GetProperty("version").GetString()!;
                foreach (JsonElement r in sl.GetProperty("logRecords").EnumerateArray()) records.Add(JsonRecord(r));
            }
        }
        return new Export(resource, scopeName, scopeVersion, records, resourceLogs.Length, scopeCount);
    }

    private static LogRecord JsonRecord(JsonElement r)
    {
        string S(string name) => r.TryGetProperty(name, out JsonElement v) ? v.GetString()! : "";
        ulong U64(string name) => r.TryGetProperty(name, out JsonElement v) ? ulong.Parse(v.GetString()!, CultureInfo.InvariantCulture) : 0; // fixed64: a decimal string
        return new LogRecord(U64("timeUnixNano"), U64("observedTimeUnixNano"), r.TryGetProperty("severityNumber", out JsonElement sn) ? sn.GetInt32() : 0, S("severityText"),
            r.TryGetProperty("body", out JsonElement b) ? JsonAnyValue(b) : "none",
            r.TryGetProperty("attributes", out JsonElement a) ? a.EnumerateArray().Select(JsonKeyValue).ToList() : [],
            r.TryGetProperty("flags", out JsonElement f) ? f.GetUInt32() : 0, S("traceId"), S("spanId"), S("eventName"));
    }

    private static Attribute JsonKeyValue(JsonElement kv)
        => new(kv.TryGetProperty("key", out JsonElement k) ? k.GetString()! : "", kv.TryGetProperty("value", out JsonElement v) ? JsonAnyValue(v) : "absent");

    private static string JsonAnyValue(JsonElement value)
    {
        JsonProperty[] set = value.EnumerateObject().ToArray();
        if (set.Length == 0) return "none";
        JsonProperty p = Assert.Single(set);
        return p.Name switch
        {
            "stringValue" => "string:" + p.Value.GetString(),
            "boolValue" => "bool:" + (p.Value.GetBoolean() ? "true" : "false"),
            "intValue" => "int:" + long.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), // int64: a decimal string
            "doubleValue" => "double:" + p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            "arrayValue" => "array[" + string.Join(",", Values(p.Value).Select(JsonAnyValue)) + "]",
            "kvlistValue" => "kvlist{" + string.Join(",", Values(p.Value).Select(v => JsonKeyValue(v).ToString())) + "}",
            _ => throw new InvalidDataException("AnyValue member " + p.Name),
        };
    }

    private static IEnumerable<JsonElement> Values(JsonElement list) => list.TryGetProperty("values", out JsonElement v) ? v.EnumerateArray() : [];

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
