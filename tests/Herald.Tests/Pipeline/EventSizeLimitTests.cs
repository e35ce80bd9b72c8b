using Herald.Events;
using Herald.Tests.Runtime;
using static Herald.Tests.Pipeline.ProducerTags;

namespace Herald.Tests.Pipeline;

/// <summary>
/// <c>max_event_bytes</c> by its default, the smaller of 1 MiB and <c>max_buffer_bytes</c>: an event whose envelope is
/// larger is rejected at <c>Emit</c> — counted in <c>RejectedMessages</c> and <c>DroppedMessages</c>, with a reason that
/// names its type — and never queued; one below it is delivered in its place in emit order. The sizes stay far from the
/// limit on both sides, so whether the limit counts the envelope or the payload does not matter.
/// </summary>
public sealed class EventSizeLimitTests
{
    [Theory]
    [InlineData(8 * 1024, 6_000, 12_000)]          // the limit is the buffer: 8 KiB
    [InlineData(16 << 20, 900_000, 1_500_000)]     // the default buffer: the limit is 1 MiB
    public async Task An_event_above_the_default_max_event_bytes_is_rejected_and_one_below_it_delivered(int maxBufferBytes, int below, int above)
    {
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(PublisherTestKit.Options(maxBufferBytes: maxBufferBytes), transport))
        {
            publisher.Emit(Tick(0, 0));
            publisher.Emit(Large(0, 1, new string('a', above)));
            publisher.Emit(Large(0, 2, new string('b', below)));
            publisher.Emit(Tick(0, 3));
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));
            status = publisher.TransportStatus;
        }

        Assert.Equal(new long[] { 0, 2, 3 }, Envelopes(transport.Lines).Select(e => Read(e).Sequence));
        Assert.Equal((4L, 3L, 1L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages, status.QueueLength));
        Assert.Equal(1, status.RejectedMessages);
        Assert.NotNull(status.LastRejection);
        Assert.Contains(AppEvent.EventType, status.LastRejection);
    }
}
