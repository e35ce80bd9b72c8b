using Herald.Events;
using Herald.Tests.Runtime;

namespace Herald.Tests.Pipeline;

/// <summary>
/// While a string that needs escaping is written, room is asked for at its worst-case size (six bytes per UTF-16 unit);
/// only the finished envelope counts against <c>max_event_bytes</c> and the buffer's budget (docs/runtime.md,
/// "Backpressure"). An event well within the limit is delivered whichever path it takes — serialized straight into the
/// buffer's chunk (its shard has nothing queued and no one is writing), or into the shard's scratch line — in every mode.
/// </summary>
public sealed class WorstCaseReservationTests
{
    [Theory]
    [InlineData(BackpressureMode.DropOldest)]
    [InlineData(BackpressureMode.Block)]
    [InlineData(BackpressureMode.FanOut)]
    public async Task An_event_within_max_event_bytes_is_delivered_though_its_worst_case_reservation_exceeds_the_budget(BackpressureMode mode)
    {
        // 8 KiB buffer: max_event_bytes 8,192, chunks of 4 KiB within a 12 KiB budget. A message of 2,500 characters with a
        // quote and a newline: ~2.7 KB of envelope, ~15 KB asked for while it is written.
        string message = "\"quoted\"\n" + new string('m', 2_491);
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(PublisherTestKit.Options(mode, maxBufferBytes: 8 * 1024, pollSeconds: 0.02, blockTimeout: 5), transport))
        {
            for (int i = 0; i < 5; i++)
            {
                publisher.Emit(new AppEvent { Source = "reservation", Message = i + message });
                Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)), "the flush did not finish");
            }
            status = publisher.TransportStatus;
        }
        Assert.True(status.DroppedMessages == 0, $"{mode}: {status.DroppedMessages} of 5 events of ~2.7 KB dropped with max_event_bytes 8,192 (rejected {status.RejectedMessages})");
        Assert.Equal(5, status.PayloadsFlushedTotal);
        Assert.Equal(5, transport.Lines.Count);
    }
}
