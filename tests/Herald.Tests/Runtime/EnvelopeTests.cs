using System.Text.Json;
using System.Text.RegularExpressions;
using Herald.Events;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Runtime;

/// <summary>The Herald envelope 1.1 (charter 1.0 with the trace keys), one per line.</summary>
public sealed class EnvelopeTests
{
    [Fact]
    public async Task Every_event_is_wrapped_in_the_charter_envelope()
    {
        var transport = new RecordingTransport();
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            publisher.Emit(Tick(7));
            using (Correlation.Begin("req-42")) publisher.Emit(new AppEvent { Source = "economy", Message = "opened" });
            await publisher.FlushAsync();
        }
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var lines = transport.Lines.ToArray();
        Assert.Equal(2, lines.Length);

        using var tick = JsonDocument.Parse(lines[0]);
        JsonElement e = tick.RootElement;
        Assert.Equal(new[] { "id", "type", "source", "target", "timestamp", "payload", "meta" }, e.EnumerateObject().Select(p => p.Name));
        Match id = Regex.Match(e.GetProperty("id").GetString()!, "^evt_loop_([0-9]{13})_[0-9a-f]{6}$");
        Assert.True(id.Success, e.GetProperty("id").GetString());
        Assert.Equal("loop.tick", e.GetProperty("type").GetString());
        Assert.Equal("simulation_loop", e.GetProperty("source").GetString()); // the schema's x-source
        Assert.Equal(JsonValueKind.Null, e.GetProperty("target").ValueKind);
        double timestamp = e.GetProperty("timestamp").GetDouble();
        Assert.InRange(timestamp, (before - 20) / 1000.0, (after + 20) / 1000.0);
        Assert.Equal(long.Parse(id.Groups[1].Value) / 1000.0, timestamp, 3);
        Assert.Equal(Tick(7), LoopTick.Read(System.Text.Encoding.UTF8.GetBytes(e.GetProperty("payload").GetRawText())));
        Assert.Equal(new[] { "correlation_id", "trace_id", "span_id", "version" }, e.GetProperty("meta").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, e.GetProperty("meta").GetProperty("correlation_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, e.GetProperty("meta").GetProperty("trace_id").ValueKind); // no activity
        Assert.Equal(JsonValueKind.Null, e.GetProperty("meta").GetProperty("span_id").ValueKind);
        Assert.Equal("1.0", e.GetProperty("meta").GetProperty("version").GetString());

        using var app = JsonDocument.Parse(lines[1]);
        Assert.Equal("app_service", app.RootElement.GetProperty("source").GetString()); // no x-source, no config: <module>_service
        Assert.StartsWith("evt_app_", app.RootElement.GetProperty("id").GetString());
        Assert.Equal("req-42", app.RootElement.GetProperty("meta").GetProperty("correlation_id").GetString());
    }

    [Fact]
    public async Task Configured_source_applies_to_events_without_x_source_and_ids_are_unique()
    {
        var transport = new RecordingTransport();
        // block mode: this test is about ids, so no event may be dropped by backpressure.
        await using (var publisher = TelemetryPublisher.Create(Options(BackpressureMode.Block, blockTimeout: 30) with { Source = "townlet" }, transport))
        {
            for (int i = 0; i < 5000; i++) publisher.Emit(new AppEvent { Source = "s", Message = "m" });
        }
        var ids = transport.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(5000, ids.Count);
        Assert.Equal(5000, ids.Distinct().Count());
        Assert.Contains("\"source\":\"townlet\"", transport.Lines.First());
    }

    [Theory]
    [InlineData(1703001234567L, "1703001234567", "1703001234.567")]
    [InlineData(1703001234500L, "1703001234500", "1703001234.5")]
    [InlineData(1703001234050L, "1703001234050", "1703001234.05")]
    [InlineData(1703001234000L, "1703001234000", "1703001234")]
    [InlineData(1703001234007L, "1703001234007", "1703001234.007")]
    public void Stamp_digits_are_exact_and_trimmed(long unixMs, string millis, string seconds)
    {
        var stamp = new Herald.Publishing.EnvelopeStamp();
        stamp.Update(unixMs - 1);
        stamp.Update(unixMs);
        Assert.Equal(millis, System.Text.Encoding.ASCII.GetString(stamp.Millis));
        Assert.Equal(seconds, System.Text.Encoding.ASCII.GetString(stamp.Seconds));
        Assert.Equal(unixMs / 1000.0, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Two_threads_writing_one_event_type_with_their_own_stamps_each_get_their_own_clock()
    {
        // A backlogged queue: producers serialize loop.tick while the worker writes queued copies of it, with one format
        // and two stamps. The clock moves every third event, so both sides keep rebuilding the envelope's start.
        var format = Herald.Publishing.EnvelopeFormat.For<LoopTick>(null, new Herald.Publishing.TransformPlan(new TransformsOptions(), null));
        var start = new Barrier(2);
        Exception? failure = null;
        void WriteMany(long firstMs)
        {
            var stamp = new Herald.Publishing.EnvelopeStamp();
            var output = new System.Buffers.ArrayBufferWriter<byte>(512);
            LoopTick tick = Tick(1);
            ReadOnlySpan<byte> prefix = "{\"id\":\"evt_loop_"u8;
            start.SignalAndWait();
            for (int i = 0; i < 1_000_000 && Volatile.Read(ref failure) is null; i++)
            {
                long ms = firstMs + i / 3;
                stamp.Update(ms);
                output.ResetWrittenCount();
                var json = new Herald.Serialization.JsonOutput(output);
                format.Write(ref json, in tick, stamp, (uint)i, null, null);
                json.Complete();
                ReadOnlySpan<byte> line = output.WrittenSpan;
                if (!line.StartsWith(prefix) || !System.Buffers.Text.Utf8Parser.TryParse(line.Slice(prefix.Length, 13), out long written, out _) || written != ms)
                    throw new Xunit.Sdk.XunitException($"event {i} at {ms} ms: {System.Text.Encoding.UTF8.GetString(line)}");
            }
        }
        var threads = new[] { 1_700_000_000_000, 1_800_000_000_000 }.Select(ms => new Thread(() =>
        {
            try
            {
                WriteMany(ms);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
            }
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public async Task Correlation_flows_across_awaits_and_scopes_nest()
    {
        var transport = new RecordingTransport();
        await using (var publisher = TelemetryPublisher.Create(Options(), transport))
        {
            using (Correlation.Begin("outer"))
            {
                await Task.Yield();
                publisher.Emit(Tick(1));
                using (Correlation.Begin("inner")) publisher.Emit(Tick(2));
                publisher.Emit(Tick(3));
            }
            publisher.Emit(Tick(4));
        }
        var ids = transport.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("meta").GetProperty("correlation_id")).Select(c => c.ValueKind == JsonValueKind.Null ? null : c.GetString()).ToList();
        Assert.Equal(new[] { "outer", "inner", "outer", null }, ids);
    }
}
