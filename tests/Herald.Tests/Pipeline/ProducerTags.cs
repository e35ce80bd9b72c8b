using System.Text;
using System.Text.Json;
using Herald.Events;

namespace Herald.Tests.Pipeline;

/// <summary>
/// Events that carry who emitted them and in what order: producer <c>p</c>'s <c>s</c>-th event, whatever its kind.
/// <list type="bullet">
/// <item><c>loop.tick</c> (an <c>x-struct</c> of numbers: copied on emit): <c>tick</c> = s, <c>agent_count</c> = p.</item>
/// <item><c>loop.failure</c> (a class: serialized on emit): <c>tick</c> = s, <c>failure_count</c> = p + 1 (the schema's minimum is 1).</item>
/// <item><c>app.event</c> (a class, sized to be oversized): <c>source</c> = <c>producer-p</c>, <c>message</c> = <c>s</c>, a space, padding.</item>
/// </list>
/// </summary>
internal static class ProducerTags
{
    private static readonly LoopFailure FailureTemplate = LoopFailure.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.ValidFailure()));

    public static LoopTick Tick(int producer, long sequence) => new() { Tick = sequence, DurationMs = 16.25, AgentCount = producer, EventsEmitted = 3 };

    public static LoopFailure Failure(int producer, long sequence) => FailureTemplate with { Tick = sequence, FailureCount = producer + 1 };

    public static AppEvent Large(int producer, long sequence, string padding) => new() { Source = "producer-" + producer, Message = sequence + " " + padding };

    /// <summary>
    /// Emits producer <paramref name="producer"/>'s event number <paramref name="sequence"/>: mostly loop.tick, every
    /// tenth a loop.failure, and every <paramref name="oversizedEvery"/>-th an app.event carrying <paramref name="padding"/>.
    /// </summary>
    public static void EmitMixed(TelemetryPublisher publisher, int producer, long sequence, string padding, int oversizedEvery)
    {
        if (sequence % oversizedEvery == oversizedEvery / 2) publisher.Emit(Large(producer, sequence, padding));
        else if (sequence % 10 == 3) publisher.Emit(Failure(producer, sequence));
        else publisher.Emit(Tick(producer, sequence));
    }

    /// <summary>Which producer emitted <paramref name="envelope"/>, and its sequence number.</summary>
    public static (int Producer, long Sequence) Read(JsonElement envelope)
    {
        JsonElement payload = envelope.GetProperty("payload");
        return envelope.GetProperty("type").GetString() switch
        {
            LoopTick.EventType => (payload.GetProperty("agent_count").GetInt32(), payload.GetProperty("tick").GetInt64()),
            LoopFailure.EventType => (payload.GetProperty("failure_count").GetInt32() - 1, payload.GetProperty("tick").GetInt64()),
            AppEvent.EventType => (int.Parse(payload.GetProperty("source").GetString()!["producer-".Length..], System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(payload.GetProperty("message").GetString()!.Split(' ', 2)[0], System.Globalization.CultureInfo.InvariantCulture)),
            var other => throw new Xunit.Sdk.XunitException("an event no producer emitted: " + other),
        };
    }

    /// <summary>Parses every line (each must be one whole envelope).</summary>
    public static List<JsonElement> Envelopes(IEnumerable<string> lines)
    {
        var envelopes = new List<JsonElement>();
        foreach (string line in lines)
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            envelopes.Add(doc.RootElement.Clone());
        }
        return envelopes;
    }

    /// <summary>
    /// Asserts that, within what one transport received, each producer's sequence numbers strictly increase (in emit
    /// order, no event twice). Names the first place where one does not, with the kinds of the two events.
    /// </summary>
    public static void AssertEmitOrder(IReadOnlyList<JsonElement> received, string transport)
    {
        var last = new Dictionary<int, (long Sequence, int Line, string Type)>();
        for (int i = 0; i < received.Count; i++)
        {
            var (producer, sequence) = Read(received[i]);
            string type = received[i].GetProperty("type").GetString()!;
            if (last.TryGetValue(producer, out var before) && sequence <= before.Sequence)
            {
                Assert.Fail($"{transport}: producer {producer}'s event {sequence} ({type}, line {i + 1}) arrived after its event " +
                    $"{before.Sequence} ({before.Type}, line {before.Line + 1}); {received.Count} lines received");
            }
            last[producer] = (sequence, i, type);
        }
    }

    /// <summary>
    /// Starts <paramref name="producers"/> threads at once, each emitting <paramref name="perProducer"/> events through
    /// <paramref name="emit"/>(producer, sequence), and waits for them all.
    /// </summary>
    public static void RunProducers(int producers, int perProducer, Action<int, long> emit)
    {
        using var start = new Barrier(producers);
        var failures = new Exception?[producers];
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (long s = 0; s < perProducer; s++) emit(p, s);
            }
            catch (Exception ex)
            {
                failures[p] = ex;
            }
        }) { IsBackground = true, Name = "producer " + p }).ToList();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "a producer thread did not finish in 60 s");
        foreach (Exception? failure in failures)
        {
            if (failure is not null) throw new Xunit.Sdk.XunitException("Emit threw: " + failure);
        }
    }
}
