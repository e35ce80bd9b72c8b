using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Herald.Events;

namespace Herald.Benchmarks;

/// <summary>
/// The cost of <c>Emit</c> on the caller's thread with the worker live: into a null transport (ns and bytes per
/// event), and sustained throughput into a JSONL file (block mode, so nothing is dropped and every event is
/// written; the time includes the final flush) — next to the floor for the latter: the same bytes written to a new
/// file in 64 KiB blocks with nothing to serialize, which on a shared VM moves by 3× from one minute to the next.
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
    private byte[] _tickBlock = null!, _failureBlock = null!;
    private long _tickBytes, _failureBytes;

    [GlobalSetup]
    public void Setup()
    {
        _tick = Payloads.Tick;
        _failure = Payloads.Failure;
        _nullSink = TelemetryPublisher.Create(new TelemetryOptions(), new NullTransport());
        _typedNull = new TypedRing<LoopTick>(Stream.Null);
        _directory = Path.Combine(Path.GetTempPath(), "herald-bench-" + Guid.NewGuid().ToString("N"));
        (_tickBlock, _tickBytes) = LinesOf(p => p.Emit(in _tick));
        (_failureBlock, _failureBytes) = LinesOf(p => p.Emit(_failure));
    }

    /// <summary>A 64 KiB block of the envelope lines Herald writes for one event, and the bytes of <see cref="SustainedEvents"/> of them.</summary>
    private static (byte[] Block, long Total) LinesOf(Action<TelemetryPublisher> emit)
    {
        var capture = new CaptureTransport();
        TelemetryPublisher publisher = TelemetryPublisher.Create(new TelemetryOptions(), capture);
        emit(publisher);
        publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        byte[] line = capture.First!;
        var block = new byte[64 * 1024];
        for (int at = 0; at < block.Length; at += line.Length) line.AsSpan(0, Math.Min(line.Length, block.Length - at)).CopyTo(block.AsSpan(at));
        return (block, (long)line.Length * SustainedEvents);
    }

    private sealed class CaptureTransport : Herald.Transports.ITransport
    {
        public byte[]? First { get; private set; }
        public string Provider => "capture";
        public bool AuthEnabled => false;
        public System.Threading.Tasks.ValueTask<Herald.Transports.SendResult> SendAsync(Herald.Transports.TransportBatch batch, System.Threading.CancellationToken cancellationToken)
        {
            First ??= batch.Lines.ToArray();
            return new(Herald.Transports.SendResult.Success);
        }
        public System.Threading.Tasks.ValueTask DisposeAsync() => default;
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

    [IterationSetup(Targets = new[] { nameof(Raw_write_of_the_tick_bytes), nameof(Raw_write_of_the_failure_bytes) })]
    public void CreateDirectory() => Directory.CreateDirectory(_directory);

    [IterationCleanup(Targets = new[] { nameof(Raw_write_of_the_tick_bytes), nameof(Raw_write_of_the_failure_bytes) })]
    public void DeleteFiles()
    {
        foreach (string file in Directory.GetFiles(_directory)) File.Delete(file);
    }

    [Benchmark(OperationsPerInvoke = SustainedEvents)]
    public void Raw_write_of_the_tick_bytes() => WriteRaw(_tickBlock, _tickBytes);

    [Benchmark(OperationsPerInvoke = SustainedEvents)]
    public void Raw_write_of_the_failure_bytes() => WriteRaw(_failureBlock, _failureBytes);

    /// <summary>What the file transport does per chunk, without anything to produce: the disk's share of the sustained numbers.</summary>
    private void WriteRaw(byte[] block, long total)
    {
        using var file = new FileStream(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".raw"), FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        for (long written = 0; written < total; written += block.Length) file.Write(block, 0, (int)Math.Min(block.Length, total - written));
    }

    // The typed-ring prototype (TypedRing.cs): the lean bound of Herald's emit queue, measured side by side.

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
