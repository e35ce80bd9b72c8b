using System.Text.Json;
using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>Several producer threads: each emits through a shard of its own; ids stay unique and the newest value wins.</summary>
public sealed class ProducerShardTests
{
    [Fact]
    public async Task Envelope_ids_are_unique_across_producer_threads()
    {
        var transport = new RecordingTransport();
        const int Threads = 4, PerThread = 20_000;
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, blockTimeout: 30), transport))
        {
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                for (int i = 0; i < PerThread; i++) publisher.Emit(Tick(i) with { AgentCount = t });
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            await publisher.FlushAsync();
            AssertSettled(publisher.TransportStatus, Threads * PerThread);
            Assert.Equal(0, publisher.TransportStatus.DroppedMessages);
        }
        var ids = transport.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(Threads * PerThread, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Latest_is_the_newest_value_whichever_thread_emitted_it()
    {
        await using var publisher = TelemetryPublisher.Create(Options(), new RecordingTransport());
        var early = new Thread(() => publisher.Emit(Tick(1)));
        early.Start();
        early.Join();
        Assert.Equal(1, publisher.Latest<LoopTick>().Tick);
        await Task.Delay(20); // the coarse clock moves on
        var late = new Thread(() => publisher.Emit(Tick(2)));
        late.Start();
        late.Join();
        Assert.Equal(2, publisher.Latest<LoopTick>().Tick);
        Assert.True(publisher.TryGetLatest(out LoopTick latest));
        Assert.Equal(2, latest.Tick);
    }
}
