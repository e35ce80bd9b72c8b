using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Herald.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;

namespace Herald.Benchmarks;

/// <summary>
/// OTLP/HTTP logs export end to end: Herald's otlp transport against the OpenTelemetry .NET SDK (logs bridge +
/// batch processor + OTLP exporter, HTTP/protobuf), both posting to the same <see cref="OtlpSink"/> (a Kestrel receiver
/// in a child process that counts the log records of each request). A run sends N loop.tick records and ends when the
/// sink has counted all N. The BenchmarkDotNet methods give the time with BDN's statistics; the process-wide
/// allocation per event (worker and exporter threads included) comes from the <c>otlp</c> command
/// (<see cref="OtlpExportProbe"/>), which also checks both sides' shapes on the wire and the ratios against the bars.
/// </summary>
[MemoryDiagnoser]
public class OtlpExportBenchmarks
{
    private const int Events = 1_000_000;
    private OtlpSink _sink = null!;
    private OtlpSide _herald = null!, _otel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sink = OtlpSink.Start();
        _herald = new HeraldOtlpSide(_sink);
        _otel = new OpenTelemetryOtlpSide(_sink, Events, OpenTelemetryOtlpSide.DefaultBatch);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _herald.Dispose();
        _otel.Dispose();
        _sink.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Herald_otlp() => _herald.Run(Events);

    [Benchmark(OperationsPerInvoke = Events)]
    public void OpenTelemetry_sdk_otlp() => _otel.Run(Events);
}

/// <summary>One exporter under test: emit N loop.tick records, flush, wait until the sink has them all, check nothing was dropped.</summary>
internal abstract class OtlpSide(OtlpSink sink, string name) : IDisposable
{
    private long _sent; // records this side has had counted by the sink so far (the sides take turns, never overlap)

    public string Name { get; } = name;

    protected OtlpSink Sink { get; } = sink;

    public void Run(int events)
    {
        long before = Sink.RecordsReceived;
        Emit(events);
        Flush();
        Sink.WaitForRecords(before + events, TimeSpan.FromSeconds(30), Name);
        _sent += events;
        Check(_sent);
    }

    protected abstract void Emit(int events);

    /// <summary>Returns once every record emitted so far has been acknowledged by the sink (or the flush gave up).</summary>
    protected abstract void Flush();

    /// <summary>Fails unless the side's own books say all <paramref name="total"/> records went out and none were dropped.</summary>
    protected virtual void Check(long total) { }

    public abstract void Dispose();
}

/// <summary>Herald: a <see cref="TelemetryPublisher"/> with the otlp transport (protobuf, no compression), block backpressure.</summary>
internal sealed class HeraldOtlpSide : OtlpSide
{
    private readonly TelemetryPublisher _publisher;
    private readonly LoopTick _tick = Payloads.Tick;
    private long _emitted;

    public HeraldOtlpSide(OtlpSink sink) : base(sink, "Herald otlp")
    {
        _publisher = TelemetryPublisher.Create(new TelemetryOptions
        {
            Transport = new TransportOptions
            {
                Type = "otlp",
                Endpoint = sink.BaseUrl, // the transport appends /v1/logs
                SendTimeoutSeconds = 30,
                Worker = new WorkerOptions { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 60 },
            },
        });
    }

    protected override void Emit(int events)
    {
        long first = _emitted;
        for (int i = 0; i < events; i++)
        {
            LoopTick tick = _tick with { Tick = first + i };
            _publisher.Emit(in tick);
        }
        _emitted += events;
    }

    protected override void Flush() => _publisher.FlushAsync().GetAwaiter().GetResult();

    protected override void Check(long total)
    {
        TransportStatus status = _publisher.TransportStatus;
        if (status.EventsEmitted != total || status.PayloadsFlushedTotal != total || status.DroppedMessages != 0 || status.QueueLength != 0)
            throw new InvalidOperationException($"Herald's ledger is off: emitted {status.EventsEmitted:N0}, flushed {status.PayloadsFlushedTotal:N0}, " +
                $"dropped {status.DroppedMessages:N0}, queued {status.QueueLength:N0}, expected {total:N0} flushed and none dropped; worker error: {status.WorkerError}");
    }

    public override void Dispose() => _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>
/// The OpenTelemetry .NET SDK as its documentation recommends for logs: Microsoft.Extensions.Logging with the
/// OpenTelemetry provider, compile-time logging source generation (<see cref="OtelLoopTick"/>), the OTLP exporter over
/// HTTP/protobuf behind the batch export processor. The batch processor drops what does not fit its queue, so
/// <c>MaxQueueSize</c> is N: a burst of N is never dropped (the sink's count proves it each run).
/// </summary>
internal sealed class OpenTelemetryOtlpSide : OtlpSide
{
    /// <summary>The batch processor's default <c>MaxExportBatchSize</c>.</summary>
    public const int DefaultBatch = 512;

