using System.Buffers;
using System.Text;
using System.Text.Json;
using Herald.Events;
using Herald.Serialization;
using Herald.Storage;
using Herald.Tests.Schemas;

namespace Herald.Tests;

/// <summary>
/// Tolerant reading: a lone surrogate escape (as Python's json writes unpaired code units) reads as U+FFFD wherever a
/// string is decoded; a valid pair stays intact; what Herald itself writes for a lone surrogate reads back equal.
/// </summary>
public sealed class LoneSurrogateTests
{
    public static IEnumerable<object[]> Escapes() => new[]
    {
        new object[] { @"\ud800", "\uFFFD" },
        new object[] { @"\udc00x", "\uFFFDx" },
        new object[] { @"a\ud800\u0041", "a\uFFFDA" },
        new object[] { @"\ud83d\ude00", "😀" },
        new object[] { @"\ud800\ud83d\ude00", "\uFFFD😀" },
        new object[] { @"\ude00\ud83d", "\uFFFD\uFFFD" },
        new object[] { @"x\\ud800", @"x\ud800" }, // an escaped backslash, not an escape
        new object[] { @"\u00e9\n\ud800\""\/", "é\n\uFFFD\"/" },
    };

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Property_values_read_as_replacement_characters(string escaped, string expected)
    {
        AppEvent app = AppEvent.Read(Utf8($$"""{"source":"s","message":"{{escaped}}"}"""));
        Assert.Equal(expected, app.Message);
        ConsoleResult result = ConsoleResult.Read(Utf8($$"""{"tick":1,"command":"{{escaped}}","status":"ok","duration_ms":1}"""));
        Assert.Equal(expected, result.Command);
        // And what Herald writes for it is strict JSON that reads back equal.
        string written = app.ToString();
        Assert.Equal(expected, JsonDocument.Parse(written).RootElement.GetProperty("message").GetString());
        Assert.Equal(app, AppEvent.Read(Utf8(written)));
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Map_keys_and_nested_strings_read_as_replacement_characters(string escaped, string expected)
    {
        string json = ReaderErrorTests.KitchenSinkJson()
            .Replace("\"scores\":{\"a b\":1.5}", $$"""
                "scores":{"{{escaped}}":1.5}
                """.Trim())
            .Replace("\"names\":[\"x\",null]", $$"""
                "names":["{{escaped}}",null]
                """.Trim());
        TestKitchenSink sink = TestKitchenSink.Read(Utf8(json));
        Assert.Equal(1.5, sink.Scores[expected]);
        Assert.Equal(expected, sink.Names[0]);
    }

    [Fact]
    public void Free_form_values_with_lone_surrogates_are_written_as_replacement_characters()
    {
        AppEvent app = AppEvent.Read(Utf8("""{"source":"s","message":"m","details":{"k\ud800":["\udc00",1,{"x":"a\ud83d\ude00"}]}}"""));
        string written = app.ToString();
        Assert.DoesNotContain(@"\ud800", written, StringComparison.OrdinalIgnoreCase);
        using JsonDocument doc = JsonDocument.Parse(written);
        JsonElement details = doc.RootElement.GetProperty("details");
        JsonElement list = details.GetProperty("k\uFFFD");
        Assert.Equal("\uFFFD", list[0].GetString());
        Assert.Equal("a😀", list[2].GetProperty("x").GetString());
        // Without lone surrogates the free-form text is copied as it came.
        AppEvent plain = AppEvent.Read(Utf8("""{"source":"s","message":"m","details":{"k":"a\ud83d\ude00\n"}}"""));
        Assert.Contains("""{"k":"a\ud83d\ude00\n"}""", plain.ToString());
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Free_form_values_store_lone_surrogates_as_replacement_characters(string escaped, string expected)
    {
        AppEvent app = AppEvent.Read(Utf8($$"""{"source":"s","message":"m","details":"{{escaped}}"}"""));
        Assert.Equal(expected, app.Details!.Value.GetString());

        // In property names and values at any depth: the stored element reads and enumerates without throwing.
        app = AppEvent.Read(Utf8($$$"""{"source":"s","message":"m","details":{"k{{{escaped}}}":1,"list":[true,{"{{{escaped}}}":["{{{escaped}}}",null]}]}}"""));
        JsonElement details = app.Details!.Value;
        Assert.Equal(new[] { "k" + expected, "list" }, details.EnumerateObject().Select(p => p.Name));
        JsonProperty inner = Assert.Single(details.GetProperty("list")[1].EnumerateObject());
        Assert.Equal(expected, inner.Name);
        Assert.Equal(expected, inner.Value[0].GetString());
        Assert.Equal(JsonValueKind.Null, inner.Value[1].ValueKind);
        Assert.Equal(app, AppEvent.Read(Utf8(app.ToString())));

        string sinkJson = ReaderErrorTests.KitchenSinkJson()[..^1] + $$$"""
            ,"context":{"{{{escaped}}}":"{{{escaped}}}"}}
            """.Trim();
        TestKitchenSink sink = TestKitchenSink.Read(Utf8(sinkJson));
        Assert.Equal(expected, sink.Context!.Value.GetProperty(expected).GetString());
    }

    [Fact]
    public void Free_form_values_without_lone_surrogates_are_stored_as_they_came()
    {
        const string Details = """{"k":"a\ud83d\ude00\n","e":"\u00e9","b":"x\\ud800"}""";
        AppEvent app = AppEvent.Read(Utf8($$$"""{"source":"s","message":"m","details":{{{Details}}}}"""));
        Assert.Equal(Details, app.Details!.Value.GetRawText());
        Assert.Equal(@"x\ud800", app.Details.Value.GetProperty("b").GetString());
    }

    [Fact]
    public void Replacing_lone_surrogate_escapes_keeps_every_other_byte()
    {
        byte[] json = Utf8("""{"\ud800":["\udc00\ud83d\ude00","\\ud800","\ud800\u0041\ud800\ud800\udc00"]}""");
        Assert.Equal(4, JsonStrings.ReplaceLoneSurrogateEscapes(json));
        Assert.Equal("""{"\uFFFD":["\uFFFD\ud83d\ude00","\\ud800","\uFFFD\u0041\uFFFD\ud800\udc00"]}""", Encoding.UTF8.GetString(json));
        Assert.Equal(0, JsonStrings.ReplaceLoneSurrogateEscapes(json));
    }

    [Fact]
    public void Enum_values_with_lone_surrogates_are_format_errors_not_crashes()
    {
        var ex = Assert.Throws<EventFormatException>(() => AppEvent.Read(Utf8("""{"source":"s","message":"m","severity":"info\ud800"}""")));
        Assert.Equal("$.severity", ex.Path);
    }

    [Fact]
    public void Unknown_property_names_with_lone_surrogates_are_skipped()
    {
        AppEvent app = AppEvent.Read(Utf8("""{"source":"s","\ud800":1,"message":"m"}"""));
        Assert.Equal("m", app.Message);
    }

    [Fact]
    public void Lone_surrogates_in_csharp_strings_are_written_as_replacement_characters_and_read_back_equal()
    {
        var app = new AppEvent { Source = "s", Message = "a\uD800b\uDC00c\uD83D\uDE00" };
        var buffer = new ArrayBufferWriter<byte>();
        AppEvent.Write(buffer, app);
        Assert.True(System.Text.Unicode.Utf8.IsValid(buffer.WrittenSpan));
        AppEvent back = AppEvent.Read(buffer.WrittenSpan);
        Assert.Equal("a\uFFFDb\uFFFDc😀", back.Message);
        AppEvent.Write(buffer, back);
    }

    [Fact]
    public void Invalid_utf8_in_an_escaped_string_is_a_format_error()
    {
        byte[] json = Utf8("""{"source":"s","message":"\n?"}""");
        json[Array.LastIndexOf(json, (byte)'?')] = 0xFF;
        var ex = Assert.Throws<EventFormatException>(() => AppEvent.Read(json));
        Assert.Equal("$.message", ex.Path);
    }

    [Fact]
    public void Storage_reads_envelope_strings_with_lone_surrogates()
    {
        byte[] line = Utf8("""{"id":"evt_\ud800","type":"app.event","timestamp":1703001234.5,"payload":{},"meta":{"correlation_id":"c\udc00"}}""" + "\n");
        var memory = new MemoryStorage();
        memory.Store(line);
        StoredEvent stored = Assert.Single(memory.Retrieve(EventQuery.All));
        Assert.Equal("evt_\uFFFD", stored.Id);
        Assert.Equal("c\uFFFD", stored.CorrelationId);
    }

    [Fact]
    public void The_scan_finds_only_lone_surrogate_escapes()
    {
        Assert.True(JsonStrings.HasLoneSurrogateEscape(Utf8(@"""\ud800""")));
        Assert.True(JsonStrings.HasLoneSurrogateEscape(Utf8(@"""\uDC00""")));
        Assert.True(JsonStrings.HasLoneSurrogateEscape(Utf8(@"""\ud83d\u0041""")));
        Assert.False(JsonStrings.HasLoneSurrogateEscape(Utf8(@"""\ud83d\ude00""")));
        Assert.False(JsonStrings.HasLoneSurrogateEscape(Utf8(@"""\\ud800""")));
        Assert.False(JsonStrings.HasLoneSurrogateEscape(Utf8(@"{""a"":""\n\u0041""}")));
    }
}
