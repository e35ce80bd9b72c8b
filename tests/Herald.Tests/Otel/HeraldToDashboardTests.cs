using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Herald.Events;
#if NET10_0_OR_GREATER
using Herald.Tests.Sample;
#endif
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Otel;

/// <summary>
/// Herald's otlp transport against a real receiver: Herald and the OpenTelemetry SDK send the same records (event
/// name, attributes, body, severity, trace context) to the Aspire dashboard and it stores the same fields; and the
/// sample's run, every canonical event type, comes back record for record — each compared with the envelope line the
/// file transport wrote beside it.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class HeraldToDashboardTests(SharedDashboard shared) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-otlp-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Herald sending to <paramref name="dashboard"/> as <paramref name="service"/>, and to a file for the envelopes.</summary>
    internal static TelemetryOptions HeraldOtlp(AspireDashboard dashboard, string service, string encoding, string file) => new()
    {
        Resource = ImmutableDictionary<string, object>.Empty.Add("service.name", service),
        Transports =
        [
            new TransportOptions { Type = "otlp", Endpoint = dashboard.OtlpUrl.ToString(), Encoding = encoding },
            new TransportOptions { Type = "file", FilePath = file },
        ],
    };

    /// <summary>
    /// The record the OpenTelemetry SDK sends for <paramref name="evt"/>, as the otlp transport maps it: event name, the
    /// payload's top-level fields, the envelope's source and version (its id is Herald's own), body and severity.
    /// </summary>
    private static ReferenceRecord SameRecord<TEvent>(in TEvent evt, LogLevel level) where TEvent : IEvent<TEvent>
    {
        var payload = new System.Buffers.ArrayBufferWriter<byte>();
        TEvent.Write(payload, in evt);
        ReferenceRecord fromPayload = ReferenceMapping.Record(TEvent.EventType, payload.WrittenSpan);
        List<KeyValuePair<string, object?>> attributes =
        [
            .. fromPayload.Attributes,
            new("herald.event.source", TEvent.SchemaSource ?? TEvent.EventType.Split('.')[0] + "_service"),
            new("herald.event.version", TEvent.SchemaVersion),
        ];
        return fromPayload with { Attributes = attributes, Level = level };
    }

    private static IEnumerable<(string Key, string Value)> WithoutId(StoredLog log) =>
        log.Attributes.Where(a => a.Key != "herald.event.id").Select(a => (a.Key, a.Value));

    [Theory]
    [InlineData("protobuf")]
    [InlineData("json")]
    public async Task Herald_and_the_OpenTelemetry_SDK_send_the_same_records_and_the_dashboard_stores_the_same_fields(string encoding)
    {
        AspireDashboard dashboard = shared.Dashboard;
        string heraldService = SharedDashboard.UniqueService("herald-" + encoding), sdkService = SharedDashboard.UniqueService("sdk-" + encoding);
        string file = Path.Combine(_dir, "events.jsonl");
        using var source = new ActivitySource("Herald.Tests.Otel." + heraldService);
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        var tick = new LoopTick { Tick = 42, DurationMs = 1.5, AgentCount = 128, EventsEmitted = 3 };
        var app = new AppEvent { Source = "economy", Message = "agent_007 now works as farmer", Severity = AppEventSeverity.Warning };
        var metric = new AppMetric { Name = "agents.hunger.mean", Value = 2, Unit = "ratio" }; // a double with a whole value

        // Each record sent by both, at the same place: the SDK takes the trace context from Activity.Current as Herald does.
        await using (TelemetryPublisher publisher = TelemetryPublisher.Create(HeraldOtlp(dashboard, heraldService, encoding, file)))
        using (var sender = new OtelSdkSender(dashboard.LogsEndpoint, sdkService))
        {
            using (source.StartActivity("second"))
            {
                publisher.Emit(tick);
                sender.Log(SameRecord(tick, LogLevel.Information));
                publisher.Emit(app);
                sender.Log(SameRecord(app, LogLevel.Warning));
            }
            publisher.Emit(metric);
            sender.Log(SameRecord(metric, LogLevel.Information));
            await publisher.FlushAsync();
        }
        IReadOnlyList<StoredLog> fromHerald = await dashboard.WaitForLogsAsync(3, resource: heraldService);
        IReadOnlyList<StoredLog> fromSdk = await dashboard.WaitForLogsAsync(3, resource: sdkService);
        List<JsonElement> envelopes = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        foreach (StoredLog herald in fromHerald)
        {
            StoredLog sdk = Assert.Single(fromSdk, l => l.EventName == herald.EventName);
            Assert.Equal((sdk.EventName, sdk.Body, sdk.SeverityNumber), (herald.EventName, herald.Body, herald.SeverityNumber));
            Assert.Equal(WithoutId(sdk), WithoutId(herald));
            Assert.Equal((sdk.TraceId, sdk.SpanId, sdk.Flags), (herald.TraceId, herald.SpanId, herald.Flags));
            Assert.InRange(herald.Time, sdk.Time.AddSeconds(-5), sdk.Time.AddSeconds(5));
            // Herald's own: its envelope id, its resource and scope.
            JsonElement envelope = Assert.Single(envelopes, e => e.GetProperty("type").GetString() == herald.EventName);
            Assert.Equal(envelope.GetProperty("id").GetString(), herald.Attribute("herald.event.id"));
            Assert.Equal(("Herald", heraldService, "herald"), (herald.ScopeName, herald.ResourceAttribute("service.name"), herald.ResourceAttribute("telemetry.sdk.name")));
        }
        StoredLog storedTick = Assert.Single(fromHerald, l => l.EventName == "loop.tick");
        StoredLog storedApp = Assert.Single(fromHerald, l => l.EventName == "app.event");
        StoredLog storedMetric = Assert.Single(fromHerald, l => l.EventName == "app.metric");
        Assert.Equal(("loop.tick", 9), (storedTick.Body, storedTick.SeverityNumber));
        Assert.Equal(("agent_007 now works as farmer", 13), (storedApp.Body, storedApp.SeverityNumber));
        Assert.Equal(("1.5", "2"), (storedTick.Attribute("duration_ms"), storedMetric.Attribute("value")));
        Assert.NotNull(storedTick.TraceId);
        Assert.Equal((storedTick.TraceId, storedTick.SpanId, (int?)1), (storedApp.TraceId, storedApp.SpanId, storedApp.Flags));
        Assert.Equal((null, null, (int?)null), (storedMetric.TraceId, storedMetric.SpanId, storedMetric.Flags));
    }

