using System.Text.Json;
using Herald.Tests.Faults;
using Herald.Tests.Runtime;
using Herald.Transports;
using Xunit.Abstractions;

namespace Herald.Tests.Pipeline;

/// <summary>
/// Emit order per transport (docs/runtime.md, "Order"): whatever the backpressure mode, the buffer size, the number of
/// producer threads and the kind of event — a copied <c>loop.tick</c>, a serialized <c>loop.failure</c>, an
/// <c>app.event</c> too long for the emit queue and for a chunk — each producer's events reach every transport in the
/// order it emitted them, and the ledger balances exactly. "Stalled": the transport sits in its first sends for 200 ms,
/// so producers find the emit queue full and write entries themselves, where backpressure applies (eviction in
/// <c>drop_oldest</c>, a wait in <c>block</c>, the producer's own send in <c>fan_out</c>).
/// </summary>
public sealed class EmitOrderTests(ITestOutputHelper output)
{
    /// <summary>The smallest <c>max_buffer_bytes</c> the validator accepts: 8 KiB, two 4 KiB chunks and a 256-entry emit queue.</summary>
    private const int TinyBuffer = 8 * 1024;

    /// <summary>The default <c>max_buffer_bytes</c>: 16 MiB of 64 KiB chunks and a 16,384-entry emit queue.</summary>
    private const int DefaultBuffer = 16 << 20;

    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(200);

    public static TheoryData<BackpressureMode, int, int, bool> Cases()
    {
        var cases = new TheoryData<BackpressureMode, int, int, bool>();
        foreach (BackpressureMode mode in new[] { BackpressureMode.DropOldest, BackpressureMode.Block, BackpressureMode.FanOut })
        foreach (int buffer in new[] { TinyBuffer, DefaultBuffer })
        foreach (int producers in new[] { 1, 3 })
        foreach (bool stalled in new[] { false, true })
            cases.Add(mode, buffer, producers, stalled);
        return cases;
    }

    /// <summary>
    /// The oversized event: with the 8 KiB buffer ~6 KB (more than half the 8 KiB line ring, so it skips the emit queue,
    /// and more than a 4 KiB chunk); with the default buffer ~300 KB (more than half the 512 KiB line ring, and more than
    /// a 64 KiB chunk). Both stay below the buffer itself, so no configuration may refuse them.
    /// </summary>
    private static (string Padding, int Every, int Events) Shape(int buffer) => buffer == TinyBuffer
        ? (new string('x', 6_000), 997, 12_000)
        : (new string('x', 300_000), 4_999, 90_000);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_producers_events_reach_the_transport_in_emit_order_and_the_ledger_balances(BackpressureMode mode, int maxBufferBytes, int producers, bool stalled)
    {
        var (padding, every, events) = Shape(maxBufferBytes);
        int perProducer = events / producers;
        var transport = new RecordingTransport { StallUntil = stalled ? Task.Delay(Stall) : null };
        TelemetryOptions options = PublisherTestKit.Options(mode, maxBufferBytes, maxBatch: 512, pollSeconds: 0.02, blockTimeout: 30);

        var publisher = TelemetryPublisher.Create(options, transport);
        TransportStatus final;
        try
        {
            ProducerTags.RunProducers(producers, perProducer, (p, s) => ProducerTags.EmitMixed(publisher, p, s, padding, every));
            FaultKit.AssertLedger(publisher.TransportStatus);
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the flush did not finish in 30 s");
        }
        finally
        {
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }

        output.WriteLine($"emitted {final.EventsEmitted}, flushed {final.PayloadsFlushedTotal}, dropped {final.DroppedMessages}, queue peak {final.QueueLengthPeak}");
        List<JsonElement> received = ProducerTags.Envelopes(transport.Lines);
        ProducerTags.AssertEmitOrder(received, $"{mode}, {maxBufferBytes} B buffer, {producers} producer(s){(stalled ? ", stalled" : "")}");
        PublisherTestKit.AssertSettled(final, (long)perProducer * producers);
        Assert.Equal(final.PayloadsFlushedTotal, received.Count); // counted as flushed = delivered, no more and no less
        Assert.Equal(0, final.WorkerRestartCount);                // the recording transport asserts on each batch; a failed assert is a crash
        if (stalled && mode == BackpressureMode.DropOldest && maxBufferBytes == TinyBuffer)
            Assert.True(final.DroppedMessages > 0, "the stall never made a producer evict: the case did not test what it says");
    }