    private readonly ServiceProvider _services;
    private readonly ILogger _logger;
    private readonly LoggerProvider _provider;
    private readonly LoopTick _tick = Payloads.Tick;
    private long _emitted;

    public OpenTelemetryOtlpSide(OtlpSink sink, int maxQueue, int batch) : base(sink, "OpenTelemetry SDK")
    {
        // What LoggerFactory.Create(b => b.AddOpenTelemetry(...)) builds, with the service provider kept so the
        // benchmark can ForceFlush the LoggerProvider (as Herald's side calls FlushAsync) instead of disposing it.
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = false;
            o.IncludeScopes = false;
            o.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Endpoint = new Uri(sink.BaseUrl + "/v1/logs"); // HttpProtobuf: the full URL, used as it is
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                processor.ExportProcessorType = ExportProcessorType.Batch;
                processor.BatchExportProcessorOptions.MaxQueueSize = Math.Max(maxQueue, 2048);
                processor.BatchExportProcessorOptions.MaxExportBatchSize = batch;
            });
        }));
        _services = services.BuildServiceProvider();
        _logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger("Herald.Benchmarks.Loop");
        _provider = _services.GetRequiredService<LoggerProvider>();
    }

    protected override void Emit(int events)
    {
        long first = _emitted;
        LoopTick t = _tick;
        for (int i = 0; i < events; i++) OtelLoopTick.Log(_logger, first + i, t.DurationMs, t.AgentCount, t.EventsEmitted);
        _emitted += events;
    }

    protected override void Flush()
    {
        if (!_provider.ForceFlush(60_000)) throw new InvalidOperationException("OpenTelemetry's ForceFlush timed out or failed");
    }

    public override void Dispose() => _services.Dispose();
}

/// <summary>
/// The OpenTelemetry side's log call: compile-time logging source generation (<c>[LoggerMessage]</c>), which the
/// OpenTelemetry .NET logging docs recommend for performance — no params array, no boxing before the level check,
/// a generated struct state that the SDK reads as attributes. The event name is <c>loop.tick</c>; the fields are
/// attributes with the schema's types (int64, double, int32, int32), and the message is <c>loop.tick</c> alone, so the
/// record's body is the same string Herald's carries (Herald's body is the event type). Parameters that the message
/// does not name are still attributes of the record (SYSLIB1015 only warns about it).
/// </summary>
internal static partial class OtelLoopTick
{
#pragma warning disable SYSLIB1015, CA1707 // attribute names as on Herald's side; not words of the message
    [LoggerMessage(EventId = 1, EventName = "loop.tick", Level = LogLevel.Information, Message = "loop.tick")]
    public static partial void Log(ILogger logger, long tick, double duration_ms, int agent_count, int events_emitted);
#pragma warning restore SYSLIB1015, CA1707
}

/// <summary>
/// <c>otlp</c> command: both sides alternately, R rounds of N records each after one warm-up round each, with one
/// shared sink. Per round: events/s end to end (N / time from the first emit until the sink has counted N) and bytes
/// allocated per event by the whole process (<c>GC.GetTotalAllocatedBytes(precise: true)</c> delta / N: the emitting
/// thread, Herald's worker, the OpenTelemetry batch exporter thread, HttpClient — the sink is another process), plus
/// CPU time per event of this process and the GCs. Then the medians and the ratios against the bars.
/// Run: dotnet bench/Herald.Benchmarks/bin/Release/net10.0/Herald.Benchmarks.dll otlp [--events N] [--otel-events N] [--rounds R] [--otel-batch B]
/// </summary>
internal static class OtlpExportProbe
{
    private readonly record struct Round(double EventsPerSecond, double BytesPerEvent, double CpuNsPerEvent, int Gen0, int Gen1, int Gen2, double RecordsPerRequest, double WireBytesPerRecord);

