using System.Buffers;
using CsCheck;

namespace Herald.Tests;

/// <summary>write → read → equal, and write → read → write gives the same bytes, over generated values of every event.</summary>
public sealed class RoundTripTests
{
    private sealed class RoundTrip : EventTypes.ICheck
    {
        public int Checked;

        public void Run<TEvent>() where TEvent : IEvent<TEvent>
        {
            Gen.Int.Sample(seed =>
            {
                TEvent value = new RandomValues(seed).Create<TEvent>();
                var first = new ArrayBufferWriter<byte>();
                TEvent.Write(first, in value);
                TEvent back = TEvent.Read(first.WrittenSpan);
                Assert.True(EqualityComparer<TEvent>.Default.Equals(value, back),
                    $"{TEvent.EventType} seed {seed}: read back differs\n{System.Text.Encoding.UTF8.GetString(first.WrittenSpan)}");
                var second = new ArrayBufferWriter<byte>();
                TEvent.Write(second, in back);
                Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
                System.Threading.Interlocked.Increment(ref Checked);
            }, iter: 300, threads: 1);
        }
    }

    [Fact]
    public void Every_event_survives_write_then_read()
    {
        var check = new RoundTrip();
        EventTypes.ForEach(check);
        Assert.Equal(17 * 300, check.Checked);
    }

    [Fact]
    public void Output_is_valid_json_for_every_generated_value()
    {
        Gen.Int.Sample(seed =>
        {
            var sink = new RandomValues(seed).Create<Schemas.TestKitchenSink>();
            var buffer = new ArrayBufferWriter<byte>();
            Schemas.TestKitchenSink.Write(buffer, sink);
            using var doc = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
        }, iter: 500, threads: 1);
    }
}
