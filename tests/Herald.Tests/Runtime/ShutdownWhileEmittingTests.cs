using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>
/// <c>DisposeAsync</c> waits at most <c>shutdown_timeout_seconds</c> (docs/runtime.md, "Shutdown"), also while a
/// producer is stuck inside <c>Emit</c> behind a transport that never answers: in <c>fan_out</c> a producer that found
/// every chunk in use sends on its own thread (and waits for the worker's send in flight first), in <c>block</c> it
/// waits for room up to a <c>block_timeout_seconds</c> far longer than the shutdown timeout. Stopping intake waits for
/// the emits already inside, so that wait must not outlast the shutdown timeout: past it, sends are cancelled and what
/// is queued is dropped, which lets the stuck <c>Emit</c> return.
/// </summary>
public sealed class ShutdownWhileEmittingTests
{
    [Theory]
    [InlineData(BackpressureMode.FanOut)]
    [InlineData(BackpressureMode.Block)]
    public async Task DisposeAsync_returns_within_the_shutdown_timeout_while_an_Emit_is_stuck_behind_a_silent_transport(BackpressureMode mode)
    {
        var never = new TaskCompletionSource(); // honours cancellation: a send ends only when shutdown cancels it
        var transport = new RecordingTransport { StallUntil = never.Task };
        TelemetryOptions options = Options(mode, maxBufferBytes: 8 * 1024, pollSeconds: 0.02, blockTimeout: 60, shutdownTimeout: TimeSpan.FromSeconds(1));
        var publisher = TelemetryPublisher.Create(options, transport);
        const int Events = 2_000;
        long returned = 0;
        var producer = new Thread(() =>
        {
            for (int i = 0; i < Events; i++)
            {
                publisher.Emit(Tick(i));
                Interlocked.Increment(ref returned);
            }
        }) { IsBackground = true, Name = "stuck producer" };
        producer.Start();

        // With two 4 KiB chunks and a 256-entry emit queue the producer is inside an Emit that does not return within moments.
        long seen = -1;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Interlocked.Read(ref returned) != seen)
        {
            Assert.True(DateTime.UtcNow < deadline, "the producer never got stuck: the case does not test what it says");
            seen = Interlocked.Read(ref returned);
            await Task.Delay(200);
        }
        Assert.True(seen < Events, "the producer finished: the case does not test what it says");

        Task dispose = Task.Run(async () => await publisher.DisposeAsync());
        Assert.True(await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(8))) == dispose, $"{mode}: DisposeAsync did not return within 8 s with a 1 s shutdown timeout while an Emit was stuck");
        Assert.True(producer.Join(TimeSpan.FromSeconds(5)), $"{mode}: the stuck Emit did not return after DisposeAsync");
        AssertSettled(publisher.TransportStatus, Events);
    }
}
