using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>Transforms: redaction (before every consumer), ensure_fields, schema_validator and snapshot_normalizer.</summary>
public sealed class TransformTests
{
    private static TelemetryOptions WithTransforms(bool schemaRedaction = true, params TransformOptions[] pipeline) => Options() with
    {
        Events = HeraldEvents.Registry,
        Transforms = new TransformsOptions { Pipeline = pipeline.ToImmutableArray(), SchemaRedaction = schemaRedaction },
    };

    private static ConsoleResult Command(string? cmdId = "c1") => new()
    {
        Tick = 7,
        CmdId = cmdId,
        Command = "grant gold to alice",
        Status = ConsoleResultStatus.Ok,
        Issuer = "alice@example.com",
        DurationMs = 1.5,
        Result = JsonDocument.Parse("""{"token":"s3cr3t"}""").RootElement,
    };

    [Fact]
    public async Task Redaction_happens_before_subscribers_listeners_and_the_transport()
    {
        var transport = new RecordingTransport();
        var seen = new List<ConsoleResult>();
        var heard = new List<string>();
        var redact = new RedactFieldsTransform(ImmutableArray.Create("command", "result")) { Kinds = ImmutableArray.Create(ConsoleResult.EventType) };
        await using (var publisher = TelemetryPublisher.Create(WithTransforms(true, redact), transport))
        {
            publisher.Subscribe<ConsoleResult>(e => { lock (seen) seen.Add(e); });
            publisher.AddListener((batch, _) =>
            {
                lock (heard) heard.Add(Encoding.UTF8.GetString(batch.Span));
                return ValueTask.CompletedTask;
            });
            publisher.Emit(Command());
            await publisher.FlushAsync();
            await Eventually(() => { lock (seen) lock (heard) return seen.Count == 1 && heard.Count == 1; }, "subscriber and listener");

            // Latest is the caller's own value, in process; it is not sent anywhere.
            Assert.Equal("alice@example.com", publisher.Latest<ConsoleResult>()!.Issuer);
        }

        string line = Assert.Single(transport.Lines);
        foreach (string everything in new[] { line, heard[0] })
        {
            Assert.DoesNotContain("alice", everything);
            Assert.DoesNotContain("s3cr3t", everything);
        }
        JsonElement payload = JsonDocument.Parse(line).RootElement.GetProperty("payload");
        Assert.Equal("[REDACTED]", payload.GetProperty("issuer").GetString());   // x-redact in the schema
        Assert.Equal("[REDACTED]", payload.GetProperty("command").GetString());  // config
        Assert.Equal("[REDACTED]", payload.GetProperty("result").GetString());   // config, free-form field
        Assert.Equal("c1", payload.GetProperty("cmd_id").GetString());          // not named: untouched
        Assert.Equal("[REDACTED]", seen[0].Issuer);
        Assert.Equal("[REDACTED]", seen[0].Command);
    }

    [Fact]
    public async Task Schema_redaction_can_be_turned_off()
    {
        var transport = new RecordingTransport();
        await using (var publisher = TelemetryPublisher.Create(WithTransforms(schemaRedaction: false), transport))
        {
            publisher.Emit(Command());
            await publisher.FlushAsync();
        }
        Assert.Contains("\"issuer\":\"alice@example.com\"", Assert.Single(transport.Lines));
    }

    [Fact]
    public async Task Ensure_fields_rejects_and_counts_events_missing_a_field()
    {
        var transport = new RecordingTransport();
        var ensure = new EnsureFieldsTransform(ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add(ConsoleResult.EventType, ImmutableArray.Create("cmd_id")));
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(WithTransforms(true, ensure), transport))
        {
            publisher.Emit(Command("c1"));
            publisher.Emit(Command(cmdId: null));
            publisher.Emit(Tick(1)); // another kind: not checked
            await publisher.FlushAsync();
            Assert.Equal("c1", publisher.Latest<ConsoleResult>()!.CmdId); // a rejected event does not become the latest
            status = publisher.TransportStatus;
        }
        Assert.Equal(3, status.EventsEmitted);
        Assert.Equal(1, status.RejectedMessages);
        Assert.Equal(1, status.DroppedMessages);
        Assert.Equal(2, status.PayloadsFlushedTotal);
        Assert.Equal("console.result: ensure_fields: 'cmd_id' is missing", status.LastRejection);
        Assert.Equal(2, transport.Lines.Count);
    }

    [Fact]
    public async Task Schema_validator_rejects_events_that_break_their_constraints()
    {
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(WithTransforms(true, new SchemaValidatorTransform()), transport))
        {
            publisher.Emit(new AppMetric { Name = "fps", Value = 60, Unit = "count" });
            publisher.Emit(new AppMetric { Name = "", Value = 1, Unit = "count" }); // minLength 1
            await publisher.FlushAsync();
            status = publisher.TransportStatus;
        }
        Assert.Equal(1, status.RejectedMessages);
        Assert.StartsWith("app.metric: schema_validator: $.name:", status.LastRejection);
        Assert.Contains("\"name\":\"fps\"", Assert.Single(transport.Lines));
    }

    [Fact]
    public async Task Snapshot_normalizer_sorts_map_and_free_form_keys()
    {
        string[] keys = Enumerable.Range(0, 24).Select(i => "k" + (char)('a' + (i * 7 % 24))).ToArray();
        var tags = keys.ToImmutableDictionary(k => k, k => k.ToUpperInvariant());
        string details = "{" + string.Join(",", Enumerable.Reverse(keys).Select(k => $"\"{k}\":{{\"z\":1,\"a\":[{{\"y\":2,\"b\":3}}]}}")) + "}";

        async Task<string[]> Emit(bool normalize)
        {
            var transport = new RecordingTransport();
            TransformOptions[] pipeline = normalize ? new TransformOptions[] { new SnapshotNormalizerTransform() } : Array.Empty<TransformOptions>();
            await using (var publisher = TelemetryPublisher.Create(WithTransforms(true, pipeline), transport))
            {
                publisher.Emit(new AppMetric { Name = "m", Value = 1, Unit = "count", Tags = tags });
                publisher.Emit(new AppEvent { Source = "s", Message = "m", Details = JsonDocument.Parse(details).RootElement });
                await publisher.FlushAsync();
            }
            return transport.Lines.ToArray();
        }

        string[] normalized = await Emit(normalize: true);
        string[] plain = await Emit(normalize: false);

        string[] sorted = keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(sorted, Names(normalized[0], "tags"));
        Assert.Equal(sorted, Names(normalized[1], "details"));
        Assert.Contains("{\"a\":[{\"b\":3,\"y\":2}],\"z\":1}", normalized[1]);
        Assert.Equal(Enumerable.Reverse(keys), Names(plain[1], "details")); // without the normalizer free-form JSON is written as given
        // Same content either way.
        Assert.Equal(JsonDocument.Parse(plain[0]).RootElement.GetProperty("payload").GetProperty("tags").EnumerateObject().Count(), sorted.Length);

        static string[] Names(string line, string field)
            => JsonDocument.Parse(line).RootElement.GetProperty("payload").GetProperty(field).EnumerateObject().Select(p => p.Name).ToArray();
    }
}
