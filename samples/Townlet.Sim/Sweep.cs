using System.Diagnostics;
using Herald;

namespace Townlet.Sim;

/// <summary>
/// Sweep mode: the same seed under a grid of <c>max_batch_size</c> × <c>flush_interval_ticks</c> ×
/// <c>worker_poll_seconds</c>, each to its own JSONL file, with the figures a user tunes by.
/// </summary>
internal static class Sweep
{
    public static async Task RunAsync(SimSettings settings, TelemetryOptions baseline)
    {
        int[] batches = [32, 256, 1024];
        int[] flushTicks = [1, 10];
        double[] polls = [0.05, 0.5];
        string directory = Path.Combine("telemetry", "sweep");
        Directory.CreateDirectory(directory);
        Console.WriteLine($"sweep: {settings.Ticks:N0} ticks per run, seed {settings.Seed}, backpressure {baseline.Transport.Worker.Backpressure}, files in {Path.GetFullPath(directory)}");
        Console.WriteLine();
        await using (var warm = TelemetryPublisher.Create(baseline with { Transports = [], Transport = baseline.Transport with { Type = "file", FilePath = Path.Combine(directory, "warmup.jsonl") } }))
            new Simulation(settings, warm).Run(); // first-use and JIT costs stay out of the first row
        File.Delete(Path.Combine(directory, "warmup.jsonl"));
        Console.WriteLine("| max_batch_size | flush_interval_ticks | worker_poll_seconds | avg tick (µs) | events/s | peak queue | dropped |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int batch in batches)
        foreach (int flush in flushTicks)
        foreach (double poll in polls)
        {
            string file = Path.Combine(directory, $"b{batch}_f{flush}_p{poll.ToString(System.Globalization.CultureInfo.InvariantCulture)}.jsonl");
            File.Delete(file);
            TelemetryOptions options = baseline with
            {
                Transports = [],
                Transport = baseline.Transport with
                {
                    Type = "file",
                    FilePath = file,
                    WorkerPollSeconds = poll,
                    Buffer = baseline.Transport.Buffer with { MaxBatchSize = batch, FlushIntervalTicks = flush },
                },
            };
            var clock = Stopwatch.StartNew();
            SimResult result;
            TransportStatus status;
            await using (var publisher = TelemetryPublisher.Create(options))
            {
                result = new Simulation(settings, publisher).Run();
                await publisher.FlushAsync();
                status = publisher.TransportStatus;
            }
            double rate = status.PayloadsFlushedTotal / clock.Elapsed.TotalSeconds;
            Console.WriteLine($"| {batch} | {flush} | {poll:0.##} | {result.AverageTickMicroseconds:0.00} | {rate:N0} | {status.QueueLengthPeak:N0} | {status.DroppedMessages:N0} |");
        }
    }
}