    /// <summary>
    /// <c>block</c> loses nothing unless <c>block_timeout_seconds</c> passes (docs/runtime.md, "Backpressure"): with a 30 s
    /// timeout and the default buffer, the same mixed stream as above — oversized events among the ticks and failures —
    /// arrives whole, from three producers into a transport that keeps up, and from one producer into a transport that
    /// takes 2 ms per send (so the buffer fills and producers wait for room, many times).
    /// </summary>
    [Theory]
    [InlineData(3, 0)]
    [InlineData(1, 2)]
    public async Task Block_mode_drops_nothing_while_the_block_timeout_is_not_reached(int producers, int millisecondsPerSend)
    {
        var (padding, every, events) = Shape(DefaultBuffer);
        var transport = new RecordingTransport { Delay = TimeSpan.FromMilliseconds(millisecondsPerSend) };
        TelemetryOptions options = PublisherTestKit.Options(BackpressureMode.Block, DefaultBuffer, maxBatch: 512, pollSeconds: 0.02, blockTimeout: 30);
        TransportStatus final;
        await using (var publisher = TelemetryPublisher.Create(options, transport))
        {
            ProducerTags.RunProducers(producers, events / producers, (p, s) => ProducerTags.EmitMixed(publisher, p, s, padding, every));
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the flush did not finish in 30 s");
            final = publisher.TransportStatus;
        }
        Assert.Equal(events / producers * producers, final.EventsEmitted);
        Assert.True(final.DroppedMessages == 0, $"{final.DroppedMessages} of {final.EventsEmitted} dropped in block mode with a 30 s timeout, " +
            $"{producers} producer(s), {(millisecondsPerSend == 0 ? "the transport keeping up" : $"{millisecondsPerSend} ms per send")}");
        Assert.Equal(final.EventsEmitted, transport.Lines.Count);
    }

    /// <summary>
    /// Two transports fed from one buffer — a real file and a transport stalled for 200 ms — with three producers and
    /// the 8 KiB buffer: the stalled lane falls behind and backpressure applies to it, and each transport still
    /// receives each producer's events in emit order, with its own ledger exact.
    /// </summary>
    [Theory]
    [InlineData(BackpressureMode.DropOldest)]
    [InlineData(BackpressureMode.Block)]
    [InlineData(BackpressureMode.FanOut)]
    public async Task A_file_beside_a_stalled_transport_keeps_emit_order_in_both(BackpressureMode mode)
    {
        using var dir = new FaultKit.TempDir("order");
        string file = dir.File("events.jsonl");
        var (padding, every, events) = Shape(TinyBuffer);
        const int Producers = 3;
        var stalledTransport = new RecordingTransport { StallUntil = Task.Delay(Stall), Provider = "stalled" };
        TelemetryOptions options = PublisherTestKit.Options(mode, TinyBuffer, maxBatch: 512, pollSeconds: 0.02, blockTimeout: 30);

        var publisher = TelemetryPublisher.Create(options, new ITransport[] { new FileTransport(file), stalledTransport });
        TransportStatus final;
        try
        {
            ProducerTags.RunProducers(Producers, events / Producers, (p, s) => ProducerTags.EmitMixed(publisher, p, s, padding, every));
            foreach (TransportStatus lane in publisher.TransportStatus.Transports) FaultKit.AssertLedger(lane);
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the flush did not finish in 30 s");
        }
        finally
        {
            await publisher.DisposeAsync();
            final = publisher.TransportStatus;
        }

        List<JsonElement> written = FaultKit.WholeLines(await File.ReadAllBytesAsync(file), "the file");
        List<JsonElement> stalledReceived = ProducerTags.Envelopes(stalledTransport.Lines);
        ProducerTags.AssertEmitOrder(written, $"{mode}: the file");
        ProducerTags.AssertEmitOrder(stalledReceived, $"{mode}: the stalled transport");
        Assert.Equal(2, final.Transports.Count);
        foreach (TransportStatus lane in final.Transports) PublisherTestKit.AssertSettled(lane, events / Producers * Producers);
        Assert.Equal(final.Transports[0].PayloadsFlushedTotal, written.Count);
        Assert.Equal(final.Transports[1].PayloadsFlushedTotal, stalledReceived.Count);
        Assert.Equal(0, final.WorkerRestartCount);
    }
}
