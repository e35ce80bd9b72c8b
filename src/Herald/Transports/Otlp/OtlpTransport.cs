using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports.Otlp;

/// <summary>
/// Exports each batch as one OTLP/HTTP logs request (<c>POST &lt;endpoint&gt;/v1/logs</c>), protobuf or JSON,
/// optionally gzip-compressed: one log record per envelope (mapping in docs/transports.md).
/// </summary>
/// <remarks>
/// Outcomes follow the OTLP specification: 2xx delivered, except the records a <c>partial_success</c> says were
/// rejected, which count as dropped with the receiver's message (scrubbed, at most 200 characters) in
/// <c>WorkerError</c> (a body that cannot be read, or ends or stalls before it is whole, is still a delivery);
/// 429, 502, 503 and 504 transient, waiting for <c>Retry-After</c>; other 5xx, 408, timeouts and
/// connection errors transient; other 4xx drop the batch. TLS as the http transport (<see cref="CertificateTrust"/>).
/// Header values and the bearer token never appear in errors, status or logs.
/// </remarks>
internal sealed class OtlpTransport : ITransport
{
    private const int MaxResponseBytes = 64 * 1024;
    private readonly OtlpSettings _settings;
    private readonly IOtlpEncoder _encoder;
    private readonly HttpClient _client;
    private readonly CertificateTrust _trust;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly MemoryStream _compressed = new();
    // Sends never overlap (ITransport), so one buffer serves every response: no allocation per batch.
    private readonly byte[] _response = new byte[MaxResponseBytes];

    /// <summary>Creates the transport of one connection.</summary>
    /// <param name="options">The connection's keys.</param>
    /// <param name="telemetry">The whole configuration: <c>resource</c>, <c>source</c> and the event types.</param>
    /// <param name="environment">Reads an environment variable (tests give their own).</param>
    /// <param name="types">The payload typing (tests give their own); from the configuration's event types when null.</param>
    /// <exception cref="Herald.TelemetryConfigException">An OTEL_* variable is malformed.</exception>
    /// <exception cref="ArgumentException">The endpoint is not an http(s) URL, the token variable is not set, or the TLS settings cannot be used.</exception>
    public OtlpTransport(TransportOptions options, TelemetryOptions? telemetry = null, Func<string, string?>? environment = null, OtlpPayloadTypes? types = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        environment ??= Environment.GetEnvironmentVariable;
        _settings = OtlpSettings.Resolve(options, environment);
        OtlpResource resource = OtlpResource.Resolve(telemetry?.Resource, telemetry?.Source, environment);
        types ??= new OtlpPayloadTypes(EventRegistration.ForOptions(telemetry?.Events));
        _encoder = _settings.Json ? new OtlpJsonEncoder(resource, types) : new OtlpProtobufEncoder(resource, types);
        if (_settings.Token is { } token) _authorization = new AuthenticationHeaderValue("Bearer", token);
        _trust = CertificateTrust.From(options);
        _client = HttpExchange.CreateClient(_settings.SendTimeout, _trust);
    }

    /// <inheritdoc />
    public string Provider => "otlp";

    /// <summary>Whether requests carry a bearer token (<c>auth_token_env</c>) or headers from the OTEL headers variable.</summary>
    public bool AuthEnabled => _authorization is not null || _settings.Headers.Count > 0;

    /// <summary>The endpoint requests go to (no secrets: configuration or environment).</summary>
    internal Uri Endpoint => _settings.Endpoint;

    /// <inheritdoc />
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> body = _encoder.Encode(batch.Lines.Span);
        HttpContent content;
        if (_settings.Gzip)
        {
            _compressed.SetLength(0);
            using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(body.Span);
            content = new ReadOnlyMemoryContent(_compressed.GetBuffer().AsMemory(0, (int)_compressed.Length));
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(body);
        }
        content.Headers.ContentType = new MediaTypeHeaderValue(_encoder.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, _settings.Endpoint) { Content = content };
        foreach (KeyValuePair<string, string> header in _settings.Headers) request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        request.Headers.Authorization = _authorization;
        return Send(request, batch.Count, cancellationToken);
    }

    private async ValueTask<SendResult> Send(HttpRequestMessage request, int count, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await HttpExchange.PostAsync(_client, request, _settings.SendTimeout, _trust, _settings.Secrets,
                (response, token) => Delivered(response, count, token), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A 2xx: the batch is delivered, less what a <c>partial_success</c> says was rejected.</summary>
    private async Task<SendResult> Delivered(HttpResponseMessage response, int count, CancellationToken cancellationToken)
    {
        int length;
        try
        {
            length = await HttpExchange.ReadBodyAsync(response, _response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The 2xx status already says the receiver took the records: a body cut short, slow past the send timeout or
            // reset only loses the partial_success detail. Sending again would deliver the batch twice.
            return SendResult.Success;
        }
        ReadOnlyMemory<byte> body = _response.AsMemory(0, length);
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        bool json = mediaType is null ? _settings.Json : mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
        (long rejected, string? message) = OtlpResponse.PartialSuccess(body.Span, json);
        if (rejected <= 0) return SendResult.Success;
        int dropped = (int)Math.Min(rejected, count);
        string reason = ServerText.ScrubAll(message, _settings.Secrets);
        return SendResult.PartialSuccess(dropped, $"the collector rejected {dropped} of {count} log records" + (reason.Length == 0 ? "" : ": " + reason));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _compressed.Dispose();
        return default;
    }
}
