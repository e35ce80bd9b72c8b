using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Herald.Events;

namespace Herald.Benchmarks;

/// <summary>
/// A quick look at sustained throughput outside BenchmarkDotNet, for profiling (<c>perf record</c> with
/// <c>DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0</c>) and for trying changes: emits 2,000,000 events per
/// round into a null transport or a file (block mode), 8 rounds, and prints each next to the time the same bytes take
/// to write without Herald — on a VM whose disk swings 3× within a minute, that floor is what a file number means.
/// Writing to tmpfs (<c>/dev/shm</c>) leaves the disk's writeback out and shows what the two cores do.
/// With <c>--producers N</c>, N threads emit loop.tick into one publisher at once (2,000,000 events a round between them,
/// each tagged with its producer and sequence), and each round ends with a check of the ledger and of every producer's
/// order in what the transport received (null: checked as the batches pass; file: the file read back after the timing).
/// The order check parses every line on the worker's thread, which is the one thread every event passes; with
/// <c>--count-only</c> the null transport counts lines instead (the ledger is still checked), to measure the pipeline alone.
/// Run: dotnet run -c Release --project bench/Herald.Benchmarks -- sustained [null|file|typed] [tick|failure] [directory] [--producers N] [--rounds N] [--count-only]
/// </summary>
internal static class SustainedProbe
{
    public static void Run(string target, string kind, string under, int rounds = 8)
    {
        const int Events = 2_000_000;
        string directory = Path.Combine(under, "herald-sustained-" + Guid.NewGuid().ToString("N"));
        LoopTick tick = Payloads.Tick;
        LoopFailure failure = Payloads.Failure;
        for (int round = 0; round < rounds; round++)
        {
            var options = new TelemetryOptions
            {
                Transport = new TransportOptions
                {
                    Type = "file",
                    FilePath = Path.Combine(directory, round + ".jsonl"),
                    Worker = new WorkerOptions { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 60 },
                },
            };
            if (target == "typed")
            {
                Directory.CreateDirectory(directory);
                long t0 = Stopwatch.GetTimestamp();
                using (var ring = new TypedRing<LoopTick>(new FileStream(Path.Combine(directory, round + ".typed"), FileMode.Create, FileAccess.Write, FileShare.Read, 1)))
                {
                    for (int i = 0; i < Events; i++) ring.Emit(in tick);
                    ring.Flush();
                }
                Console.WriteLine($"round {round}: {Stopwatch.GetElapsedTime(t0).TotalNanoseconds / Events,6:F1} ns/event (typed-ring prototype)");
                foreach (string file in Directory.GetFiles(directory)) File.Delete(file);
                continue;
            }
            TelemetryPublisher publisher = target == "null" ? TelemetryPublisher.Create(options, new NullTransport()) : TelemetryPublisher.Create(options);
            long started = Stopwatch.GetTimestamp();
            if (kind == "failure")
                for (int i = 0; i < Events; i++) publisher.Emit(failure);
            else
                for (int i = 0; i < Events; i++) publisher.Emit(in tick);
            publisher.FlushAsync().GetAwaiter().GetResult();
            double ns = Stopwatch.GetElapsedTime(started).TotalNanoseconds / Events;
            TransportStatus status = publisher.TransportStatus;
            publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.CreateDirectory(directory);
            // The floor at this moment: the same number of bytes written in 64 KiB blocks, no serializing. Only for a
            // file run: its writeback keeps the kernel busy on these two cores for seconds after.
            long bytes = status.BytesFlushedTotal;
            double rawNs = double.NaN;
            if (target == "file")
            {
                var block = new byte[64 * 1024];
                long rawStart = Stopwatch.GetTimestamp();
                using (var raw = new FileStream(Path.Combine(directory, "raw.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1))
                    for (long w = 0; w < bytes; w += block.Length) raw.Write(block);
                rawNs = Stopwatch.GetElapsedTime(rawStart).TotalNanoseconds / Events;
            }
            Console.WriteLine($"round {round}: {ns,6:F1} ns/event = {1000 / ns,5:F2} M/s  (flushed {status.PayloadsFlushedTotal:N0}, dropped {status.DroppedMessages}); " +
                $"the same {bytes / 1e6:F0} MB written raw in 64 KiB blocks right after: {rawNs:F1} ns/event");
            if (Directory.Exists(directory)) foreach (string file in Directory.GetFiles(directory)) File.Delete(file);
        }
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// <paramref name="producers"/> threads emit loop.tick into one publisher (block mode) at once, 2,000,000 events a
    /// round between them; the total rate, then the ledger (emitted = flushed, nothing dropped) and each producer's order
    /// in what the transport received.
    /// </summary>
    public static void RunProducers(string target, string under, int producers, int rounds, bool countOnly = false)
    {
        if (target is not ("null" or "file"))
        {
            Console.WriteLine("--producers runs against the null transport or a file");
            return;
        }
        const int Events = 2_000_000;
        int perProducer = Events / producers;
        long total = (long)perProducer * producers;
        string directory = Path.Combine(under, "herald-sustained-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"{producers} producer(s) x {perProducer:N0} loop.tick into one publisher, {target}, block mode" + (countOnly && target == "null" ? ", lines counted, order not checked" : ""));
        for (int round = 0; round < rounds; round++)
        {
            string path = Path.Combine(directory, round + ".jsonl");
            var options = new TelemetryOptions
            {
                Transport = new TransportOptions
                {
                    Type = "file",
                    FilePath = path,
                    Worker = new WorkerOptions { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 60 },
                },
            };
            var order = new ProducerOrder(producers);
            TelemetryPublisher publisher = target == "null" ? TelemetryPublisher.Create(options, new ProducerOrder.CheckingTransport(order, countOnly)) : TelemetryPublisher.Create(options);
            using var start = new Barrier(producers + 1);
            var threads = new Thread[producers];
            for (int p = 0; p < producers; p++)
            {
                int producer = p;
                threads[p] = new Thread(() =>
                {
                    start.SignalAndWait();
                    for (int s = 0; s < perProducer; s++)
                        publisher.Emit(new LoopTick { Tick = s, DurationMs = 16.667, AgentCount = producer, EventsEmitted = 42 });
                }) { Name = "producer " + p };
                threads[p].Start();
            }
            start.SignalAndWait();
            long started = Stopwatch.GetTimestamp();
            foreach (Thread thread in threads) thread.Join();
            publisher.FlushAsync().GetAwaiter().GetResult();
            double ns = Stopwatch.GetElapsedTime(started).TotalNanoseconds / total;
            publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
            TransportStatus status = publisher.TransportStatus;

            if (target == "file") order.CheckFile(path);
            bool ledger = status.EventsEmitted == total && status.PayloadsFlushedTotal + status.DroppedMessages == status.EventsEmitted && status.QueueLength == 0;
            string verdict = (ledger ? "ledger exact" : "LEDGER BROKEN") +
                $" (emitted {status.EventsEmitted:N0}, flushed {status.PayloadsFlushedTotal:N0}, dropped {status.DroppedMessages:N0}, lines {order.Lines:N0}); " +
                (order.Lines != status.PayloadsFlushedTotal ? $"LINES {order.Lines:N0} != FLUSHED"
                    : countOnly && target == "null" ? "order not checked"
                    : order.Breaks == 0 ? "every producer in order" : $"ORDER BROKEN {order.Breaks:N0} times, first: {order.FirstBreak}");
            Console.WriteLine($"round {round}: {ns,6:F1} ns/event = {1000 / ns,5:F2} M/s in total; {verdict}");
            if (Directory.Exists(directory)) foreach (string file in Directory.GetFiles(directory)) File.Delete(file);
        }
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
