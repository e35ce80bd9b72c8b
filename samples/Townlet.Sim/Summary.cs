using Herald;

namespace Townlet.Sim;

/// <summary>The end-of-run report: ticks, tick time with and without telemetry, events per type, bytes and the final status.</summary>
internal static class Summary
{
    public static void Print(SimResult telemetry, SimResult stub, TransportStatus status)
    {
        double overhead = (telemetry.AverageTickMicroseconds - stub.AverageTickMicroseconds) / stub.AverageTickMicroseconds * 100;
        long events = telemetry.EventsPerType.Values.Sum();
        Console.WriteLine();
        Console.WriteLine($"ticks       {telemetry.Ticks:N0} in {telemetry.WallSeconds:0.00} s; world checksum {telemetry.Checksum} (stub run: {stub.Checksum})");
        double perTick = telemetry.AverageTickMicroseconds - stub.AverageTickMicroseconds;
        Console.WriteLine($"tick time   {telemetry.AverageTickMicroseconds:0.00} µs with telemetry, {stub.AverageTickMicroseconds:0.00} µs with the stub sink: overhead {overhead:+0.0;-0.0} % of this tick (budget: < 2 %)");
        Console.WriteLine($"            = {perTick:+0.00;-0.00} µs per tick, {perTick / 16_667 * 100:+0.000;-0.000} % of a 60 Hz frame (this toy world's tick is tiny; a game's is milliseconds)");
        Console.WriteLine($"events      {events:N0} ({events / (double)telemetry.Ticks:0.00} per tick)");
        foreach (var (type, count) in telemetry.EventsPerType.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            Console.WriteLine($"            {count,9:N0}  {type}");
        if (telemetry.LastFailure is { } failure)
            Console.WriteLine($"failures    {telemetry.Failures}: last at tick {failure.Tick}: {failure.Error} (snapshot {failure.SnapshotPath ?? "not saved"})");
        Console.WriteLine($"transport   {status.Provider}: {status.EventsEmitted:N0} emitted, {status.PayloadsFlushedTotal:N0} flushed ({status.BytesFlushedTotal:N0} bytes), " +
                          $"{status.DroppedMessages:N0} dropped, queue {status.QueueLength}, peak queue {status.QueueLengthPeak:N0}, " +
                          $"send failures {status.SendFailuresTotal}, worker restarts {status.WorkerRestartCount}{(status.WorkerError is { } e ? ", last error: " + e : "")}");
        if (status.Transports.Count > 1)
        {
            foreach (TransportStatus t in status.Transports)
                Console.WriteLine($"            {t.Provider}: {t.PayloadsFlushedTotal:N0} flushed, {t.DroppedMessages:N0} dropped, queue {t.QueueLength}");
        }
    }
}
