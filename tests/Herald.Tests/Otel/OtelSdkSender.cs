using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Herald.Tests.Otel;

/// <summary>A log record as the reference sender writes it: event name, attributes in order, body, level.</summary>
internal sealed record ReferenceRecord(string EventName, IReadOnlyList<KeyValuePair<string, object?>> Attributes, string? Body = null, LogLevel Level = LogLevel.Information);

/// <summary>
/// The reference OTLP sender: the OpenTelemetry .NET SDK's ILogger provider with its OTLP exporter (OTLP/HTTP,
/// protobuf). A record logged inside an Activity carries that Activity's trace id, span id and flags, as the SDK takes
/// them from <see cref="System.Diagnostics.Activity.Current"/> at the call.
/// </summary>
internal sealed class OtelSdkSender : IDisposable
{
    private readonly ILoggerFactory _factory;
    private readonly ILogger _logger;

    /// <param name="logsEndpoint">The full OTLP/HTTP logs URL (…/v1/logs): set in code, the SDK uses it as it is.</param>
    /// <param name="service">The resource's service.name (no service.instance.id, no SDK attributes).</param>
    /// <param name="scope">The instrumentation scope's name (the logger's category).</param>
    /// <param name="resource">More resource attributes.</param>
    public OtelSdkSender(Uri logsEndpoint, string service, string scope = "Herald", IEnumerable<KeyValuePair<string, object>>? resource = null)
    {
        _factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            ResourceBuilder resourceBuilder = ResourceBuilder.CreateEmpty().AddService(service, autoGenerateServiceInstanceId: false);
            if (resource is not null) resourceBuilder.AddAttributes(resource);
            options.SetResourceBuilder(resourceBuilder);
            options.IncludeFormattedMessage = true;
            options.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Endpoint = logsEndpoint;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                processor.ExportProcessorType = ExportProcessorType.Batch;
                processor.BatchExportProcessorOptions.MaxExportBatchSize = 512;
                processor.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 100;
            });
        }).SetMinimumLevel(LogLevel.Trace));
        _logger = _factory.CreateLogger(scope);
    }

    /// <summary>Logs one record; the event id's name is the record's event name.</summary>
    public void Log(ReferenceRecord record) =>
        _logger.Log(record.Level, new EventId(0, record.EventName), record.Attributes, null, (_, _) => record.Body ?? "");

    /// <summary>Flushes and shuts the exporter down (every record logged has been sent, or failed).</summary>
    public void Dispose() => _factory.Dispose();
}
