using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Herald.Events;

namespace Herald.Benchmarks;

/// <summary>
/// What the game loop feels: a 60 Hz loop emitting 1,000 loop.tick events per tick into a file (worker live), each
/// Emit timed with the TSC-backed Stopwatch. Warms up for 3 s (tier-0 code otherwise), then measures 10 s. Reports
/// percentiles with the cost of the timer reads subtracted (measured the same way around an empty region).
/// Runs Herald's publisher (emit queue: copy on emit, the worker serializes), then the lean typed-ring prototype it was
/// built from (TypedRing.cs) on the same loop, so Herald's overhead over the bare design shows in one run.
/// Run: dotnet run -c Release --project bench/Herald.Benchmarks -- latency [herald]
/// </summary>
internal static class LatencyProbe
{
    private interface IEmitter
    {
        void Emit(in LoopTick tick);

        void Tick(long n);
    }

    private readonly struct Publisher(TelemetryPublisher telemetry) : IEmitter
    {
        public void Emit(in LoopTick tick) => telemetry.Emit(in tick);

        public void Tick(long n) => telemetry.Tick(n);
    }

    private readonly struct Ring(TypedRing<LoopTick> ring) : IEmitter
    {
        public void Emit(in LoopTick tick) => ring.Emit(in tick);

        public void Tick(long n) { }
    }

    /// <param name="heraldOnly">Skip the prototype (for quick A/B runs of a change).</param>
    public static void Run(bool heraldOnly = false)
    {
        string directory = Path.Combine(Path.GetTempPath(), "herald-latency-" + Guid.NewGuid().ToString("N"));
        var telemetry = TelemetryPublisher.Create(new TelemetryOptions
        {
            Transport = new TransportOptions { Type = "file", FilePath = Path.Combine(directory, "events.jsonl") },
        });
        Console.WriteLine("Herald publisher (emit queue: copy on emit, the worker serializes):");
        Measure(new Publisher(telemetry));
        TransportStatus status = telemetry.TransportStatus;
        telemetry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"status: emitted {status.EventsEmitted:N0}, flushed {status.PayloadsFlushedTotal:N0}, dropped {status.DroppedMessages:N0}, queue peak {status.QueueLengthPeak:N0}");

        if (heraldOnly)
        {
            Directory.Delete(directory, recursive: true);
            return;
        }
        Console.WriteLine("Typed-ring prototype (the lean bound: one type, no accounting):");
        using (var file = new FileStream(Path.Combine(directory, "typed.jsonl"), FileMode.Create, FileAccess.Write, FileShare.Read, 1))
        using (var ring = new TypedRing<LoopTick>(file))
            Measure(new Ring(ring));
        Directory.Delete(directory, recursive: true);
    }

    private static void Measure<TEmitter>(TEmitter emitter) where TEmitter : struct, IEmitter
    {
        LoopTick tick = Payloads.Tick;
        const int PerTick = 1_000;
        var samples = new long[600 * PerTick];
        var empty = new long[600 * PerTick];
        int count = 0;
        long frame = Stopwatch.Frequency / 60;
        var clock = Stopwatch.StartNew();
        bool measuring = false;
        long ticks = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(13))
        {
            long frameStart = Stopwatch.GetTimestamp();
            if (!measuring && clock.Elapsed > TimeSpan.FromSeconds(3)) measuring = true;
            for (int i = 0; i < PerTick; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                emitter.Emit(in tick);
                long t1 = Stopwatch.GetTimestamp();
                long t2 = Stopwatch.GetTimestamp();
                long t3 = Stopwatch.GetTimestamp();
                if (measuring && count < samples.Length)
                {
                    samples[count] = t1 - t0;
                    empty[count] = t3 - t2;
                    count++;
                }
            }
            emitter.Tick(++ticks);
            while (Stopwatch.GetTimestamp() - frameStart < frame) { } // the rest of the frame: the game's work
        }

        double ns = 1e9 / Stopwatch.Frequency;
        long[] sorted = samples.Take(count).OrderBy(x => x).ToArray();
        long[] baseline = empty.Take(count).OrderBy(x => x).ToArray();
        double Pct(long[] a, double p) => a[(int)Math.Min(a.Length - 1, p * a.Length)] * ns;
        double overhead = Pct(baseline, 0.5);
        Console.WriteLine($"  emits measured: {count:N0} over 10 s at 60 Hz x {PerTick} events/tick; timer read pair ≈ {overhead:F1} ns (subtracted)");
        foreach (double p in new[] { 0.5, 0.9, 0.99, 0.999 })
            Console.WriteLine($"  p{p * 100:0.#}: {Pct(sorted, p) - overhead,8:F1} ns   (raw {Pct(sorted, p),8:F1} ns)");
        Console.WriteLine($"  max: {sorted[^1] * ns / 1000:F1} µs");
        // Where in the frame the slow ones (beyond p99) fall: position 0 is the frame's first emit.
        long slow = sorted[(int)(0.99 * count)];
        var byPosition = new int[10];
        var firstTen = new int[10];
        for (int n = 0; n < count; n++)
        {
            if (samples[n] < slow) continue;
            int position = n % PerTick;
            byPosition[position * 10 / PerTick]++;
            if (position < 10) firstTen[position]++;
        }
        Console.WriteLine($"  emits at or beyond p99, by tenth of the frame: {string.Join(' ', byPosition)}; first ten positions: {string.Join(' ', firstTen)}");
    }
}
