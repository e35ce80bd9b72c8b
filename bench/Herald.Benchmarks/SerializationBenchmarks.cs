using System;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Herald.Events;

namespace Herald.Benchmarks;

/// <summary>
/// Herald's generated writer and reader against System.Text.Json source generation, side by side, on the
/// hot event (loop.tick) and the large one (loop.failure). Both write into a reused buffer; STJ through a
/// reused Utf8JsonWriter with relaxed escaping. Setup fails if the two do not produce identical bytes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter _writer = null!;
    private LoopTick _tick;
    private LoopFailure _failure = null!;
    private TickDto _tickDto = null!;
    private FailureDto _failureDto = null!;
    private byte[] _tickJson = null!;
    private byte[] _failureJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        _tick = Payloads.Tick;
        _failure = Payloads.Failure;
        _tickDto = Payloads.TickDto;
        _failureDto = Payloads.FailureDto;

        _tickJson = WriteHerald(_tick);
        _failureJson = WriteHerald(_failure);
        Require(_tickJson, WriteStj(() => JsonSerializer.Serialize(_writer, _tickDto, MirrorContext.Default.TickDto)), "loop.tick");
        Require(_failureJson, WriteStj(() => JsonSerializer.Serialize(_writer, _failureDto, MirrorContext.Default.FailureDto)), "loop.failure");
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write loop.tick")]
    public int Stj_write_tick()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        JsonSerializer.Serialize(_writer, _tickDto, MirrorContext.Default.TickDto);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("write loop.tick")]
    public int Herald_write_tick()
    {
        _buffer.ResetWrittenCount();
        LoopTick.Write(_buffer, in _tick);
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write loop.failure")]
    public int Stj_write_failure()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        JsonSerializer.Serialize(_writer, _failureDto, MirrorContext.Default.FailureDto);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("write loop.failure")]
    public int Herald_write_failure()
    {
        _buffer.ResetWrittenCount();
        LoopFailure.Write(_buffer, _failure);
        return _buffer.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("read loop.tick")]
    public long Stj_read_tick() => JsonSerializer.Deserialize(_tickJson, MirrorContext.Default.TickDto)!.Tick;

    [Benchmark, BenchmarkCategory("read loop.tick")]
    public long Herald_read_tick() => LoopTick.Read(_tickJson).Tick;

    [Benchmark(Baseline = true), BenchmarkCategory("read loop.failure")]
    public long Stj_read_failure() => JsonSerializer.Deserialize(_failureJson, MirrorContext.Default.FailureDto)!.Tick;

    [Benchmark, BenchmarkCategory("read loop.failure")]
    public long Herald_read_failure() => LoopFailure.Read(_failureJson).Tick;

    private byte[] WriteHerald<TEvent>(TEvent value) where TEvent : IEvent<TEvent>
    {
        _buffer.ResetWrittenCount();
        TEvent.Write(_buffer, in value);
        return _buffer.WrittenSpan.ToArray();
    }

    private byte[] WriteStj(Action serialize)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        serialize();
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    private static void Require(byte[] herald, byte[] stj, string name)
    {
        if (!herald.AsSpan().SequenceEqual(stj))
            throw new InvalidOperationException($"{name}: outputs differ\nherald: {System.Text.Encoding.UTF8.GetString(herald)}\nstj:    {System.Text.Encoding.UTF8.GetString(stj)}");
    }
}
