using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Otel;

/// <summary>
/// A telemetry sink that logs each event through the OpenTelemetry SDK (<see cref="OtelSdkSender"/>), as one OTLP
/// log record the way Herald's otlp transport writes it: event name = the event type, body = the payload's string
/// <c>message</c> or else the event type, severity from the payload's <c>severity</c>, attributes = the payload's
/// top-level fields (objects and arrays as their JSON text). Lets the simulation feed a real receiver through the
/// reference sender, inside its own Activities.
/// </summary>
internal sealed class OtelSdkSink(OtelSdkSender sender) : ITelemetrySink
{
    private readonly StubTelemetrySink _stub = new();
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>
    {
        _buffer.Clear();
        TEvent.Write(_buffer, in evt);
        sender.Log(Record(TEvent.EventType, _buffer.WrittenSpan));
        _stub.Emit(in evt);
    }

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

    public TransportStatus TransportStatus => _stub.TransportStatus;
    public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => default;
    public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _stub.TryGetLatest(out evt);
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
