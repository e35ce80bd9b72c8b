using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Herald.Events;
using Microsoft.Extensions.Logging;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>Subscribers, [Subscribe] handlers and listeners: off the loop thread, in order, failures contained.</summary>
public sealed class SubscriptionTests
{
    [Fact]
    public async Task Handlers_run_off_the_emitting_thread_in_order_with_typed_events()
    {
        var transport = new RecordingTransport();
        var ticks = new ConcurrentQueue<(long Tick, int Thread)>();
        var asyncSeen = new ConcurrentQueue<long>();
        int emitter = Environment.CurrentManagedThreadId;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            publisher.Subscribe<LoopTick>(t => ticks.Enqueue((t.Tick, Environment.CurrentManagedThreadId)));
            publisher.Subscribe<LoopTick>(async (t, ct) =>
            {
                await Task.Yield();
                asyncSeen.Enqueue(t.Tick);
            });
            for (int i = 0; i < 1000; i++) publisher.Emit(Tick(i));
            publisher.Emit(new AppMetric { Name = "other", Value = 1, Unit = "count" }); // no subscriber: not delivered
            await publisher.FlushAsync();
            await Eventually(() => ticks.Count == 1000 && asyncSeen.Count == 1000, "1000 deliveries to each handler");
            Assert.Equal(0, publisher.TransportStatus.HandlerErrors);
        }
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), ticks.Select(t => t.Tick));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), asyncSeen);
        Assert.DoesNotContain(emitter, ticks.Select(t => t.Thread));
    }

    [Fact]
    public async Task A_throwing_handler_is_logged_and_counted_and_the_others_still_run()
    {
        var transport = new RecordingTransport();
        var logger = new ListLogger();
        int good = 0;
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport, logger))
        {
            publisher.Subscribe<LoopTick>(_ => throw new InvalidOperationException("handler bug"));
            publisher.Subscribe<LoopTick>(_ => Interlocked.Increment(ref good));
            for (int i = 0; i < 50; i++) publisher.Emit(Tick(i));
            await publisher.FlushAsync();
            await Eventually(() => Volatile.Read(ref good) == 50, "the healthy handler");
            await Eventually(() => publisher.TransportStatus.HandlerErrors == 50, "50 counted errors");
            status = publisher.TransportStatus;
        }
        Assert.Equal(50, status.PayloadsFlushedTotal); // the transport is unaffected
        Assert.Equal(50, logger.Errors.Count);
        Assert.All(logger.Errors, e => Assert.Equal("handler bug", e.Message));
    }

    [Fact]
    public async Task Subscribe_attribute_methods_are_bound_by_event_type()
    {
        var transport = new RecordingTransport();
        var handlers = new DashboardHandlers();
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            using IDisposable subscription = publisher.SubscribeAll(handlers);
            publisher.Emit(new MetricsAggregationStarted { JobId = "j1", StartedAt = 1_700_000_000.5 });
            publisher.Emit(Tick(5));
            await publisher.FlushAsync();
            await Eventually(() => handlers.Started.Count == 1 && handlers.Ticks.Count == 1, "both handlers");
        }
        Assert.Equal("j1", Assert.Single(handlers.Started).JobId);
        Assert.Equal(5, Assert.Single(handlers.Ticks));
    }

    [Fact]
    public async Task Subscribe_attribute_with_the_wrong_event_type_is_refused()
    {
        await using var publisher = TelemetryPublisher.Create(Options(), new RecordingTransport());
        var ex = Assert.Throws<ArgumentException>(() => publisher.SubscribeAll(new MismatchedHandler()));
        Assert.Contains("metrics.aggregation_started", ex.Message);
        Assert.Contains("HER102", ex.Message);
    }

    [Fact]
    public async Task Disposing_a_subscription_stops_deliveries()
    {
        var transport = new RecordingTransport();
        int count = 0;
        await using var publisher = TelemetryPublisher.Create(Options(), transport);
        IDisposable subscription = publisher.Subscribe<LoopTick>(_ => Interlocked.Increment(ref count));
        publisher.Emit(Tick(1));
        await publisher.FlushAsync();
        await Eventually(() => Volatile.Read(ref count) == 1, "first delivery");
        subscription.Dispose();
        publisher.Emit(Tick(2));
        await publisher.FlushAsync();
        await Task.Delay(100);
        Assert.Equal(1, Volatile.Read(ref count));
    }

    [Fact]
    public async Task Scanning_sent_lines_for_subscribed_types_allocates_nothing_for_lines_of_other_types()
    {
        var dispatcher = new Herald.Publishing.SubscriberDispatcher((_, _) => { });
        using IDisposable subscription = dispatcher.Subscribe(new Herald.Publishing.Subscription<LoopHealth>((_, _) => ValueTask.CompletedTask, "health"));
        byte[] lines = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => Storage.StorageTests.Line("loop.tick", i, n: i) + "\n")));
        dispatcher.Observe(lines); // JIT and first-use work

        long before = GC.GetAllocatedBytesForCurrentThread();
        dispatcher.Observe(lines);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await dispatcher.StopAsync(stop.Token);
    }

    [Fact]
    public async Task With_several_transports_each_has_its_own_measurements_on_the_meter()
    {
        string id = Guid.NewGuid().ToString("N");
        var healthy = new RecordingTransport { Provider = "meter-ok-" + id };
        var poisoned = new RecordingTransport { Provider = "meter-bad-" + id, Script = _ => Herald.Transports.SendResult.Permanent("HTTP 400 bad request") };
        var values = new ConcurrentDictionary<(string Instrument, string Provider, int Index), long>();
        await using var publisher = TelemetryPublisher.Create(Options(), [healthy, poisoned]);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Herald") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? provider = null;
            int index = -1;
            foreach (var tag in tags)
            {
                if (tag.Key == "herald.transport.provider") provider = (string?)tag.Value;
                if (tag.Key == "herald.transport.index") index = (int)tag.Value!;
            }
            if (provider is not null && provider.Contains(id, StringComparison.Ordinal)) values[(instrument.Name, provider, index)] = value;
        });
        listener.Start();

        for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
        await publisher.FlushAsync();
        listener.RecordObservableInstruments();

        Assert.Equal(10, values[("herald.events.flushed", healthy.Provider, 0)]);
        Assert.Equal(0, values[("herald.events.dropped", healthy.Provider, 0)]);
        Assert.Equal(0, values[("herald.events.flushed", poisoned.Provider, 1)]);
        Assert.Equal(10, values[("herald.events.dropped", poisoned.Provider, 1)]);
        Assert.True(values[("herald.send.failures", poisoned.Provider, 1)] > 0);
        // Sink-wide figures are measured once, tagged with the joined provider.
        Assert.Equal(10, values[("herald.events.emitted", healthy.Provider + "+" + poisoned.Provider, -1)]);
    }

    [Fact]
    public async Task Status_counters_are_published_on_the_Herald_meter()
    {
        // Every publisher has a meter named Herald; the provider tag tells this one from concurrent tests'.
        string provider = "meter-test-" + Guid.NewGuid().ToString("N");
        var transport = new RecordingTransport { Provider = provider };
        var values = new ConcurrentDictionary<string, long>();
        await using var publisher = TelemetryPublisher.Create(Options(), transport);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Herald") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "herald.transport.provider" && (string?)tag.Value == provider) values[instrument.Name] = value;
            }
        });
        listener.Start();

        for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
        await publisher.FlushAsync();
        listener.RecordObservableInstruments();

        Assert.Equal(10, values["herald.events.emitted"]);
        Assert.Equal(10, values["herald.events.flushed"]);
        Assert.Equal(0, values["herald.events.dropped"]);
        Assert.Equal(1, values["herald.worker.alive"]);
        Assert.True(values["herald.bytes.flushed"] > 10 * 50);
    }

    private sealed class DashboardHandlers
    {
        public ConcurrentQueue<MetricsAggregationStarted> Started { get; } = new();

        public ConcurrentQueue<long> Ticks { get; } = new();

        [Subscribe(MetricsAggregationStarted.EventType)]
        public Task OnStarted(MetricsAggregationStarted e, CancellationToken cancellationToken)
        {
            Started.Enqueue(e);
            return Task.CompletedTask;
        }

        [Subscribe(LoopTick.EventType)]
        private void OnTick(LoopTick tick) => Ticks.Enqueue(tick.Tick);
    }

    // The mistake HER102 reports at build time, made on purpose to test the runtime's own check.
#pragma warning disable HER102
    private sealed class MismatchedHandler
    {
        [Subscribe("metrics.aggregation_started")]
        public void OnCompleted(MetricsAggregationCompleted e)
        {
        }
    }
#pragma warning restore HER102
}
