using Herald.Events;

namespace Herald.Tests.Runtime;

internal static class PublisherTestKit
{
    public static TelemetryOptions Options(BackpressureMode mode = BackpressureMode.DropOldest, int maxBufferBytes = 1 << 20,
        int maxBatch = 512, double pollSeconds = 0.05, double blockTimeout = 0.5, int restartLimit = 3, int retryLimit = 5,
        TimeSpan? shutdownTimeout = null, int flushIntervalTicks = 1) => new()
    {
        ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(10),
        Transport = new TransportOptions
        {
            Type = "recording",
            WorkerPollSeconds = pollSeconds,
            Buffer = new BufferOptions { MaxBatchSize = maxBatch, MaxBufferBytes = maxBufferBytes, FlushIntervalTicks = flushIntervalTicks },
            Worker = new WorkerOptions { Backpressure = mode, BlockTimeoutSeconds = blockTimeout, RestartLimit = restartLimit, SendRetryLimit = retryLimit },
        },
    };

    public static LoopTick Tick(long n) => new() { Tick = n, DurationMs = 16.25, AgentCount = 128, EventsEmitted = 3 };

    /// <summary>Asserts the accounting identity on a final status: nothing is unaccounted for.</summary>
    public static void AssertSettled(TransportStatus status, long expectedEmitted)
    {
        Assert.Equal(expectedEmitted, status.EventsEmitted);
        Assert.Equal(0, status.QueueLength);
        Assert.Equal(status.EventsEmitted, status.PayloadsFlushedTotal + status.DroppedMessages);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(10);
        }
    }
}