#if NET10_0_OR_GREATER // net10.0 only: the Townlet sample is a net10.0 application (Herald.Tests.csproj)
    /// <summary>The sample as a user runs it, with a file and an otlp transport: every event comes back, field for field.</summary>
    [Fact]
    public async Task Every_canonical_event_type_from_the_sample_reaches_the_dashboard_and_the_same_records_come_back()
    {
        AspireDashboard dashboard = shared.Dashboard;
        string service = SharedDashboard.UniqueService("townlet-e2e");
        string file = Path.Combine(_dir, "events.jsonl");
        var clock = Stopwatch.StartNew();
        var (exitCode, stdout, stderr) = await TownletProcess.RunAsync(_dir,
        [
            .. TownletTracingTests.EveryTypeArguments, "--no-progress",
            "--telemetry:transports:0:type=file", $"--telemetry:transports:0:file_path={file}",
            "--telemetry:transports:1:type=otlp", $"--telemetry:transports:1:endpoint={dashboard.OtlpUrl}",
            $"--telemetry:resource:service.name={service}",
        ]);
        Assert.True(exitCode == 0, $"exit {exitCode}: {stdout}\n{stderr}");
        Assert.Contains("traces: every simulated second", stdout); // an otlp transport turns the sample's own listener on

        List<JsonElement> envelopes = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        IReadOnlyList<StoredLog> stored = await dashboard.WaitForLogsAsync(envelopes.Count, resource: service);
        TimeSpan elapsed = clock.Elapsed;
        Assert.Equal(envelopes.Count, stored.Count);
        Assert.Equal(TownletTracingTests.CanonicalEventTypes(), TownletTracingTests.CanonicalEventTypes().Where(t => envelopes.Any(e => e.GetProperty("type").GetString() == t)));

        Dictionary<string, StoredLog> byId = stored.ToDictionary(l => l.Attribute("herald.event.id")!);
        foreach (JsonElement envelope in envelopes)
        {
            StoredLog log = byId[envelope.GetProperty("id").GetString()!];
            JsonElement meta = envelope.GetProperty("meta");
            Assert.Equal(envelope.GetProperty("type").GetString(), log.EventName);
            Assert.Equal(TimeUnixNano(envelope.GetProperty("timestamp")) / 100 * 100, log.TimeUnixNano);
            Assert.Equal((meta.GetProperty("trace_id").GetString(), meta.GetProperty("span_id").GetString()), (log.TraceId, log.SpanId));
            Assert.NotNull(log.TraceId);
            Assert.Equal(envelope.GetProperty("source").GetString(), log.Attribute("herald.event.source"));
            Assert.Equal(meta.GetProperty("version").GetString(), log.Attribute("herald.event.version"));
            foreach (JsonProperty field in envelope.GetProperty("payload").EnumerateObject())
            {
                string? value = log.Attribute(field.Name);
                Assert.True(value is not null, $"{log.EventName}: {field.Name} missing in {log}");
                Assert.True(SameValue(field.Value, value), $"{log.EventName}.{field.Name}: sent {field.Value.GetRawText()}, stored {value}");
            }
            Assert.Equal(envelope.GetProperty("payload").EnumerateObject().Count() + 3, log.Attributes.Length);
        }
        Assert.True(elapsed < TimeSpan.FromSeconds(120), $"{envelopes.Count} events through the sample and back in {elapsed.TotalSeconds:0.0} s");
    }