    public static void Run(string[] args)
    {
        int events = 1_000_000, otelEvents = 0, rounds = 3, batch = OpenTelemetryOtlpSide.DefaultBatch;
        for (int i = 1; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--events" when i + 1 < args.Length: events = Next(); break;
                case "--otel-events" when i + 1 < args.Length: otelEvents = Next(); break;
                case "--rounds" when i + 1 < args.Length: rounds = Next(); break;
                case "--otel-batch" when i + 1 < args.Length: batch = Next(); break;
                default: throw new ArgumentException($"otlp: unknown argument '{args[i]}' (options: --events N, --otel-events N, --rounds R, --otel-batch B)");
            }
        }
        if (otelEvents == 0) otelEvents = events;
        foreach (string variable in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(v => v.StartsWith("OTEL_", StringComparison.Ordinal)))
            Console.WriteLine($"warning: {variable} is set; both sides read the OTEL_* variables");

        Console.WriteLine($"OTLP/HTTP protobuf export of loop.tick, end to end to a Kestrel sink in a child process; {Environment.ProcessorCount} CPUs, " +
            $".NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"Herald: {events:N0} events a round; OpenTelemetry SDK 1.20.1: {otelEvents:N0} a round (MaxQueueSize {Math.Max(otelEvents, 2048):N0}, " +
            $"MaxExportBatchSize {batch}); {rounds} round(s) after one warm-up round each");

        using OtlpSink sink = OtlpSink.Start();
        using var herald = new HeraldOtlpSide(sink);
        using var otel = new OpenTelemetryOtlpSide(sink, otelEvents, batch);
        var sides = new (OtlpSide Side, int Events, List<Round> Rounds)[] { (herald, events, new()), (otel, otelEvents, new()) };

        // What each side puts on the wire: one request of 3 records, decoded by structure.
        foreach (var (side, _, _) in sides)
        {
            sink.ArmSample();
            side.Run(3);
            Console.WriteLine($"  {side.Name,-18} on the wire: {OtlpStructure.Describe(sink.TakeSample(TimeSpan.FromSeconds(10)))}");
        }

        foreach (var (side, n, _) in sides)
        {
            Round warm = Measure(sink, side, n);
            Console.WriteLine($"  warm-up {side.Name,-18} {Format(warm)}");
        }
        for (int r = 0; r < rounds; r++)
            foreach (var (side, n, list) in sides)
            {
                Round round = Measure(sink, side, n);
                list.Add(round);
                Console.WriteLine($"  round {r} {side.Name,-18} {Format(round)}");
            }

        Round h = Median(sides[0].Rounds), o = Median(sides[1].Rounds);
        Console.WriteLine();
        Console.WriteLine($"median {herald.Name,-18} {Format(h)}");
        Console.WriteLine($"median {otel.Name,-18} {Format(o)}");
        double speed = h.EventsPerSecond / o.EventsPerSecond, memory = h.BytesPerEvent / o.BytesPerEvent;
        Console.WriteLine($"Herald / OpenTelemetry events/s: {speed:F2}x (bar >= 5x: {(speed >= 5 ? "met" : "NOT met")}); " +
            $"allocated bytes/event: {memory:F4} = 1/{1 / memory:F0} (bar <= 1/100: {(memory <= 0.01 ? "met" : "NOT met")})");
    }

    private static Round Measure(OtlpSink sink, OtlpSide side, int events)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long requests = sink.RequestsReceived, wire = sink.BytesReceived;
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long started = Stopwatch.GetTimestamp();
        side.Run(events);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
        long requestsAfter = sink.RequestsReceived;
        return new Round(events / elapsed.TotalSeconds, (double)(allocatedAfter - allocated) / events, (cpuAfter - cpu).TotalNanoseconds / events,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            (double)events / Math.Max(1, requestsAfter - requests), (double)(sink.BytesReceived - wire) / events);
    }

    private static Round Median(List<Round> rounds) => new(
        MedianOf(rounds.Select(r => r.EventsPerSecond)), MedianOf(rounds.Select(r => r.BytesPerEvent)), MedianOf(rounds.Select(r => r.CpuNsPerEvent)),
        (int)MedianOf(rounds.Select(r => (double)r.Gen0)), (int)MedianOf(rounds.Select(r => (double)r.Gen1)), (int)MedianOf(rounds.Select(r => (double)r.Gen2)),
        MedianOf(rounds.Select(r => r.RecordsPerRequest)), MedianOf(rounds.Select(r => r.WireBytesPerRecord)));

    private static double MedianOf(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Format(Round r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.EventsPerSecond / 1e6,6:F3} M events/s  {r.BytesPerEvent,8:F1} B allocated/event  {r.CpuNsPerEvent,7:F0} ns CPU/event  " +
        $"GCs {r.Gen0}/{r.Gen1}/{r.Gen2}  {r.RecordsPerRequest,5:F0} records/request  {r.WireBytesPerRecord,5:F1} wire B/record");
}
