using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Herald.Events;
using Herald.Transports.Otlp;

namespace Herald.Benchmarks;

/// <summary>Time to transcode one batch of loop.tick envelopes to an OTLP request, per event (worker-side cost).</summary>
internal static class OtlpEncodeProbe
{
    public static void Run()
    {
        string line = "{\"id\":\"evt_loop_1703001234567_a1b2c3\",\"type\":\"loop.tick\",\"source\":\"simulation_loop\",\"target\":null,\"timestamp\":1703001234.567,\"payload\":{\"tick\":1201,\"duration_ms\":16.667,\"agent_count\":128,\"events_emitted\":42},\"meta\":{\"correlation_id\":null,\"trace_id\":null,\"span_id\":null,\"version\":\"1.0\"}}\n";
        byte[] batch = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 226)));
        OtlpResource resource = OtlpResource.Resolve(null, null, _ => null);
        var types = new OtlpPayloadTypes(HeraldEvents.Registry);
        var encoder = new OtlpProtobufEncoder(resource, types);
        for (int round = 0; round < 5; round++)
        {
            const int Batches = 20_000;
            long start = Stopwatch.GetTimestamp();
            int bytes = 0;
            for (int i = 0; i < Batches; i++) bytes += encoder.Encode(batch).Length;
            double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (Batches * 226.0);
            Console.WriteLine($"round {round}: {ns:F1} ns per event ({bytes / Batches} bytes per request)");
        }
    }
}
