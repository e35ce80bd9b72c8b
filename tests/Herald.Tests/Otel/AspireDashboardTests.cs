using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace Herald.Tests.Otel;

/// <summary>
/// The receiver itself: what the Aspire dashboard stores of an OTLP/JSON record and how it reads back, its limits,
/// and a restart on the same ports. These pin the facts the OTLP tests rely on, so a different dashboard build that
/// changes them fails here first.
/// </summary>
[Collection(nameof(DashboardCollection))]
public sealed class AspireDashboardTests(SharedDashboard shared)
{
    private AspireDashboard Dashboard => shared.Dashboard;

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>An OTLP/JSON export request: one resource (service.name plus <paramref name="resource"/>), one scope.</summary>
    private static string ExportRequest(string service, IEnumerable<object> records, IEnumerable<object>? resource = null, string scope = "Herald", string? scopeVersion = "0.1.0") => Json(new
    {
        resourceLogs = new[]
        {
            new
            {
                resource = new { attributes = new[] { (object)new { key = "service.name", value = new { stringValue = service } } }.Concat(resource ?? []).ToArray() },
                scopeLogs = new[] { new { scope = scopeVersion is null ? (object)new { name = scope } : new { name = scope, version = scopeVersion }, logRecords = records.ToArray() } },
            },
        },
    });

