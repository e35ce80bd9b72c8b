using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Herald.Tests.Otel;

/// <summary>
/// What <c>GET /api/telemetry/logs</c> returns, flattened: one <see cref="StoredLog"/> per log record with its resource
/// and scope. The shape read (OTLP JSON inside an envelope):
/// <code>
/// {"data":{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"townlet"}}]},
///   "scopeLogs":[{"scope":{"name":"Herald","version":"0.1.0"},"logRecords":[{"timeUnixNano":"1703001234567000000",
///   "severityNumber":9,"severityText":"Information","body":{"stringValue":"..."},"attributes":[{"key":"tick","value":{"stringValue":"42"}},
///   {"key":"aspire.log_id","value":{"stringValue":"1"}}],"flags":1,"traceId":"0af7651916cd43dd8448eb211c80319c",
///   "spanId":"b7ad6b7169203331","eventName":"loop.tick"}]}]}]},"totalCount":1,"returnedCount":1}
/// </code>
/// </summary>
internal sealed record StoredLogs(int TotalCount, int ReturnedCount, ImmutableArray<StoredLog> Logs)
{
    public const string LogIdAttribute = "aspire.log_id";

    public static StoredLogs Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        var logs = ImmutableArray.CreateBuilder<StoredLog>();
        foreach (JsonElement resourceLogs in root.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            ImmutableArray<KeyValuePair<string, string>> resource = resourceLogs.TryGetProperty("resource", out JsonElement r)
                ? Attributes(r) : ImmutableArray<KeyValuePair<string, string>>.Empty;
            foreach (JsonElement scopeLogs in resourceLogs.GetProperty("scopeLogs").EnumerateArray())
            {
                JsonElement scope = scopeLogs.GetProperty("scope");
                string scopeName = scope.TryGetProperty("name", out JsonElement n) ? n.GetString()! : "";
                string? scopeVersion = scope.TryGetProperty("version", out JsonElement v) ? v.GetString() : null;
                foreach (JsonElement record in scopeLogs.GetProperty("logRecords").EnumerateArray())
                {
                    ImmutableArray<KeyValuePair<string, string>> all = Attributes(record);
                    logs.Add(new StoredLog
                    {
                        EventName = OptionalString(record, "eventName"),
                        Body = record.TryGetProperty("body", out JsonElement body) ? Value(body) : null,
                        SeverityNumber = record.TryGetProperty("severityNumber", out JsonElement sn) ? sn.GetInt32() : 0,
                        SeverityText = OptionalString(record, "severityText"),
                        TimeUnixNano = ulong.Parse(record.GetProperty("timeUnixNano").GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
                        TraceId = OptionalString(record, "traceId"),
                        SpanId = OptionalString(record, "spanId"),
                        Flags = record.TryGetProperty("flags", out JsonElement f) ? f.GetInt32() : null,
                        Attributes = all.Where(a => a.Key != LogIdAttribute).ToImmutableArray(),
                        LogId = long.Parse(all.Single(a => a.Key == LogIdAttribute).Value, CultureInfo.InvariantCulture),
                        Resource = resource,
                        ScopeName = scopeName,
                        ScopeVersion = scopeVersion,
                        Json = record.GetRawText(),
                    });
                }
            }
        }
        return new StoredLogs(root.GetProperty("totalCount").GetInt32(), root.GetProperty("returnedCount").GetInt32(), logs.ToImmutable());
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ImmutableArray<KeyValuePair<string, string>> Attributes(JsonElement owner) =>
        owner.TryGetProperty("attributes", out JsonElement attributes)
            ? attributes.EnumerateArray().Select(a => KeyValuePair.Create(a.GetProperty("key").GetString()!, Value(a.GetProperty("value")) ?? "")).ToImmutableArray()
            : ImmutableArray<KeyValuePair<string, string>>.Empty;

    /// <summary>
    /// An OTLP AnyValue as the dashboard returns it: <c>{"stringValue":"..."}</c>, or <c>{}</c> for no value (null).
    /// Any other form (a typed value) comes back as its JSON text, so a receiver that stops turning values into strings
    /// shows up in the comparisons instead of being read as a string.
    /// </summary>
    private static string? Value(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("stringValue", out JsonElement s) && value.EnumerateObject().Count() == 1) return s.GetString();
        if (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any()) return null;
        return value.GetRawText();
    }
}

/// <summary>One stored log record, with its resource and scope.</summary>
internal sealed record StoredLog
{
    public string? EventName { get; init; }
    /// <summary>The body as the dashboard returns it: a string (structured bodies as JSON text).</summary>
    public string? Body { get; init; }
    public int SeverityNumber { get; init; }
    /// <summary>The dashboard's name for the severity number (Information, Warning, ...), not the text sent.</summary>
    public string? SeverityText { get; init; }
    /// <summary>Nanoseconds since the Unix epoch, to 100 ns.</summary>
    public ulong TimeUnixNano { get; init; }
    /// <summary>32 lowercase hex digits, or null.</summary>
    public string? TraceId { get; init; }
    /// <summary>16 lowercase hex digits, or null.</summary>
    public string? SpanId { get; init; }
    public int? Flags { get; init; }
    /// <summary>The record's attributes in the order stored, values as strings, without <c>aspire.log_id</c>.</summary>
    public ImmutableArray<KeyValuePair<string, string>> Attributes { get; init; }
    /// <summary>The dashboard's <c>aspire.log_id</c>: the order records arrived in.</summary>
    public long LogId { get; init; }
    public ImmutableArray<KeyValuePair<string, string>> Resource { get; init; }
    public string ScopeName { get; init; } = "";
    public string? ScopeVersion { get; init; }
    /// <summary>The record's JSON as returned, for failure messages.</summary>
    public string Json { get; init; } = "";

    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks((long)(TimeUnixNano / 100));

    /// <summary>The attribute's value; null when absent (throws when present twice).</summary>
    public string? Attribute(string key) => Attributes.SingleOrDefault(a => a.Key == key) is { Key: not null } kv ? kv.Value : null;

    public string? ResourceAttribute(string key) => Resource.SingleOrDefault(a => a.Key == key) is { Key: not null } kv ? kv.Value : null;

    public override string ToString() => Json;
}
