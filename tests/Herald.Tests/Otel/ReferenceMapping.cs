using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Otel;

/// <summary>
/// An event's payload as the reference sender's record, the way Herald's otlp transport maps it: event name = the
/// event type, body = the payload's string <c>message</c> or else the event type, level from the payload's
/// <c>severity</c>, attributes = the payload's top-level fields in order (whole numbers as long, other numbers as
/// double, objects and arrays as their JSON text — the receiver keeps every value as a string anyway).
/// </summary>
internal static class ReferenceMapping
{
    public static ReferenceRecord Record(string eventType, ReadOnlySpan<byte> payload)
    {
        using JsonDocument document = JsonDocument.Parse(payload.ToArray());
        var attributes = new List<KeyValuePair<string, object?>>();
        string? message = null;
        LogLevel level = LogLevel.Information;
        foreach (JsonProperty field in document.RootElement.EnumerateObject())
        {
            object? value = field.Value.ValueKind switch
            {
                JsonValueKind.String => field.Value.GetString(),
                JsonValueKind.Number when field.Value.TryGetInt64(out long n) => n,
                JsonValueKind.Number => field.Value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                _ => field.Value.GetRawText(),
            };
            if (value is null) continue;
            attributes.Add(new(field.Name, value));
            if (field.Name == "message" && value is string m) message = m;
            if (field.Name == "severity" && value is string s)
                level = s.ToLowerInvariant() switch { "debug" => LogLevel.Debug, "warning" or "warn" => LogLevel.Warning, "error" => LogLevel.Error, "critical" or "fatal" => LogLevel.Critical, _ => LogLevel.Information };
        }
        return new ReferenceRecord(eventType, attributes, message ?? eventType, level);
    }
}
