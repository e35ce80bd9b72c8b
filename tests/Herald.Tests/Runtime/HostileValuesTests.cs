using System.Text;
using System.Text.Json;
using Herald.Tests.Schemas;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>
/// Strict writing, end to end: hostile values of every event type (NaN, ±Infinity, -0.0, double.Epsilon, MaxValue, lone
/// surrogates, control characters, U+2028, <c>&lt;/script&gt;</c>, very long strings) go through the real publisher; every
/// line must be strict JSON whose payload fits its schema file's declared types, and every event must be either such a
/// line or a counted rejection whose reason names the event type and path.
/// </summary>
public sealed class HostileValuesTests
{
    private const int PerType = 150;

    private sealed class Publish : EventTypes.ICheck
    {
        public readonly SchemaTypeChecker Schemas = SchemaTypeChecker.ForRepository();
        public readonly EventRegistry Registry = EventRegistry.Combine(Events.HeraldEvents.Registry, HeraldEvents.Registry);
        public int Lines, Rejected;

        public void Run<TEvent>() where TEvent : IEvent<TEvent> => RunAsync<TEvent>().GetAwaiter().GetResult();

        private async Task RunAsync<TEvent>() where TEvent : IEvent<TEvent>
        {
            var transport = new RecordingTransport();
            int expectRejected = 0;
            string? lastReason = null;
            TransportStatus status;
            TelemetryOptions options = Options(BackpressureMode.Block, maxBufferBytes: 64 << 20, blockTimeout: 30);
            await using (var publisher = TelemetryPublisher.Create(options, transport))
            {
                for (int seed = 0; seed < PerType; seed++)
                {
                    TEvent value = new RandomValues(seed, populated: seed % 2 == 0, nonFinite: true).Create<TEvent>();
                    if (TEvent.NonFiniteNumber(in value) is { } reason)
                    {
                        expectRejected++;
                        lastReason = $"{TEvent.EventType}: {reason}";
                    }
                    publisher.Emit(value);
                }
                await publisher.FlushAsync();
                status = publisher.TransportStatus;
                Assert.Equal(lastReason, status.LastRejection);
            }
            status = status with { };
            Assert.Equal(PerType, status.EventsEmitted);
            Assert.Equal(expectRejected, status.RejectedMessages);
            Assert.Equal(expectRejected, status.DroppedMessages);
            Assert.Equal(PerType - expectRejected, status.PayloadsFlushedTotal);
            Assert.Equal(PerType - expectRejected, transport.Lines.Count);
            if (lastReason is not null) Assert.Matches(@"^[a-z_.]+: \$[^ ]* is (NaN|Infinity|-Infinity)$", lastReason);

            foreach (string line in transport.Lines) CheckLine(line, TEvent.EventType);
            Interlocked.Add(ref Lines, transport.Lines.Count);
            Interlocked.Add(ref Rejected, expectRejected);
        }

        private void CheckLine(string line, string eventType)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(line);
            Assert.True(System.Text.Unicode.Utf8.IsValid(utf8));
            // Every token, every string decoded: GetString throws on invalid UTF-8 or a lone surrogate escape.
            var reader = new Utf8JsonReader(utf8);
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName) reader.GetString();
                if (reader.TokenType == JsonTokenType.Number) Assert.True(double.IsFinite(reader.GetDouble()));
            }
            using JsonDocument doc = JsonDocument.Parse(utf8);
            Assert.Equal(eventType, doc.RootElement.GetProperty("type").GetString());
            JsonElement payload = doc.RootElement.GetProperty("payload");
            if (Schemas.Check(eventType, payload) is { } mismatch) Assert.Fail($"{mismatch}\n{line}");
            Assert.True(Registry.TryGet(eventType, out EventDescriptor descriptor));
            descriptor.ReadBoxed(Encoding.UTF8.GetBytes(payload.GetRawText()));
        }
    }

    [Fact]
    public void Every_event_is_a_strict_schema_valid_line_or_a_counted_rejection()
    {
        var publish = new Publish();
        EventTypes.ForEach(publish);
        Assert.Equal(17 * PerType, publish.Lines + publish.Rejected);
        Assert.True(publish.Rejected > 0, "no hostile number reached a required field");
        Assert.True(publish.Lines > publish.Rejected, "too few events were written to prove anything");
    }
}