    private async Task<HttpResponseMessage> PostAsync(string json, bool gzip = false)
    {
        using var http = new HttpClient();
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var z = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(bytes);
            bytes = compressed.ToArray();
        }
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        return await http.PostAsync(Dashboard.LogsEndpoint, content);
    }

    private static object Attribute(string key, object value) => new { key, value };

    [Fact]
    public async Task A_record_reads_back_with_its_event_name_times_ids_and_every_attribute_as_a_string()
    {
        string service = SharedDashboard.UniqueService("fields");
        object record = new
        {
            timeUnixNano = "1703001234567891234",
            observedTimeUnixNano = "1703001234600000000",
            severityNumber = 9,
            severityText = "INFO",
            eventName = "loop.tick",
            body = new { stringValue = "{\"tick\":42}" },
            attributes = new[]
            {
                Attribute("tick", new { intValue = "42" }),
                Attribute("duration_ms", new { doubleValue = 1.5 }),
                Attribute("ok", new { boolValue = true }),
                Attribute("source", new { stringValue = "simulation_loop" }),
                Attribute("tags", new { arrayValue = new { values = new object[] { new { intValue = "1" }, new { stringValue = "b" } } } }),
                Attribute("transport", new { kvlistValue = new { values = new[] { Attribute("queue_length", new { intValue = "0" }) } } }),
                Attribute("target", new { }),
            },
            traceId = "0AF7651916CD43DD8448EB211C80319C", // hex in either case; stored as bytes
            spanId = "b7ad6b7169203331",
            flags = 1,
        };
        string scope = "Herald.Scope." + service; // the dashboard keeps one version per scope name: the first it saw
        using HttpResponseMessage response = await PostAsync(ExportRequest(service, [record], [Attribute("service.instance.id", new { stringValue = "i-1" }), Attribute("run", new { intValue = "7" })], scope));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        StoredLog log = Assert.Single(await Dashboard.WaitForLogsAsync(1, resource: service + "-i-1"));
        Assert.Equal("loop.tick", log.EventName);
        Assert.Equal("{\"tick\":42}", log.Body);
        Assert.Equal((9, "Information"), (log.SeverityNumber, log.SeverityText)); // the dashboard's name for 9, not "INFO"
        Assert.Equal(1703001234567891200UL, log.TimeUnixNano); // 100 ns resolution
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1703001234).AddTicks(5678912), log.Time);
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", (int?)1), (log.TraceId, log.SpanId, log.Flags));
        Assert.Equal(
            [("tick", "42"), ("duration_ms", "1.5"), ("ok", "true"), ("source", "simulation_loop"), ("tags", "[1,\"b\"]"), ("transport", "{\"queue_length\":0}"), ("target", "")],
            log.Attributes.Select(a => (a.Key, a.Value)));
        Assert.True(log.LogId > 0);
        Assert.Equal([("service.name", service), ("service.instance.id", "i-1"), ("run", "7")], log.Resource.Select(a => (a.Key, a.Value)));
        Assert.Equal((scope, "0.1.0"), (log.ScopeName, log.ScopeVersion));
    }

    [Fact]
    public async Task A_record_without_time_name_severity_or_ids_reads_back_with_its_observed_time_and_nothing_else()
    {
        string service = SharedDashboard.UniqueService("bare");
        using HttpResponseMessage response = await PostAsync(ExportRequest(service, [new { observedTimeUnixNano = "1703001234800000000", body = new { stringValue = "plain" } }]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        StoredLog log = Assert.Single(await Dashboard.WaitForLogsAsync(1, resource: service));
        Assert.Equal((null, "plain", 0, "None", 1703001234800000000UL), (log.EventName, log.Body, log.SeverityNumber, log.SeverityText, log.TimeUnixNano));
        Assert.Equal((null, null, (int?)null), (log.TraceId, log.SpanId, log.Flags));
        Assert.Empty(log.Attributes);
        Assert.Equal([("service.name", service), ("service.instance.id", "")], log.Resource.Select(a => (a.Key, a.Value))); // added, without a value
    }

    [Fact]
    public async Task A_gzip_body_is_refused()
    {
        string service = SharedDashboard.UniqueService("gzip");
        string request = ExportRequest(service, [new { timeUnixNano = "1703001234000000000", body = new { stringValue = "zipped" } }]);

        using HttpResponseMessage zipped = await PostAsync(request, gzip: true);
        Assert.Equal(HttpStatusCode.BadRequest, zipped.StatusCode);
        using HttpResponseMessage plain = await PostAsync(request);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("zipped", Assert.Single(await Dashboard.WaitForLogsAsync(1, resource: service)).Body);
    }

    [Fact]
    public async Task More_records_than_the_dashboard_default_keeps_all_come_back_and_a_limit_returns_the_newest_by_time()
    {
        const int Count = 12_000; // the dashboard keeps 10,000 unless told otherwise
        string service = SharedDashboard.UniqueService("many");
        var clock = Stopwatch.StartNew();
        // Sent newest first within each request: the read-back orders by time, not by arrival.
        for (int batch = 0; batch < Count / 1_000; batch++)
        {
            IEnumerable<object> records = Enumerable.Range(batch * 1_000, 1_000).Reverse().Select(i => (object)new
            {
                timeUnixNano = (1703001234000000000UL + (ulong)i * 1_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                eventName = "loop.tick",
                body = new { stringValue = "x" },
                attributes = new[] { Attribute("i", new { intValue = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }) },
            });
            using HttpResponseMessage response = await PostAsync(ExportRequest(service, records));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        TimeSpan sending = clock.Elapsed;

        IReadOnlyList<StoredLog> all = await Dashboard.WaitForLogsAsync(Count, resource: service);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), all.Select(l => l.Attribute("i")));
        StoredLogs newest = await Dashboard.ReadLogsAsync(limit: 3, resource: service);
        Assert.Equal((Count, 3), (newest.TotalCount, newest.ReturnedCount));
        Assert.Equal(["11997", "11998", "11999"], newest.Logs.Select(l => l.Attribute("i")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{Count} records: sent in {sending.TotalSeconds:0.0} s, read back in {(clock.Elapsed - sending).TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_restart_on_the_same_ports_starts_empty_and_takes_records_again()
    {
        await using AspireDashboard own = await AspireDashboard.StartAsync();
        Assert.True(own.StartupTime < TimeSpan.FromSeconds(30), $"started in {own.StartupTime.TotalSeconds:0.0} s");
        string service = SharedDashboard.UniqueService("restart");
        using var http = new HttpClient();
        async Task SendAsync(string body)
        {
            using var content = new StringContent(ExportRequest(service, [new { timeUnixNano = "1703001234000000000", body = new { stringValue = body } }]), Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await http.PostAsync(own.LogsEndpoint, content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await SendAsync("before");
        Assert.Equal("before", Assert.Single(await own.WaitForLogsAsync(1, resource: service)).Body);
        Uri endpoint = own.LogsEndpoint;

        own.Kill();
        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync("while down")); // connection refused
        await own.RestartAsync();

        Assert.Equal(endpoint, own.LogsEndpoint);
        Assert.Equal(0, (await own.ReadLogsAsync()).TotalCount);
        await SendAsync("after");
        Assert.Equal("after", Assert.Single(await own.WaitForLogsAsync(1, resource: service)).Body);
        Assert.Contains("--- restarted ---", own.Output);
        Assert.Contains("OTLP/HTTP listening on: " + own.OtlpUrl.ToString().TrimEnd('/'), own.Output);
    }

    [Fact]
    public async Task A_failure_message_carries_the_dashboard_output()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Dashboard.WaitForLogsAsync(1, resource: SharedDashboard.UniqueService("nothing"), timeout: TimeSpan.FromMilliseconds(200)));
        Assert.Contains("waited 0 s for 1 log records", ex.Message);
        Assert.Contains("Aspire dashboard version: 13.6.5", ex.Message);
    }
}