#endif

    [Fact]
    public async Task A_receiver_restarted_mid_run_gets_every_event_sent_while_it_was_down_once_and_nothing_is_dropped()
    {
        await using AspireDashboard own = await AspireDashboard.StartAsync();
        // Herald sends through a proxy that is closed from the kill until the new dashboard is ready: a dashboard still
        // starting may refuse a request in a way OTLP calls permanent, and that would be the dashboard's startup under test.
        await using var proxy = new GatedProxy(own.OtlpUrl.Port);
        string service = SharedDashboard.UniqueService("restart");
        TelemetryOptions options = HeraldOtlp(own, service, "protobuf", Path.Combine(_dir, "events.jsonl")) with
        {
            Transports = [new TransportOptions { Type = "otlp", Endpoint = proxy.Url.ToString(), Worker = new WorkerOptions { Backpressure = BackpressureMode.Block } }],
        };
        await using TelemetryPublisher publisher = TelemetryPublisher.Create(options);
        static IEnumerable<string> Ticks(IEnumerable<StoredLog> logs) => logs.Select(l => l.Attribute("tick")!).Order(StringComparer.Ordinal);
        static IEnumerable<string> Expected(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal);

        for (int tick = 1; tick <= 50; tick++) publisher.Emit(new LoopTick { Tick = tick, DurationMs = 0.5, AgentCount = 1, EventsEmitted = 1 });
        await publisher.FlushAsync();
        Assert.Equal(Expected(1, 50), Ticks(await own.WaitForLogsAsync(50, resource: service)));

        proxy.Close();
        own.Kill();
        for (int tick = 51; tick <= 100; tick++) publisher.Emit(new LoopTick { Tick = tick, DurationMs = 0.5, AgentCount = 1, EventsEmitted = 1 });
        Task flushing = publisher.FlushAsync();
        var clock = Stopwatch.StartNew();
        while (publisher.TransportStatus.SendFailuresTotal == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the transport never tried the stopped receiver");
            await Task.Delay(20);
        }
        await own.RestartAsync(); // returns once the new dashboard answers
        proxy.Open();
        await flushing.WaitAsync(TimeSpan.FromSeconds(60));
        TransportStatus settled = publisher.TransportStatus;
        Assert.True(settled.DroppedMessages == 0, $"dropped {settled.DroppedMessages}; last error: {settled.WorkerError}");

        IReadOnlyList<StoredLog> after = await own.WaitForLogsAsync(50, resource: service);
        Assert.Equal(Expected(51, 100), Ticks(after)); // each once; the first 50 were acknowledged before the restart
        TransportStatus status = publisher.TransportStatus;
        Assert.Equal((100L, 100L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages));
        Assert.True(status.SendFailuresTotal > 0);
    }

    /// <summary>Envelope seconds with millisecond decimals (<c>1703001234.567</c>) as exact nanoseconds.</summary>
    private static ulong TimeUnixNano(JsonElement timestamp)
    {
        string text = timestamp.GetRawText();
        string[] parts = text.Split('.');
        ulong seconds = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
        string fraction = parts.Length > 1 ? parts[1].PadRight(9, '0')[..9] : "0";
        return seconds * 1_000_000_000UL + ulong.Parse(fraction, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A payload value against the dashboard's string for it: strings as they are, numbers by value, booleans as
    /// <c>true</c>/<c>false</c>, null as empty, objects and arrays as JSON text compared member by member.
    /// </summary>
    private static bool SameValue(JsonElement sent, string stored) => sent.ValueKind switch
    {
        JsonValueKind.String => sent.GetString() == stored,
        JsonValueKind.Null => stored.Length == 0,
        _ => SameJson(sent, TryParse(stored)),
    };

    private static JsonElement? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool SameJson(JsonElement a, JsonElement? maybe)
    {
        if (maybe is not { } b) return false;
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number) return a.GetDouble() == b.GetDouble();
        if (a.ValueKind != b.ValueKind) return false;
        return a.ValueKind switch
        {
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out JsonElement q) && SameJson(p.Value, q)),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => SameJson(p.First, p.Second)),
            JsonValueKind.String => a.GetString() == b.GetString(),
            _ => a.GetRawText() == b.GetRawText(),
        };
    }
}
