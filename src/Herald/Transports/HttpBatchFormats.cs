using System;
using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Herald.Configuration;
using Herald.Storage;

namespace Herald.Transports;

/// <summary>How the http transport puts a batch in a request body (<c>telemetry.transport.format</c>).</summary>
internal enum HttpBatchFormat
{
    /// <summary><c>ndjson</c>: the envelopes as they are, one per line (<c>application/x-ndjson</c>).</summary>
    Ndjson,
    /// <summary><c>json_array</c>: the envelopes as one JSON array (<c>application/json</c>).</summary>
    JsonArray,
    /// <summary><c>cloudevents</c>: CloudEvents 1.0 batch mode (<c>application/cloudevents-batch+json</c>).</summary>
    CloudEvents,
}

/// <summary>
/// Renders a batch of NDJSON envelopes in a <see cref="HttpBatchFormat"/>. The CloudEvents mapping (docs/transports.md):
/// <c>id</c>→<c>id</c>, <c>type</c>→<c>type</c>, <c>source</c>→<c>source</c>, <c>timestamp</c>→<c>time</c> (RFC 3339),
/// <c>payload</c>→<c>data</c> with <c>datacontenttype</c> <c>application/json</c>, <c>meta.version</c>→<c>dataversion</c>,
/// <c>meta.correlation_id</c>→<c>correlationid</c> (extension attributes), <c>meta.trace_id</c>/<c>span_id</c>/<c>trace_flags</c>→
/// <c>traceparent</c> (the Distributed Tracing extension), <c>target</c> dropped when null.
/// </summary>
internal static class HttpBatchFormats
{
    /// <summary>The format a <c>format</c> choice names (not set: the default).</summary>
    /// <exception cref="ArgumentException">Not one of the choices.</exception>
    public static HttpBatchFormat Parse(string? format)
        => ConfigChoices.Parse<HttpBatchFormat>(TelemetryConfigRules.Format, string.IsNullOrEmpty(format) ? TelemetryConfigRules.Format.DefaultText! : format);

    public static string MediaType(HttpBatchFormat format) => format switch
    {
        HttpBatchFormat.JsonArray => "application/json",
        HttpBatchFormat.CloudEvents => "application/cloudevents-batch+json",
        _ => "application/x-ndjson",
    };

    public static ReadOnlyMemory<byte> Render(HttpBatchFormat format, ReadOnlyMemory<byte> lines)
    {
        if (format == HttpBatchFormat.Ndjson) return lines;
        var output = new ArrayBufferWriter<byte>(lines.Length + 256);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = false }))
        {
            writer.WriteStartArray();
            ReadOnlySpan<byte> rest = lines.Span;
            while (!rest.IsEmpty)
            {
                int end = rest.IndexOf((byte)'\n');
                ReadOnlySpan<byte> line = end < 0 ? rest : rest.Slice(0, end);
                rest = end < 0 ? default : rest.Slice(end + 1);
                if (line.IsEmpty) continue;
                if (format == HttpBatchFormat.JsonArray) writer.WriteRawValue(line, skipInputValidation: true);
                else WriteCloudEvent(writer, line);
            }
            writer.WriteEndArray();
        }
        return output.WrittenMemory;
    }

    private static void WriteCloudEvent(Utf8JsonWriter writer, ReadOnlySpan<byte> envelope)
    {
        // Any depth: free-form JSON in the payload is written as given (JsonDocument's own defaults already allow 64 levels there).
        using JsonDocument document = JsonDocument.Parse(envelope.ToArray(), new JsonDocumentOptions { MaxDepth = int.MaxValue });
        JsonElement e = document.RootElement;
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", e.GetProperty("id").GetString());
        writer.WriteString("type", e.GetProperty("type").GetString());
        writer.WriteString("source", e.GetProperty("source").GetString());
        double seconds = e.GetProperty("timestamp").GetDouble();
        writer.WriteString("time", DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("datacontenttype", "application/json");
        if (e.TryGetProperty("meta", out JsonElement meta))
        {
            if (meta.TryGetProperty("version", out JsonElement version) && version.ValueKind == JsonValueKind.String) writer.WriteString("dataversion", version.GetString());
            if (meta.TryGetProperty("correlation_id", out JsonElement correlation) && correlation.ValueKind == JsonValueKind.String) writer.WriteString("correlationid", correlation.GetString());
            if (TraceParent(meta) is { } traceParent) writer.WriteString("traceparent", traceParent);
        }
        if (e.TryGetProperty("target", out JsonElement target) && target.ValueKind == JsonValueKind.String) writer.WriteString("target", target.GetString());
        writer.WritePropertyName("data");
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(e.GetProperty("payload")), skipInputValidation: true); // the runtime wrote it: valid JSON
        writer.WriteEndObject();
    }

    /// <summary>
    /// The W3C <c>traceparent</c> of an envelope with a trace: <c>00-&lt;trace_id&gt;-&lt;span_id&gt;-&lt;flags, 2 hex&gt;</c>. Ids W3C calls
    /// invalid (all zeros, as an activity parsed from such a header has; not lowercase hex of their length) give none, as storage reads them as null.
    /// </summary>
    private static string? TraceParent(JsonElement meta)
    {
        if (!meta.TryGetProperty("trace_id", out JsonElement trace) || trace.ValueKind != JsonValueKind.String || !TraceContextFields.IsTraceId(trace.GetString())
            || !meta.TryGetProperty("span_id", out JsonElement span) || span.ValueKind != JsonValueKind.String || !TraceContextFields.IsSpanId(span.GetString())) return null;
        byte flags = meta.TryGetProperty("trace_flags", out JsonElement f) && f.ValueKind == JsonValueKind.Number && f.TryGetByte(out byte value) ? value : (byte)0;
        return string.Create(CultureInfo.InvariantCulture, $"00-{trace.GetString()}-{span.GetString()}-{flags:x2}");
    }
}
