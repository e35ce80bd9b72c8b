using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Herald.Events;
using Herald.Tests.Runtime;
using Herald.Tests.Schemas;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests;

/// <summary>
/// NaN and infinities never reach the wire as strings: null where the schema allows null, left out of optional fields,
/// and otherwise the event is rejected before it is written (counted, with the event type and path as the reason).
/// </summary>
public sealed class NonFiniteNumberTests
{
    private static TestNumbers Finite() => new()
    {
        RequiredDouble = 1.5,
        RequiredFloat = 2.5f,
        NullableDouble = 3.5,
        NullableFloat = 4.5f,
        Label = "ok",
    };

    [Fact]
    public void Nullable_fields_are_written_as_null_and_optional_ones_left_out()
    {
        TestNumbers value = Finite() with
        {
            OptionalFirst = double.NaN,
            NullableDouble = double.PositiveInfinity,
            NullableFloat = float.NaN,
            OptionalDouble = double.NegativeInfinity,
            OptionalFloat = float.PositiveInfinity,
            OptionalNullable = double.NaN,
            Gaps = ImmutableArray.Create<double?>(1, double.NaN, null),
            Nested = new TestNumbersNested { Value = 1, Maybe = double.NaN },
        };
        Assert.Null(value.NonFiniteNumber());
        string json = value.ToString();
        Assert.Equal(
            """{"required_double":1.5,"required_float":2.5,"nullable_double":null,"nullable_float":null,"optional_nullable":null,"defaulted":1.5,"label":"ok","gaps":[1,null,null],"nested":{"value":1,"maybe":null}}""",
            json);
        TestNumbers back = TestNumbers.Read(Encoding.UTF8.GetBytes(json));
        Assert.Null(back.NullableDouble);
        Assert.Null(back.OptionalDouble);
    }

    [Fact]
    public void Every_number_that_can_be_neither_left_out_nor_null_is_named_by_its_path()
    {
        Assert.Null(Finite().NonFiniteNumber());
        Assert.False(TestAllOptional.HasFiniteChecks);
        Assert.True(TestNumbers.HasFiniteChecks);
        Assert.True(LoopFailure.HasFiniteChecks);
        Assert.Equal("$.required_double is NaN", (Finite() with { RequiredDouble = double.NaN }).NonFiniteNumber());
        Assert.Equal("$.required_float is Infinity", (Finite() with { RequiredFloat = float.PositiveInfinity }).NonFiniteNumber());
        Assert.Equal("$.defaulted is -Infinity", (Finite() with { Defaulted = double.NegativeInfinity }).NonFiniteNumber());
        Assert.Equal("$.samples[1] is NaN", (Finite() with { Samples = ImmutableArray.Create(1.0, double.NaN) }).NonFiniteNumber());
        Assert.Equal("$.by_name['a b'] is Infinity",
            (Finite() with { ByName = ImmutableDictionary<string, float>.Empty.Add("a b", float.PositiveInfinity) }).NonFiniteNumber());
        Assert.Equal("$.nested.value is NaN", (Finite() with { Nested = new TestNumbersNested { Value = double.NaN } }).NonFiniteNumber());
        Assert.Equal("$.points[0].y is NaN", (Finite() with { Points = ImmutableArray.Create(new Point { X = 1, Y = double.NaN }) }).NonFiniteNumber());
        Assert.Equal("$.summary.duration_ms is NaN",
            (LoopFailure.Read(Encoding.UTF8.GetBytes(ReaderErrorTests.ValidFailure())) with { Summary = new LoopFailureSummary { DurationMs = double.NaN, QueueLength = 0, DroppedMessages = 0 } }).NonFiniteNumber());
    }

    [Fact]
    public void Writing_a_refused_value_directly_throws_a_clear_exception_and_ToString_says_why()
    {
        TestNumbers bad = Finite() with { Samples = ImmutableArray.Create(double.NaN) };
        var ex = Assert.Throws<ArgumentException>(() => Serialization.EventJson.ToJsonString(bad));
        Assert.Contains("test.numbers: $.samples[0] is NaN", ex.Message);
        Assert.Contains("$.samples[0] is NaN", bad.ToString());
        Assert.Throws<ArgumentException>(() => Serialization.EventJson.ToUtf8Bytes(bad));
        Assert.Throws<ArgumentException>(() => JsonSerializer.Serialize(bad));
    }

    [Fact]
    public async Task The_publisher_rejects_and_counts_events_it_cannot_write()
    {
        var transport = new RecordingTransport();
        TransportStatus status;
        await using (var publisher = TelemetryPublisher.Create(Options() with { Events = Herald.Events.HeraldEvents.Registry }, transport))
        {
            publisher.Emit(Tick(1));
            publisher.Emit(Tick(2) with { DurationMs = double.NaN });
            publisher.Emit(Finite() with { Nested = new TestNumbersNested { Value = double.NegativeInfinity } });
            publisher.Emit(Finite() with { NullableDouble = double.NaN, OptionalDouble = double.NaN });
            await publisher.FlushAsync();
            status = publisher.TransportStatus;
            Assert.Equal(2, status.RejectedMessages);
            Assert.Equal("test.numbers: $.nested.value is -Infinity", status.LastRejection);
        }
        Assert.Equal(2, transport.Lines.Count);
        Assert.Contains(transport.Lines, l => l.Contains("\"nullable_double\":null", StringComparison.Ordinal) && !l.Contains("optional_double", StringComparison.Ordinal));
        Assert.Equal(4, status.EventsEmitted);
        Assert.Equal(2, status.DroppedMessages);
    }

    [Fact]
    public async Task The_rejection_reason_names_the_event_type_and_path()
    {
        var transport = new RecordingTransport();
        await using var publisher = TelemetryPublisher.Create(Options(), transport);
        publisher.Emit(Tick(1) with { DurationMs = double.NaN });
        Assert.Equal("loop.tick: $.duration_ms is NaN", publisher.TransportStatus.LastRejection);
    }
}
