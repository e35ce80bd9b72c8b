using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Herald.Logging;
using Herald.Publishing;
using Herald.Tests.Runtime;
using Herald.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Logging;

/// <summary>
/// <c>ILoggingBuilder.AddHerald()</c>: a host's <see cref="ILogger"/> logs become <c>app.event</c> lines with the mapped
/// fields, and nothing Herald logs itself — its own categories, a transport or subscriber logging through the same
/// factory — is fed back in.
/// </summary>
public sealed class HeraldLoggerProviderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-logging-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string EventsFile => Path.Combine(_dir, "events.jsonl");

    /// <summary>A host with Herald writing to <see cref="EventsFile"/> (and, optionally, a second transport) and its logs routed through Herald.</summary>
    private IHost Host(CapturedLogs captured, Action<HeraldLoggerOptions>? configure = null, TransportOptions? second = null)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        if (configure is null) builder.Logging.AddHerald();
        else builder.Logging.AddHerald(configure);
        builder.Logging.AddProvider(captured);
        var file = new TransportOptions { Type = "file", FilePath = EventsFile };
        builder.Services.AddHerald(new TelemetryOptions
        {
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            Transport = file,
            Transports = second is null ? default : [file, second],
        });
        return builder.Build();
    }

    /// <summary>The app.event envelopes in the file, as JSON.</summary>
    private List<JsonElement> AppEvents()
        => File.ReadAllLines(EventsFile).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(e => e.GetProperty("type").GetString() == "app.event").ToList();

    private static JsonElement From(List<JsonElement> events, string message)
        => Assert.Single(events, e => e.GetProperty("payload").GetProperty("message").GetString() == message);

    [Fact]
    public async Task Logs_through_a_hosts_ILogger_become_app_event_lines_with_the_mapped_fields()
    {
        var captured = new CapturedLogs();
        using (IHost host = Host(captured))
        {
            await host.StartAsync();
            ILogger log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Game.Economy");
            log.LogInformation(new EventId(42, "GoldChanged"), "{Agent} now has {Gold} gold", "ada", 120);
            log.LogDebug("below the default minimum");
            log.LogWarning("market {Market} is thin at {Ratio}", "wool", 0.25);
            try
            {
                ThrowForTest();
            }
            catch (InvalidOperationException ex)
            {
                log.LogError(ex, "tick {Tick} failed", 7);
            }
            log.LogCritical("the world ended");
            await host.StopAsync();
        }

        List<JsonElement> events = AppEvents().Where(e => e.GetProperty("payload").GetProperty("source").GetString() == "Game.Economy").ToList();
        Assert.Equal(4, events.Count); // the debug line is below Information

        JsonElement gold = From(events, "ada now has 120 gold").GetProperty("payload");
        Assert.Equal("info", gold.GetProperty("severity").GetString());
        Assert.Equal("""{"Agent":"ada","Gold":120,"event_id":42,"event_name":"GoldChanged"}""", gold.GetProperty("details").GetRawText());

        JsonElement market = From(events, "market wool is thin at 0.25").GetProperty("payload");
        Assert.Equal("warning", market.GetProperty("severity").GetString());
        Assert.Equal("""{"Market":"wool","Ratio":0.25}""", market.GetProperty("details").GetRawText());

        JsonElement failed = From(events, "tick 7 failed").GetProperty("payload");
        Assert.Equal("error", failed.GetProperty("severity").GetString());
        Assert.Equal(7, failed.GetProperty("details").GetProperty("Tick").GetInt32());
        JsonElement exception = failed.GetProperty("details").GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("the simulation broke", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(ThrowForTest), exception.GetProperty("stack").GetString());
        Assert.Equal("the cause", exception.GetProperty("inner").GetProperty("message").GetString());

        JsonElement critical = From(events, "the world ended").GetProperty("payload");
        Assert.Equal("error", critical.GetProperty("severity").GetString());
        Assert.False(critical.TryGetProperty("details", out _)); // nothing structured: no details

        Assert.All(events, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("meta").GetProperty("correlation_id").ValueKind));
        Assert.All(events, e => Assert.Equal("1.0", e.GetProperty("meta").GetProperty("version").GetString()));
    }

    private static void ThrowForTest()
    {
        try
        {
            throw new ArgumentException("the cause");
        }
        catch (ArgumentException inner)
        {
            throw new InvalidOperationException("the simulation broke", inner);
        }
    }

    [Fact]
    public async Task A_scope_carrying_a_correlation_id_puts_the_event_under_that_correlation()
    {
        var captured = new CapturedLogs();
        using (IHost host = Host(captured))
        {
            await host.StartAsync();
            ILogger log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Game.Requests");
            using (log.BeginScope(new Dictionary<string, object?> { ["CorrelationId"] = "req-7" }))
            {
                log.LogInformation("inside");
                using (log.BeginScope("handling {correlation_id}", "req-8")) log.LogInformation("nested"); // the innermost wins
                using (log.BeginScope("no id here")) log.LogInformation("plain scope");
            }
            using (Correlation.Begin("outer-1")) log.LogInformation("herald scope"); // Correlation.Current, as any Emit
            log.LogInformation("outside");
            await host.StopAsync();
        }

        List<JsonElement> events = AppEvents();
        string? CorrelationOf(string message) => From(events, message).GetProperty("meta").GetProperty("correlation_id").GetString();
        Assert.Equal("req-7", CorrelationOf("inside"));
        Assert.Equal("req-8", CorrelationOf("nested"));
        Assert.Equal("req-7", CorrelationOf("plain scope"));
        Assert.Equal("outer-1", CorrelationOf("herald scope"));
        Assert.Null(CorrelationOf("outside"));
    }

    [Fact]
    public async Task The_minimum_level_option_filters_and_every_level_maps_to_a_severity()
    {
        var transport = new RecordingTransport();
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            using (ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace)
                       .AddProvider(new HeraldLoggerProvider(publisher, new HeraldLoggerOptions { MinimumLevel = LogLevel.Trace }))))
            {
                ILogger log = factory.CreateLogger("");
                foreach (LogLevel level in new[] { LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical })
                    log.Log(level, "at {Level}", level);
            }
            using (ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace)
                       .AddProvider(new HeraldLoggerProvider(publisher, new HeraldLoggerOptions { MinimumLevel = LogLevel.Warning }))))
            {
                ILogger log = factory.CreateLogger("Game");
                log.LogInformation("filtered");
                log.LogWarning("kept");
            }
            await publisher.FlushAsync();
        }

        List<JsonElement> payloads = transport.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("payload").Clone()).ToList();
        Assert.Equal(
            ["app debug at Trace", "app debug at Debug", "app info at Information", "app warning at Warning", "app error at Error", "app error at Critical", "Game warning kept"],
            payloads.Select(p => $"{p.GetProperty("source").GetString()} {p.GetProperty("severity").GetString()} {p.GetProperty("message").GetString()}"));
        Assert.Equal("Warning", payloads[3].GetProperty("details").GetProperty("Level").GetString()); // an enum as its name
    }

    [Fact]
    public async Task Heralds_own_logs_are_not_emitted_back_into_Herald()
    {
        // A second transport to a port nothing listens on: its worker logs "transport failing" through the host's
        // "Herald" logger — which this same host routes to Herald.
        int closed;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var captured = new CapturedLogs();
        using (IHost host = Host(captured, second: new TransportOptions { Type = "tcp", Endpoint = $"127.0.0.1:{closed}", SendTimeoutSeconds = 2 }))
        {
            await host.StartAsync();
            ILoggerFactory factory = host.Services.GetRequiredService<ILoggerFactory>();
            factory.CreateLogger("Game").LogInformation("from the game");
            factory.CreateLogger("Herald").LogWarning("from the runtime");
            factory.CreateLogger("Herald.Publishing.Anything").LogError("from a runtime part");
            await Eventually(() => captured.WithId(HeraldLog.Ids.TransportFailing).Count > 0, "the tcp transport's failure to be logged");
            await host.StopAsync();
        }

        CapturedLog failing = captured.WithId(HeraldLog.Ids.TransportFailing)[0];
        Assert.Equal(("Herald", "tcp"), (failing.Category, failing.Value<string>("Provider")));
        List<string?> sources = AppEvents().Select(e => e.GetProperty("payload").GetProperty("source").GetString()).ToList();
        Assert.Single(sources, s => s == "Game");
        Assert.All(sources, s => Assert.True(s == "Game" || s!.StartsWith("Microsoft.Hosting.", StringComparison.Ordinal), s)); // the host's own lifetime logs
        Assert.DoesNotContain(File.ReadAllLines(EventsFile), l => l.Contains("\"source\":\"Herald", StringComparison.Ordinal));
    }

    /// <summary>A transport that logs through the application's logger factory on every send, before and after an await.</summary>
    private sealed class LoggingTransport(ILoggerFactory factory) : ITransport
    {
        private readonly ILogger _log = factory.CreateLogger("Game.Transport");

        public RecordingTransport Inner { get; } = new();

        public string Provider => "logging";

        public bool AuthEnabled => false;

        public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
        {
            _log.LogInformation("sending {Count} events", batch.Count);
            await Task.Yield(); // the rest runs on a pool thread
            _log.LogInformation("sent {Count} events", batch.Count);
            return await Inner.SendAsync(batch, cancellationToken);
        }

        public ValueTask DisposeAsync() => default;
    }

    [Fact]
    public async Task A_transport_logging_through_the_same_factory_does_not_feed_itself()
    {
        var captured = new CapturedLogs();
        var provider = new DeferredSinkProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(provider).AddProvider(captured));
        var transport = new LoggingTransport(factory);
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            provider.Sink = publisher;
            ILogger log = factory.CreateLogger("Game");
            for (int i = 0; i < 10; i++) log.LogInformation("event {N}", i);
            await publisher.FlushAsync();
            await Task.Delay(300); // were a send's logs fed back, more sends would follow
            await publisher.FlushAsync();
        }

        Assert.Equal(10, transport.Inner.Lines.Count);
        Assert.All(transport.Inner.Lines, l => Assert.Contains("\"source\":\"Game\"", l));
        Assert.Contains(captured.Entries, e => e.Category == "Game.Transport" && e.Message.StartsWith("sent ", StringComparison.Ordinal)); // it did log
    }

    [Fact]
    public async Task A_subscriber_logging_through_the_same_factory_does_not_feed_itself()
    {
        var captured = new CapturedLogs();
        var provider = new DeferredSinkProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(provider).AddProvider(captured));
        var transport = new RecordingTransport();
        int handled = 0;
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            provider.Sink = publisher;
            ILogger handlerLog = factory.CreateLogger("Game.Handler");
            publisher.Subscribe<AppEvent>(async (e, ct) =>
            {
                handlerLog.LogWarning("handled {Message}", e.Message);
                await Task.Yield();
                handlerLog.LogWarning("still handling {Message}", e.Message);
                Interlocked.Increment(ref handled);
            });
            ILogger log = factory.CreateLogger("Game");
            for (int i = 0; i < 10; i++) log.LogInformation("event {N}", i);
            await publisher.FlushAsync();
            await Eventually(() => Volatile.Read(ref handled) == 10, "ten deliveries");
            await Task.Delay(300);
            await publisher.FlushAsync();
        }

        Assert.Equal(10, transport.Lines.Count);
        Assert.Equal(10, Volatile.Read(ref handled));
        Assert.Equal(20, captured.Entries.Count(e => e.Category == "Game.Handler"));
    }

    /// <summary>The provider with its sink set after the factory exists (the publisher's transport needs the factory first).</summary>
    private sealed class DeferredSinkProvider : ILoggerProvider
    {
        private HeraldLoggerProvider? _inner;

        public ITelemetrySink? Sink
        {
            set => _inner = new HeraldLoggerProvider(value!);
        }

        public ILogger CreateLogger(string categoryName) => new Deferred(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Deferred(DeferredSinkProvider owner, string category) : ILogger
        {
            private ILogger? Inner => owner._inner?.CreateLogger(category);

            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Inner?.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => Inner?.IsEnabled(logLevel) ?? false;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => Inner?.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
