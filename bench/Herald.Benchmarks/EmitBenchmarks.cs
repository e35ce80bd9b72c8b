using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Herald.Events;

namespace Herald.Benchmarks;

/// <summary>
/// The cost of <c>Emit</c> on the caller's thread with the worker live: into a null transport (ns and bytes per
/// event), and sustained throughput into a JSONL file (block mode, so nothing is dropped and every event is
/// written; the time includes the final flush).
/// </summary>
[MemoryDiagnoser]
public class EmitBenchmarks
{
    private const int PerInvoke = 1_000;
    private const int SustainedEvents = 1_000_000;
    private TelemetryPublisher _nullSink = null!;
    private TelemetryPublisher? _fileSink;
    private TypedRing<LoopTick> _typedNull = null!;
    private TypedRing<LoopTick>? _typedFile;
    private string _directory = null!;
    private LoopTick _tick;
    private LoopFailure _failure = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tick = Payloads.Tick;
        _failure = Payloads.Failure;
        _nullSink = TelemetryPublisher.Create(new TelemetryOptions(), new NullTransport());
        _typedNull = new TypedRing<LoopTick>(Stream.Null);
        _directory = Path.Combine(Path.GetTempPath(), "herald-bench-" + Guid.NewGuid().ToString("N"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nullSink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _typedNull.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public void Emit_tick_to_null_transport()
    {
        for (int i = 0; i < PerInvoke; i++) _nullSink.Emit(in _tick);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public void Emit_failure_to_null_transport()
    {
        for (int i = 0; i < PerInvoke; i++) _nullSink.Emit(_failure);
    }

    [IterationSetup(Targets = new[] { nameof(Sustained_tick_to_file), nameof(Sustained_failure_to_file) })]
    public void OpenFile()
    {
        _fileSink = TelemetryPublisher.Create(new TelemetryOptions
        {
            Transport = new TransportOptions
            {
                Type = "file",
                FilePath = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".jsonl"),
                Worker = new WorkerOptions { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 60 },
            },
        });
    }

    [IterationCleanup(Targets = new[] { nameof(Sustained_tick_to_file), nameof(Sustained_failure_to_file) })]
    public void CloseFile()
    {
        _fileSink!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        TransportStatus status = _fileSink.TransportStatus;
        if (status.DroppedMessages != 0) throw new InvalidOperationException($"{status.DroppedMessages} events dropped in block mode");
        foreach (string file in Directory.GetFiles(_directory)) File.Delete(file);
    }

    [Benchmark(OperationsPerInvoke = SustainedEvents)]
    public void Sustained_tick_to_file()
    {
        for (int i = 0; i < SustainedEvents; i++) _fileSink!.Emit(in _tick);
        _fileSink!.FlushAsync().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = SustainedEvents)]
    public void Sustained_failure_to_file()
    {
        for (int i = 0; i < SustainedEvents; i++) _fileSink!.Emit(_failure);
        _fileSink!.FlushAsync().GetAwaiter().GetResult();
    }

    // The typed-ring prototype (TypedRing.cs): the other hand-off design, measured side by side (issue 4).

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public void Typed_ring_emit_tick_to_null_stream()
    {
        for (int i = 0; i < PerInvoke; i++) _typedNull.Emit(in _tick);
    }

    [IterationSetup(Target = nameof(Typed_ring_sustained_tick_to_file))]
    public void OpenTypedFile()
    {
        Directory.CreateDirectory(_directory);
        var file = new FileStream(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".jsonl"), FileMode.Create, FileAccess.Write, FileShare.Read, 1);
        _typedFile = new TypedRing<LoopTick>(file);
    }

    [IterationCleanup(Target = nameof(Typed_ring_sustained_tick_to_file))]
    public void CloseTypedFile()
    {
        _typedFile!.Dispose();
        foreach (string file in Directory.GetFiles(_directory))
        {
            try { File.Delete(file); } catch (IOException) { }
        }
    }

    [Benchmark(OperationsPerInvoke = SustainedEvents)]
    public void Typed_ring_sustained_tick_to_file()
    {
        for (int i = 0; i < SustainedEvents; i++) _typedFile!.Emit(in _tick);
        _typedFile!.Flush();
    }
}
