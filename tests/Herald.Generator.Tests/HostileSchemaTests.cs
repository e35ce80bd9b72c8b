using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>
/// Unusual but legal, or malformed, schemas: each gives Herald diagnostics at the offending token, never a generator
/// crash (CS8785), a clash of generated file names, or generated C# that does not compile (warnings included, and doc
/// comments parsed as a build with a documentation file parses them).
/// </summary>
public sealed class HostileSchemaTests
{
    private const string Ls = "\u2028";

    /// <summary>Runs the analyzer and the generator; asserts the generated code is clean and returns the schema diagnostics.</summary>
    internal static (List<Diagnostic> Schema, Compilation Output, GeneratorRunResult Run) Check(params (string Path, string Text)[] files)
    {
        var schemas = files.Select(f => (AdditionalText)new SchemaText(f.Path, f.Text)).ToList();
        var diagnostics = Analyze(schemas);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");

        var (output, result) = Generate(schemas, Microsoft.CodeAnalysis.DocumentationMode.Diagnose, "class C {}");
        Assert.Empty(result.Diagnostics);
        GeneratorRunResult run = result.Results.Single();
        Assert.Null(run.Exception);
        var hints = run.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(10)));
        return (diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath ?? d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToList(), output, run);
    }

    private static (string Id, string File, int Line, int Column, string Message) Describe(Diagnostic d)
    {
        FileLinePositionSpan span = d.Location.GetLineSpan();
        return (d.Id, Path.GetFileName(span.Path), span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, d.GetMessage(CultureInfo.InvariantCulture));
    }

    /// <summary>The one-based column of <paramref name="needle"/> in one-line <paramref name="text"/>.</summary>
    private static int Column(string text, string needle)
    {
        int at = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(at >= 0, needle);
        return at + 1;
    }

    private static string Event(string type, string properties = """{ "a": { "type": "string" } }""", string extra = "")
        => $$"""{ "x-event": "{{type}}", "type": "object", {{extra}}"properties": {{properties}} }""";

    // ---- generated file names ------------------------------------------------------------------------------------

    [Fact]
    public void Defs_files_of_the_same_name_in_two_folders_both_generate()
    {
        var (diagnostics, output, run) = Check(
            ("/p/a/types.defs.json", """{ "$defs": { "alpha": { "type": "object", "properties": { "x": { "type": "string" } } } } }"""),
            ("/p/b/types.defs.json", """{ "$defs": { "beta": { "type": "object", "properties": { "y": { "type": "string" } } } } }"""),
            ("/p/uses.both.schema.json", Event("uses.both", """{ "a": { "$ref": "a/types.defs.json#/$defs/alpha" }, "b": { "$ref": "b/types.defs.json#/$defs/beta" } }""")));
        Assert.Empty(diagnostics);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.Alpha"));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.Beta"));
        Assert.Equal(new[] { "Defs.Types.g.cs", "Defs.Types.2.g.cs", "HeraldEvents.g.cs", "UsesBoth.g.cs" }.OrderBy(h => h, StringComparer.Ordinal),
            run.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
    }

    [Fact]
    public void Event_types_whose_names_differ_only_in_case_both_generate()
    {
        var (diagnostics, output, run) = Check(("/p/ab.schema.json", Event("ab")), ("/p/a.b.schema.json", Event("a.b")));
        Assert.Empty(diagnostics);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.Ab"));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.AB"));
        // In path order: a.b.schema.json keeps its name, ab.schema.json's file is numbered.
        Assert.Contains(run.GeneratedSources, s => s.HintName == "AB.g.cs" && s.SourceText.ToString().Contains("record AB "));
        Assert.Contains(run.GeneratedSources, s => s.HintName == "Ab.2.g.cs" && s.SourceText.ToString().Contains("record Ab "));
    }

    [Fact]
    public void An_event_named_like_the_registry_is_HER007_and_x_csharp_name_fixes_it()
    {
        var (diagnostics, _, run) = Check(("/p/herald_events.schema.json", Event("herald_events")), ("/p/other.schema.json", Event("other")));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER007", "herald_events.schema.json", 1, 1), (d.Id, d.File, d.Line, d.Column));
        Assert.Contains("'HeraldEvents' cannot be used as a C# name", d.Message);
        Assert.Equal("'HeraldEvents' cannot be used as a C# name: it is the name of the registry class the generator declares for every project; rename this type with x-csharp-name", d.Message);
        Assert.Contains(run.GeneratedSources, s => s.HintName == "HeraldEvents.g.cs" && s.SourceText.ToString().Contains("static partial class HeraldEvents"));

        var (fixedDiagnostics, output, _) = Check(("/p/herald_events.schema.json", Event("herald_events", extra: "\"x-csharp-name\": \"HeraldEventsEvent\", ")));
        Assert.Empty(fixedDiagnostics);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.HeraldEventsEvent"));
    }

    // ---- generated helper types are taken names ------------------------------------------------------------------

    [Fact]
    public void An_event_named_like_another_events_enum_helper_is_HER007_naming_both()
    {
        var (diagnostics, _, _) = Check(
            ("/p/net.ping.schema.json", Event("net.ping", """{ "sev": { "enum": ["low", "high"] } }""")),
            ("/p/net.ping_sev_json.schema.json", Event("net.ping_sev_json")));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER007", "net.ping_sev_json.schema.json"), (d.Id, d.File));
        Assert.Contains("'NetPingSevJson'", d.Message);
        Assert.Contains("net.ping.schema.json", d.Message);
        Assert.Contains("x-csharp-name", d.Message);
    }

    [Fact]
    public void An_event_named_like_another_events_converter_is_HER007_naming_both()
    {
        var (diagnostics, _, _) = Check(("/p/net.ping.schema.json", Event("net.ping")), ("/p/net.ping_json_converter.schema.json", Event("net.ping_json_converter")));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER007", "net.ping_json_converter.schema.json"), (d.Id, d.File));
        Assert.Contains("'NetPingJsonConverter'", d.Message);
        Assert.Contains("net.ping.schema.json", d.Message);

        // Whichever file comes first in path order, the helper keeps its name and the type that would take it is reported.
        var (reversed, output, _) = Check(("/p/a_json_converter.schema.json", Event("a_json_converter")), ("/p/z.schema.json", Event("a", """{ "b": { "type": "string" } }""")));
        var r = Describe(Assert.Single(reversed));
        Assert.Equal(("HER007", "a_json_converter.schema.json"), (r.Id, r.File));
        Assert.Equal("'AJsonConverter' cannot be used as a C# name: it is also the name of the JSON converter of the event 'A', generated for 'z.schema.json'; rename one with x-csharp-name", r.Message);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.AJsonConverter"));
    }

    [Fact]
    public void Helper_names_clash_inside_one_file_too()
    {
        var (diagnostics, _, _) = Check(("/p/net.ping.schema.json", Event("net.ping",
            """{ "sev": { "enum": ["low", "high"] }, "sev_json": { "type": "object", "properties": { "q": { "type": "string" } } } }""")));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER007", "net.ping.schema.json"), (d.Id, d.File));
        Assert.Contains("'NetPingSevJson'", d.Message);
    }

    [Fact]
    public void A_definition_named_like_the_registry_is_HER007()
    {
        var (diagnostics, _, _) = Check(
            ("/p/shared.defs.json", """{ "$defs": { "herald_events": { "type": "object", "properties": { "x": { "type": "string" } } } } }"""),
            ("/p/x.schema.json", Event("x")));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER007", "shared.defs.json"), (d.Id, d.File));
        Assert.Contains("'HeraldEvents'", d.Message);
    }

    // ---- reserved member names -----------------------------------------------------------------------------------

    [Fact]
    public void Fields_named_like_the_number_check_members_are_renamed_and_an_explicit_name_is_HER007()
    {
        var (diagnostics, output, _) = Check(("/p/t.nfn.schema.json", Event("t.nfn",
            """{ "non_finite_number": { "type": "number" }, "has_finite_checks": { "type": "boolean" }, "d": { "type": "number" } }""", "\"required\": [\"non_finite_number\"], ")));
        Assert.Equal(new[] { "HasFiniteChecksField", "NonFiniteNumberField" }, diagnostics.Select(d => Describe(d)).Where(d => d.Id == "HER009").Select(d => d.Message.Split('\'')[3]).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(2, diagnostics.Count);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.TNfn")!.GetMembers("NonFiniteNumberField").SingleOrDefault());

        string text = Event("t.nfn", """{ "a": { "type": "number", "x-csharp-name": "NonFiniteNumber" } }""");
        var (explicitName, _, _) = Check(("/p/t.nfn.schema.json", text));
        var d = Describe(Assert.Single(explicitName));
        Assert.Equal(("HER007", 1, Column(text, "\"NonFiniteNumber\"")), (d.Id, d.Line, d.Column));
        Assert.Contains("is a generated member", d.Message);
    }

    // ---- struct cycles -------------------------------------------------------------------------------------------

    private static string Struct(string type, string other, string required)
        => $$"""{ "x-event": "{{type}}", "type": "object", "x-struct": true, "properties": { "other": { "$ref": "{{other}}" }, "n": { "type": "integer" } }{{required}} }""";

    [Theory]
    [InlineData("")]
    [InlineData(""", "required": ["other"]""")]
    public void Struct_events_that_contain_each_other_are_HER003_at_each_ref(string required)
    {
        string textA = Struct("t.s_a", "t.s_b.schema.json", required);
        var (diagnostics, _, _) = Check(("/p/t.s_a.schema.json", textA), ("/p/t.s_b.schema.json", Struct("t.s_b", "t.s_a.schema.json", required)));
        Assert.Equal(2, diagnostics.Count);
        var a = Describe(diagnostics[0]);
        var b = Describe(diagnostics[1]);
        Assert.Equal(("HER003", "t.s_a.schema.json", 1, Column(textA, "\"t.s_b.schema.json\"")), (a.Id, a.File, a.Line, a.Column));
        Assert.Equal(("HER003", "t.s_b.schema.json", 1, Column(textA, "\"t.s_b.schema.json\"")), (b.Id, b.File, b.Line, b.Column));
        Assert.Equal(
            "Cannot resolve $ref 't.s_b.schema.json': the x-struct events TSA -> TSB -> TSA would contain each other (a struct cannot contain itself, even as a nullable field); make one of them a record or hold it in an array",
            a.Message);
        Assert.Contains("TSB -> TSA -> TSB", b.Message);
    }

    [Fact]
    public void A_struct_cycle_through_three_files_and_a_definition_is_found()
    {
        var (diagnostics, _, _) = Check(
            ("/p/c1.schema.json", Struct("c1", "c2.schema.json", "")),
            ("/p/c2.schema.json", Struct("c2", "alias.defs.json#/$defs/three", "")),
            ("/p/alias.defs.json", """{ "$defs": { "three": { "$ref": "c3.schema.json" } } }"""),
            ("/p/c3.schema.json", Struct("c3", "c1.schema.json", "")));
        Assert.Equal(new[] { "c1.schema.json", "c2.schema.json", "c3.schema.json" }, diagnostics.Select(d => Describe(d)).Select(d => d.Id + " " + d.File).Select(s => s.Substring(7)));
        Assert.All(diagnostics, d => Assert.Equal("HER003", d.Id));
    }

    [Fact]
    public void Structs_that_refer_to_each_other_through_an_array_or_a_record_are_no_cycle()
    {
        var (diagnostics, output, _) = Check(
            ("/p/s.a.schema.json", Struct("s.a", "s.b.schema.json", "")),
            ("/p/s.b.schema.json", """{ "x-event": "s.b", "type": "object", "x-struct": true, "properties": { "list": { "type": "array", "items": { "$ref": "s.a.schema.json" } }, "box": { "type": "object", "properties": { "a": { "$ref": "s.a.schema.json" } } } } }"""));
        Assert.Empty(diagnostics);
        Assert.True(output.GetTypeByMetadataName("Consumer.SA")!.IsValueType);
    }

    // ---- numbers outside the C# type's range ---------------------------------------------------------------------

    [Theory]
    [InlineData("""{ "type": "integer", "maximum": 9223372036854775808 }""")]
    [InlineData("""{ "type": "integer", "minimum": -9223372036854775809 }""")]
    [InlineData("""{ "type": "integer", "exclusiveMaximum": 9223372036854775808, "exclusiveMinimum": -1e30 }""")]
    [InlineData("""{ "type": "integer", "format": "int32", "maximum": 3000000000, "minimum": -2147483648 }""")]
    [InlineData("""{ "type": "integer", "format": "int32", "exclusiveMaximum": 2147483648, "exclusiveMinimum": -2147483649 }""")]
    public void Integer_bounds_every_value_of_the_type_satisfies_are_accepted_and_not_checked(string property)
    {
        var (diagnostics, output, run) = Check(("/p/t.range.schema.json", Event("t.range", $$"""{ "a": {{property}} }""")));
        Assert.Empty(diagnostics);
        string source = run.GeneratedSources.Single(s => s.HintName == "TRange.g.cs").SourceText.ToString();
        Assert.DoesNotContain("must be", source);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.TRange"));
    }

    [Theory]
    [InlineData("""{ "type": "integer", "format": "int32", "minimum": 3000000000 }""", "minimum", "3000000000", "int")]
    [InlineData("""{ "type": "integer", "format": "int32", "exclusiveMinimum": 2147483647 }""", "exclusiveMinimum", "2147483647", "int")]
    [InlineData("""{ "type": "integer", "maximum": -9223372036854775809 }""", "maximum", "-9223372036854775809", "long")]
    [InlineData("""{ "type": "integer", "exclusiveMaximum": -9223372036854775808 }""", "exclusiveMaximum", "-9223372036854775808", "long")]
    public void Integer_bounds_no_value_of_the_type_satisfies_are_HER008(string property, string keyword, string value, string type)
    {
        string text = Event("t.range", $$"""{ "a": {{property}} }""");
        var (diagnostics, _, _) = Check(("/p/t.range.schema.json", text));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER008", 1, Column(text, ": " + value) + 2), (d.Id, d.Line, d.Column));
        Assert.Equal($"Invalid schema at '#/properties/a/{keyword}': '{keyword}' {value} leaves no value of the property's C# type {type} valid", d.Message);
    }

    [Theory]
    [InlineData("""{ "type": "number", "default": 1e400 }""", "default", "1e400", "double")]
    [InlineData("""{ "type": "number", "const": -1e400 }""", "const", "-1e400", "double")]
    [InlineData("""{ "type": "number", "format": "float", "default": 1e39 }""", "default", "1e39", "float")]
    [InlineData("""{ "type": "number", "format": "float", "const": -3.5e38 }""", "const", "-3.5e38", "float")]
    [InlineData("""{ "type": "integer", "default": 9223372036854775808 }""", "default", "9223372036854775808", "long")]
    [InlineData("""{ "type": "integer", "format": "int32", "const": -2147483649 }""", "const", "-2147483649", "int")]
    public void Defaults_and_consts_outside_the_type_are_HER008_at_the_value(string property, string keyword, string value, string type)
    {
        string text = Event("t.range", $$"""{ "a": {{property}} }""");
        var (diagnostics, _, _) = Check(("/p/t.range.schema.json", text));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER008", 1, Column(text, ": " + value) + 2), (d.Id, d.Line, d.Column));
        Assert.Equal($"Invalid schema at '#/properties/a/{keyword}': '{keyword}' {value} is outside the range of the property's C# type {type}", d.Message);
    }

    [Fact]
    public void Numbers_at_the_edges_of_the_types_compile()
    {
        string properties = """
            {
              "l": { "type": "integer", "minimum": -9223372036854775808, "maximum": 9223372036854775807, "default": -9223372036854775808 },
              "i": { "type": "integer", "format": "int32", "minimum": -2147483648, "maximum": 2147483646, "default": 2147483647 },
              "d": { "type": "number", "default": 1.7976931348623157e308, "maximum": 1e308 },
              "tiny": { "type": "number", "default": 1e-400, "minimum": -1e-400 },
              "f": { "type": "number", "format": "float", "default": 3.4028234e38, "maximum": 1e39 },
              "fc": { "type": "number", "format": "float", "const": -1.5e-50 }
            }
            """;
        var (diagnostics, _, run) = Check(("/p/t.edge.schema.json", Event("t.edge", properties)));
        Assert.Empty(diagnostics);
        string source = run.GeneratedSources.Single(s => s.HintName == "TEdge.g.cs").SourceText.ToString();
        Assert.Contains("must be <= 2147483646", source);
        Assert.DoesNotContain("must be >= -2147483648", source);
    }

    // ---- line separators in schema text --------------------------------------------------------------------------

    [Fact]
    public void Line_and_paragraph_separators_and_next_line_in_schema_text_compile_and_round_trip()
    {
        string schema = $$"""
            {
              "x-event": "t.ls",
              "x-version": "1.0\"{{Ls}}\u2029\u0085\r",
              "x-source": "src{{Ls}}\"x",
              "title": "t\u0085x",
              "description": "root{{Ls}}desc\u2029more\rcr & <tags> \u0001",
              "examples": [{ "a": "x{{Ls}}y\u0085" }],
              "type": "object",
              "properties": {
                "a": { "type": "string", "description": "line1{{Ls}}int x = ;", "title": "t\u0085x", "pattern": "^a{{Ls}}b\"{x}\\{2\\}$" },
                "d{{Ls}}\u0085\r\u2029": { "type": "string", "deprecated": true, "description": "old{{Ls}} \"quoted\" \\ stuff" },
                "e": { "type": "string", "enum": ["x{{Ls}}y", "q\"r", "s\\t", "n\u0085l"], "default": "x{{Ls}}y", "description": "\u2029" },
                "k": { "type": "string", "const": "c{{Ls}}\u2029" },
                "m": { "type": "array", "items": { "type": "string", "maxLength": 1 } }
              },
              "required": ["m"]
            }
            """;
        var (diagnostics, _, _) = Check(("/p/t.ls.schema.json", schema), ("/p/t.ls\u2028ev.schema.json", Event("t.lsev" )));
        Assert.Empty(diagnostics);

        const string Probe = """
            public static class Probe
            {
                public static string Run()
                {
                    var e = new Consumer.TLs { A = "a\u2028b\"{x}{2}", E = Consumer.TLsE.NL, M = global::System.Collections.Immutable.ImmutableArray.Create("\u2029") };
                    var buffer = new global::System.Buffers.ArrayBufferWriter<byte>();
                    Consumer.TLs.Write(buffer, e);
                    var back = Consumer.TLs.Read(buffer.WrittenSpan);
                    string version = Consumer.TLs.SchemaVersion;
                    string k = back.K;
                    string bad = (e with { A = "x" }).Validate() ?? "";
                    string badItem = (e with { M = global::System.Collections.Immutable.ImmutableArray.Create("ab") }).Validate() ?? "";
                    return string.Join("|", back.Equals(e), e.Validate() ?? "valid", version == "1.0\"\u2028\u2029\u0085\r", k == "c\u2028\u2029", bad, badItem,
                        global::System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), Consumer.TLsEJson.Name(Consumer.TLsE.XY), new Consumer.TLs { M = default }.E);
                }
            }
            """;
        string result = RunProbe(new AdditionalText[] { new SchemaText("/p/t.ls.schema.json", schema) }, Probe);
        Assert.Equal(
            "True|valid|True|True|$.a: must match the pattern ^a\u2028b\"{x}\\{2\\}$|$.m[0]: must be at most 1 characters long|"
            + "{\"a\":\"a\u2028b\\\"{x}{2}\",\"e\":\"n\u0085l\",\"k\":\"c\u2028\u2029\",\"m\":[\"\u2029\"]}|x\u2028y|XY",
            result);
    }

    [Fact]
    public void A_placeholder_whose_message_holds_line_separators_compiles_and_its_use_names_the_problem()
    {
        var (diagnostics, output, run) = Check(("/p/t.src.schema.json", Event("t.src", extra: $"\"x-kind\": \"k{Ls}\\u0085\", ")));
        Assert.Equal("HER008", Assert.Single(diagnostics).Id);
        string placeholder = Assert.Single(run.GeneratedSources).SourceText.ToString();
        Assert.DoesNotContain(placeholder, c => c is '\u2028' or '\u0085');
        Assert.Contains("not 'k&#x2028;&#x85;'", placeholder);
        Assert.Contains("not 'k\\u2028\\u0085'", placeholder);
        var use = Generate(new AdditionalText[] { new SchemaText("/p/t.src.schema.json", Event("t.src", extra: $"\"x-kind\": \"k{Ls}\\u0085\", ")) }, "class C { object M() => new Consumer.TSrc(); }").Output
            .GetDiagnostics().Single(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS0619", use.Id);
        Assert.Contains("'x-kind' must be a non-empty name without whitespace, not 'k\u2028\u0085'", use.GetMessage(CultureInfo.InvariantCulture));
    }

    // ---- definitions with no name --------------------------------------------------------------------------------

    [Theory]
    [InlineData("/p/t.emptydef.schema.json", """{ "x-event": "t.emptydef", "type": "object", "$defs": { "": { "type": "object", "properties": { "x": { "type": "string" } } } }, "properties": { "a": { "$ref": "#/$defs/" } } }""", "\"\": {")]
    [InlineData("/p/shared.defs.json", """{ "$defs": { "-": { "type": "string", "enum": ["a"] } } }""", "\"-\"")]
    public void A_definition_whose_name_has_no_letters_or_digits_is_HER007_at_its_name(string path, string text, string name)
    {
        var (diagnostics, _, _) = Check((path, text));
        var d = Describe(Assert.Single(diagnostics));
        Assert.Equal(("HER007", Path.GetFileName(path), 1, Column(text, name)), (d.Id, d.File, d.Line, d.Column));
        Assert.EndsWith("cannot be used as a C# name: the definition's name has no letters or digits; set x-csharp-name on it", d.Message);
    }

}
