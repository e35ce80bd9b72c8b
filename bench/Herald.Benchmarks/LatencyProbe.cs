using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Herald.Events;
using Herald.Transports;

namespace Herald.Benchmarks;

/// <summary>
/// What the game loop feels: a 60 Hz loop emitting 1,000 loop.tick events per tick into a file (worker live), each
/// Emit timed with the TSC-backed Stopwatch. Warms up for 3 s (tier-0 code otherwise), then measures 10 s. Reports
/// percentiles with the cost of the timer reads subtracted (measured the same way around an empty region).
/// Runs Herald's publisher (emit queue: copy on emit, the worker serializes), then the lean typed-ring prototype it was
/// built from (TypedRing.cs) on the same loop, so Herald's overhead over the bare design shows in one run.
/// With <c>stalled</c>, the same loop runs three times in <c>drop_oldest</c> mode — a transport that does no I/O, one
/// whose every send sleeps 50 ms (it drains ~10,000 events/s of the 60,000 emitted) and a tcp collector that accepts
/// and never reads — and prints the percentiles side by side: dropping must not make the game wait.
/// Run: dotnet run -c Release --project bench/Herald.Benchmarks -- latency [herald|stalled]
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

    /// <summary>
    /// The percentiles of one measured run, in ns with the timer pair subtracted; the maximum in µs; and the measured
    /// frames whose emits alone took longer than the frame (the game could not keep 60 Hz).
    /// </summary>
    private readonly record struct Latency(double P50, double P90, double P99, double P999, double MaxMicroseconds, int FramesOver, int Frames);

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

    /// <summary>
    /// <c>drop_oldest</c> (the default mode) against a transport with no I/O, one stuck in every send for 50 ms, and a tcp
    /// collector that never reads; the same loop, the same default buffer, one after the other, then side by side.
    /// </summary>
    public static void RunStalled()
    {
        using var silent = new SilentListener();
        var runs = new (string Name, Func<TelemetryPublisher> Create)[]
        {
            ("no I/O (transport returns at once)", () => TelemetryPublisher.Create(DropOldest("stdout"), new NullTransport())),
            ("transport sleeping 50 ms per send", () => TelemetryPublisher.Create(DropOldest("stdout"), new SleepingTransport(TimeSpan.FromMilliseconds(50)))),
            ("tcp collector that never reads", () => TelemetryPublisher.Create(DropOldest("tcp", $"127.0.0.1:{silent.Port}"))),
        };
        var results = new (string Name, Latency Latency, TransportStatus Status)[runs.Length];
        for (int i = 0; i < runs.Length; i++)
        {
            Console.WriteLine($"drop_oldest, {runs[i].Name}:");
            TelemetryPublisher telemetry = runs[i].Create();
            Latency latency = Measure(new Publisher(telemetry));
            TransportStatus status = telemetry.TransportStatus;
            telemetry.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine($"status: emitted {status.EventsEmitted:N0}, flushed {status.PayloadsFlushedTotal:N0}, dropped {status.DroppedMessages:N0}, queue peak {status.QueueLengthPeak:N0}");
            results[i] = (runs[i].Name, latency, status);
        }

        Console.WriteLine();
        Console.WriteLine($"{"drop_oldest, 60 Hz x 1,000 loop.tick",-38} {"p50",9} {"p90",9} {"p99",9} {"p99.9",9} {"max",9} {"frames over 16.7 ms",20} {"dropped",12}");
        foreach (var (name, l, status) in results)
        {
            Console.WriteLine($"{name,-38} {l.P50,6:F0} ns {l.P90,6:F0} ns {l.P99,6:F0} ns {l.P999 / 1000,6:F1} µs {l.MaxMicroseconds,6:F0} µs " +
                $"{$"{l.FramesOver} of {l.Frames}",20} {status.DroppedMessages,12:N0}");
        }
    }

    private static TelemetryOptions DropOldest(string type, string? endpoint = null) => new()
    {
        ShutdownTimeout = TimeSpan.FromSeconds(1),
        Transport = new TransportOptions { Type = type, Endpoint = endpoint, Worker = new WorkerOptions { Backpressure = BackpressureMode.DropOldest } },
    };

    /// <summary>A transport stuck in every send for a fixed time, then successful: a collector slower than the game.</summary>
    private sealed class SleepingTransport(TimeSpan perSend) : ITransport
    {
        public string Provider => "sleeping";
        public bool AuthEnabled => false;

        public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
        {
            await Task.Delay(perSend, cancellationToken);
            return SendResult.Success;
        }

        public ValueTask DisposeAsync() => default;
    }

    /// <summary>A collector on 127.0.0.1 that accepts connections and never reads (a 4 KiB receive window).</summary>
    private sealed class SilentListener : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly System.Collections.Generic.List<Socket> _accepted = new();

        public SilentListener()
        {
            _listener.ReceiveBufferSize = 4096;
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen();
            Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        Socket client = await _listener.AcceptAsync();
                        lock (_accepted) _accepted.Add(client);
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            _listener.Dispose();
            lock (_accepted) foreach (Socket s in _accepted) s.Dispose();
        }
    }

    private static Latency Measure<TEmitter>(TEmitter emitter) where TEmitter : struct, IEmitter
    {
        LoopTick tick = Payloads.Tick;
        const int PerTick = 1_000;
        var samples = new long[600 * PerTick];
        var empty = new long[600 * PerTick];
        int count = 0;
        long frame = Stopwatch.Frequency / 60;
        var clock = Stopwatch.StartNew();
        bool measuring = false;
        int frames = 0, framesOver = 0;
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
            if (measuring)
            {
                frames++;
                if (Stopwatch.GetTimestamp() - frameStart > frame) framesOver++;
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
        Console.WriteLine($"  max: {sorted[^1] * ns / 1000:F1} µs; frames whose emits alone took longer than the frame: {framesOver} of {frames}");
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
        return new Latency(Pct(sorted, 0.5) - overhead, Pct(sorted, 0.9) - overhead, Pct(sorted, 0.99) - overhead, Pct(sorted, 0.999) - overhead, sorted[^1] * ns / 1000, framesOver, frames);
    }
}
