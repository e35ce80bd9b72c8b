using Herald.Publishing;
using Herald.Tests.Transports;
using Microsoft.Extensions.Logging;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Logging;

/// <summary>
/// A collector that keeps failing is logged as "transport failing" a bounded number of times — at its first failed send,
/// then at most once per interval, with the count — never per attempt or per event, and "recovered" once when it comes
/// back. Against a real HTTP collector (Kestrel on 127.0.0.1) answering 503 with <c>Retry-After: 0</c>, so block mode
/// retries at once and 200 failures take a moment.
/// </summary>
public sealed class TransportHealthLogTests
{
    private const int Failures = 200;
    private const int Events = 10;

    private static TelemetryOptions Http(string url)
    {
        TelemetryOptions options = Options(BackpressureMode.Block);
        return options with { Transport = options.Transport with { Type = "http", Endpoint = url, SendTimeoutSeconds = 5 } };
    }

    private static async Task<(CapturedLogs Logs, TransportStatus Status, List<HttpCollector.Received> Requests)> FailThenRecover(TimeSpan? interval, TimeSpan delay)
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        collector.Respond = n => n < Failures ? (503, 0) : (200, null);
        collector.Delay = delay;
        var logs = new CapturedLogs();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Http(collector.Url), logs.Logger))
        {
            if (interval is { } shorter) publisher.FailureLogInterval = shorter;
            for (int i = 0; i < Events; i++) publisher.Emit(Tick(i));
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(60)), "the collector came back and took the batch");
            status = publisher.TransportStatus;
        }
        return (logs, status, collector.Requests.ToList());
    }

    [Fact]
    public async Task Two_hundred_failed_sends_log_one_failing_entry_and_then_one_recovery()
    {
        var (logs, status, requests) = await FailThenRecover(interval: null, delay: TimeSpan.Zero);

        Assert.Equal(Failures + 1, requests.Count);
        Assert.Equal(Events, requests[^1].Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal((Failures, 0L, (long)Events), (status.SendFailuresTotal, status.ConsecutiveSendFailures, status.PayloadsFlushedTotal));

        CapturedLog failing = Assert.Single(logs.WithId(HeraldLog.Ids.TransportFailing)); // the streak's first failure; the 30 s interval never passed
        Assert.Equal((LogLevel.Warning, "TransportFailing", "http"), (failing.Level, failing.EventId.Name, failing.Value<string>("Provider")));
        Assert.Equal((1L, 1L), (failing.Value<long>("ConsecutiveFailures"), failing.Value<long>("FailuresTotal")));
        Assert.Equal("HTTP 503 Service Unavailable", failing.Value<string>("Error"));
        CapturedLog recovered = Assert.Single(logs.WithId(HeraldLog.Ids.TransportRecovered));
        Assert.Equal((LogLevel.Information, (long)Failures), (recovered.Level, recovered.Value<long>("FailedSends")));
        Assert.True(recovered.Value<double>("FailingSeconds") > 0);
        Assert.StartsWith("The http transport recovered: a send succeeded after 200 failed sends over ", recovered.Message);
        Assert.Equal(2, logs.Entries.Count);
    }

    [Fact]
    public async Task While_failures_last_the_failing_entry_repeats_at_most_once_per_interval_with_the_growing_count()
    {
        TimeSpan interval = TimeSpan.FromMilliseconds(100);
        // 5 ms per answer: the 200 failures take at least a second, so the interval passes several times.
        var (logs, status, requests) = await FailThenRecover(interval, delay: TimeSpan.FromMilliseconds(5));

        Assert.Equal(Failures + 1, requests.Count);
        List<long> counts = logs.WithId(HeraldLog.Ids.TransportFailing).Select(e => e.Value<long>("ConsecutiveFailures")).ToList();
        double streakSeconds = (requests[^1].At - requests[0].At).TotalSeconds;
        Assert.True(counts.Count >= 2, $"{counts.Count} entries over {streakSeconds:0.00} s");
        Assert.True(counts.Count <= 2 + streakSeconds / interval.TotalSeconds, $"{counts.Count} entries over {streakSeconds:0.00} s: more than one per interval");
        Assert.True(counts.Count < Failures / 4, $"{counts.Count} entries for {Failures} failures");
        Assert.Equal(1, counts[0]);
        Assert.True(counts.Zip(counts.Skip(1)).All(p => p.First < p.Second), "counts grow: " + string.Join(", ", counts));
        Assert.True(counts[^1] <= Failures);
        CapturedLog recovered = Assert.Single(logs.WithId(HeraldLog.Ids.TransportRecovered));
        Assert.Equal((long)Failures, recovered.Value<long>("FailedSends"));
        Assert.Equal(Failures, status.SendFailuresTotal);
    }

    [Fact]
    public async Task A_collector_that_fails_every_other_send_logs_no_more_than_one_that_stays_down()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        collector.Respond = n => n % 2 == 0 ? (503, 0) : (200, null); // each batch: one failed send, then a delivery
        var logs = new CapturedLogs();
        await using (var publisher = TelemetryPublisher.Create(Http(collector.Url), logs.Logger))
        {
            for (int i = 0; i < 40; i++)
            {
                publisher.Emit(Tick(i));
                Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
            }
            Assert.Equal((40L, 40L), (publisher.TransportStatus.SendFailuresTotal, publisher.TransportStatus.PayloadsFlushedTotal));
        }

        Assert.Equal(80, collector.Requests.Count);
        Assert.Single(logs.WithId(HeraldLog.Ids.TransportFailing)); // 40 streaks within the 30 s interval
        CapturedLog recovered = Assert.Single(logs.WithId(HeraldLog.Ids.TransportRecovered));
        Assert.Equal(1L, recovered.Value<long>("FailedSends"));
    }
}
