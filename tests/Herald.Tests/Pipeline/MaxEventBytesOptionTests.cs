using Herald.Events;
using Herald.Tests.Runtime;
using static Herald.Tests.Pipeline.ProducerTags;

namespace Herald.Tests.Pipeline;

/// <summary><c>max_event_bytes</c>, by its default and set explicitly (below the default as well as above it): the limit applies on every path.</summary>
public sealed class MaxEventBytesOptionTests
{
    private static TelemetryOptions WithMaxEventBytes(int? maxEventBytes, int maxBufferBytes = 16 << 20)
    {
        TelemetryOptions options = PublisherTestKit.Options(maxBufferBytes: maxBufferBytes);
        return options with { Transport = options.Transport with { Buffer = options.Transport.Buffer with { MaxEventBytes = maxEventBytes } } };
    }

    [Fact]
    public void The_default_is_unset_and_means_the_smaller_of_1_MiB_and_the_buffer()
        => Assert.Null(new BufferOptions().MaxEventBytes);

    /// <summary>
    /// Unset, the limit is the smaller of 1 MiB and <c>max_buffer_bytes</c>. The sizes stay far from the limit on both
    /// sides, so whether the limit counts the envelope or the payload does not matter.
    /// </summary>
    [Theory]
    [InlineData(8 * 1024, 6_000, 12_000)]          // the limit is the buffer: 8 KiB
    [InlineData(16 << 20, 900_000, 1_500_000)]     // the default buffer: the limit is 1 MiB
    public Task An_event_above_the_default_max_event_bytes_is_rejected_and_one_below_it_delivered(int maxBufferBytes, int below, int above)
        => AssertRejectedAboveAndDeliveredBelow(PublisherTestKit.Options(maxBufferBytes: maxBufferBytes), below, above);

    [Theory]
    [InlineData(4 * 1024, 3_000, 5_000)]
    [InlineData(64 * 1024, 60_000, 70_000)]
    [InlineData(4 << 20, 3_000_000, 5_000_000)]   // above the 1 MiB default, within the 16 MiB buffer
    public Task An_event_above_max_event_bytes_is_rejected_and_one_below_it_delivered(int maxEventBytes, int below, int above)
        => AssertRejectedAboveAndDeliveredBelow(WithMaxEventBytes(maxEventBytes), below, above);

    /// <summary>
    /// An event whose envelope is larger than the limit is rejected at <c>Emit</c> — counted in <c>RejectedMessages</c> and
    /// <c>DroppedMessages</c>, with a reason that names its type — and never queued; one below it is delivered in its place
    /// in emit order.
    /// </summary>
    private static async Task AssertRejectedAboveAndDeliveredBelow(TelemetryOptions options, int below, int above)
    {
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(options, transport))
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

    /// <summary>
    /// A copied <c>x-struct</c> event (a <c>loop.tick</c>) is serialized only when the encoder writes it, and its correlation
    /// id can make the envelope larger than the limit: it is rejected like any other event over <c>max_event_bytes</c> —
    /// counted in <c>RejectedMessages</c> with its reason, not only dropped.
    /// </summary>
    [Fact]
    public async Task A_copied_event_whose_envelope_exceeds_max_event_bytes_is_counted_as_rejected()
    {
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(WithMaxEventBytes(512), transport))
        {
            publisher.Emit(Tick(0, 0));
            using (Correlation.Begin(new string('c', 400))) publisher.Emit(Tick(0, 1)); // ~650 bytes of envelope
            publisher.Emit(Tick(0, 2));
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));
            status = publisher.TransportStatus;
        }

        Assert.Equal(new long[] { 0, 2 }, Envelopes(transport.Lines).Select(e => Read(e).Sequence));
        Assert.Equal((3L, 2L, 1L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages, status.QueueLength));
        Assert.Equal(1, status.RejectedMessages);
        Assert.NotNull(status.LastRejection);
        Assert.Contains(LoopTick.EventType, status.LastRejection);
        Assert.Contains("max_event_bytes", status.LastRejection);
    }

    /// <summary>An event that could never fit in the buffer cannot be queued: such a limit is a mistake in the configuration.</summary>
    [Fact]
    public void A_max_event_bytes_above_max_buffer_bytes_is_a_configuration_error()
    {
        var error = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(WithMaxEventBytes(64 * 1024, maxBufferBytes: 32 * 1024), new RecordingTransport()));
        Assert.Contains("max_event_bytes", error.Message);
    }
}
