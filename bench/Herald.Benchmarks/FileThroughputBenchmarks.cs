using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Herald.Events;
using Microsoft.Extensions.Logging;
using NLog.Layouts;
using NLog.Targets;
using NLog.Targets.Wrappers;
using Serilog;
using Serilog.Formatting.Compact;
using ZLogger;

namespace Herald.Benchmarks;

/// <summary>
/// Sustained throughput to a JSONL file, side by side: Herald against the loggers a game would otherwise use to
/// write the same loop.tick fields as JSON lines through a background writer — ZLogger (JSON formatter), Serilog
/// with Sinks.Async (compact JSON) and NLog's async wrapper (JsonLayout). Each writes <see cref="Events"/> events
/// without dropping any (blocking when full) and the time includes the final flush; every file is checked to hold
/// exactly that many lines.
/// </summary>
[MemoryDiagnoser]
public class FileThroughputBenchmarks
{
    private const int Events = 1_000_000;
    private string _directory = null!;
    private string _path = null!;
    private LoopTick _tick;
    private TelemetryPublisher? _herald;
    private ILoggerFactory? _zloggerFactory;
    private Microsoft.Extensions.Logging.ILogger? _zlogger;
    private Serilog.Core.Logger? _serilog;
    private NLog.LogFactory? _nlogFactory;
    private NLog.Logger? _nlog;

    [GlobalSetup]
    public void Setup()
    {
        _tick = Payloads.Tick;
        _directory = Path.Combine(Path.GetTempPath(), "herald-peers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    private void NewFile() => _path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".jsonl");

    [IterationSetup(Target = nameof(Herald_loop_tick))]
    public void OpenHerald()
    {
        NewFile();
        _herald = TelemetryPublisher.Create(new TelemetryOptions
        {
            Transport = new TransportOptions
            {
                Type = "file",
                FilePath = _path,
                Worker = new WorkerOptions { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 60 },
            },
        });
    }

    [IterationSetup(Target = nameof(ZLogger_json))]
    public void OpenZLogger()
    {
        NewFile();
        _zloggerFactory = LoggerFactory.Create(b => b.AddZLoggerFile(_path, o => o.UseJsonFormatter()));
        _zlogger = _zloggerFactory.CreateLogger("bench");
    }

    [IterationSetup(Target = nameof(Serilog_async_compact_json))]
    public void OpenSerilog()
    {
        NewFile();
        _serilog = new LoggerConfiguration()
            .WriteTo.Async(a => a.File(new CompactJsonFormatter(), _path, buffered: true), bufferSize: 100_000, blockWhenFull: true)
            .CreateLogger();
    }

    [IterationSetup(Target = nameof(NLog_async_json))]
    public void OpenNLog()
    {
        NewFile();
        _nlogFactory = new NLog.LogFactory();
        var config = new NLog.Config.LoggingConfiguration(_nlogFactory);
        var file = new FileTarget("file")
        {
            FileName = _path,
            AutoFlush = false,
            Layout = new JsonLayout { IncludeEventProperties = true, Attributes = { new JsonAttribute("message", "${message:raw=true}") } },
        };
        var async = new AsyncTargetWrapper("async", file) { OverflowAction = AsyncTargetWrapperOverflowAction.Block, QueueLimit = 100_000 };
        config.AddRuleForAllLevels(async);
        _nlogFactory.Configuration = config;
        _nlog = _nlogFactory.GetLogger("bench");
    }

    [IterationCleanup]
    public void CheckFile()
    {
        _herald?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _zloggerFactory?.Dispose();
        _serilog?.Dispose();
        _nlogFactory?.Shutdown();
        _herald = null;
        _zloggerFactory = null;
        _serilog = null;
        _nlogFactory = null;
        int lines = 0;
        foreach (string _ in File.ReadLines(_path)) lines++;
        File.Delete(_path);
        if (lines != Events) throw new InvalidOperationException($"{_path}: {lines} lines, expected {Events}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void Herald_loop_tick()
    {
        for (int i = 0; i < Events; i++) _herald!.Emit(in _tick);
        _herald!.FlushAsync().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void ZLogger_json()
    {
        LoopTick t = _tick;
        for (int i = 0; i < Events; i++)
            _zlogger!.ZLogInformation($"loop.tick {t.Tick:@tick} {t.DurationMs:@duration_ms} {t.AgentCount:@agent_count} {t.EventsEmitted:@events_emitted}");
        _zloggerFactory!.Dispose(); // ZLogger flushes on dispose only
        _zloggerFactory = null;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Serilog_async_compact_json()
    {
        LoopTick t = _tick;
        for (int i = 0; i < Events; i++)
            _serilog!.Information("loop.tick {tick} {duration_ms} {agent_count} {events_emitted}", t.Tick, t.DurationMs, t.AgentCount, t.EventsEmitted);
        _serilog!.Dispose(); // drains the async queue and flushes the file
        _serilog = null;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void NLog_async_json()
    {
        LoopTick t = _tick;
        for (int i = 0; i < Events; i++)
            _nlog!.Info("loop.tick {tick} {duration_ms} {agent_count} {events_emitted}", t.Tick, t.DurationMs, t.AgentCount, t.EventsEmitted);
        _nlogFactory!.Flush(TimeSpan.FromSeconds(60));
    }
}
