using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>Every accepted <c>$ref</c> form resolves to the type it names; every malformed one is HER003 at the reference.</summary>
public sealed class RefFormTests
{
    private const string Transport = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "transport.defs.json",
          "title": "Transport",
          "type": "object",
          "properties": {
            "provider": { "type": "string" },
            "worker": { "$ref": "#/$defs/worker" }
          },
          "required": ["provider"],
          "$defs": {
            "worker": { "type": "object", "properties": { "alive": { "type": "boolean" } } }
          }
        }
        """;

    [Fact]
    public void A_whole_defs_file_with_a_root_schema_is_a_type_named_after_the_file()
    {
        const string Event = """
            {
              "x-event": "conn.opened",
              "type": "object",
              "properties": {
                "transport": { "$ref": "../common/transport.defs.json" },
                "previous": { "$ref": "../common/transport.defs.json#", "description": "The transport before." },
                "worker": { "$ref": "../common/transport.defs.json#/$defs/worker" }
              },
              "required": ["transport"]
            }
            """;
        string source = Accepted(("/p/common/transport.defs.json", Transport), ("/p/events/conn.opened.schema.json", Event));
        Assert.Contains("public sealed partial record Transport\n", source);
        Assert.Contains("public sealed partial record Worker\n", source);
        Assert.Contains("public required Transport Transport { get; init; }", source);
        Assert.Contains("public Transport? Previous { get; init; }", source);
        Assert.Contains("public Worker? Worker { get; init; }", source);
    }

    [Fact]
    public void A_defs_root_can_be_an_enum_a_ref_into_its_own_definitions_or_recursive()
    {
        const string Level = """{ "x-csharp-name": "LogLevel", "type": "string", "enum": ["low", "high"] }""";
        const string Alias = """{ "$ref": "#/definitions/shape", "definitions": { "shape": { "type": "object", "properties": { "sides": { "type": "integer" } } } } }""";
        const string Tree = """{ "type": "object", "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#" } }, "parent": { "$ref": "#/$defs/link" } }, "$defs": { "link": { "type": ["object", "null"], "properties": { "next": { "$ref": "#/$defs/link" } } } } }""";
        const string Event = """
            {
              "x-event": "uses.roots",
              "properties": {
                "level": { "$ref": "level.defs.json" },
                "shape": { "$ref": "alias.defs.json#" },
                "tree": { "$ref": "tree.defs.json" }
              }
            }
            """;
        string source = Accepted(("/p/level.defs.json", Level), ("/p/alias.defs.json", Alias), ("/p/tree.defs.json", Tree), ("/p/uses.roots.schema.json", Event));
        Assert.Contains("public enum LogLevel\n", source);
        Assert.Contains("public LogLevel? Level { get; init; }", source);
        Assert.Contains("public Shape? Shape { get; init; }", source);
        Assert.Contains("public Tree? Tree { get; init; }", source);
        Assert.Contains("ImmutableArray<Tree>? Children { get; init; }", source);
        Assert.Contains("public Link? Next { get; init; }", source);
    }

    [Fact]
    public void Definitions_and_defs_work_side_by_side_in_one_file_and_across_files()
    {
        const string Shared = """{ "definitions": { "point": { "type": "object", "properties": { "x": { "type": "number" } } } }, "$defs": { "size": { "type": "integer", "minimum": 0 } } }""";
        const string Event = """
            {
              "x-event": "draw.done",
              "definitions": { "color": { "type": "string", "enum": ["red", "blue"] } },
              "$defs": { "pen": { "type": "object", "properties": { "color": { "$ref": "#/definitions/color" } } } },
              "properties": {
                "at": { "$ref": "shared.defs.json#/definitions/point" },
                "size": { "$ref": "shared.defs.json#/$defs/size" },
                "pen": { "$ref": "#/$defs/pen" },
                "self": { "$ref": "#" },
                "same": { "$ref": "draw.done.schema.json#" }
              }
            }
            """;
        string source = Accepted(("/p/shared.defs.json", Shared), ("/p/draw.done.schema.json", Event));
        Assert.Contains("public Point? At { get; init; }", source);
        Assert.Contains("public long? Size { get; init; }", source);
        Assert.Contains("public DrawDonePen? Pen { get; init; }", source);
        Assert.Contains("public DrawDoneColor? Color { get; init; }", source);
        Assert.Contains("public DrawDone? Self { get; init; }", source);
        Assert.Contains("public DrawDone? Same { get; init; }", source);
    }

    [Theory]
    [InlineData("only.defs.json", 5, 23, "has no root schema, only definitions")]
    [InlineData("only.defs.json#", 5, 23, "has no root schema, only definitions")]
    [InlineData("only.defs.json#/$defs/missing", 5, 23, "has no $defs entry 'missing'")]
    [InlineData("only.defs.json#/definitions/a", 5, 23, "has no definitions entry 'a'")]
    [InlineData("only.defs.json#/properties/a", 5, 23, "only '#', '#/$defs/<name>' and '#/definitions/<name>' fragments are supported")]
    [InlineData("only.defs.json#anchor", 5, 23, "only '#', '#/$defs/<name>' and '#/definitions/<name>' fragments are supported")]
    [InlineData("https://example.com/only.defs.json", 5, 23, "references by URI are not supported")]
    [InlineData("#/$defs/loop", 3, 59, "refers back to itself without passing through an object")]
    [InlineData("#", 5, 23, "this x-struct event itself")]
    [InlineData("", 5, 23, "this x-struct event itself")]
    public void A_ref_that_names_nothing_usable_is_HER003_at_the_reference(string reference, int line, int column, string message)
    {
        const string Only = """{ "$defs": { "a": { "type": "string" } } }""";
        // The definition is a cycle of arrays: only the reference inside it is reported.
        string defs = reference.StartsWith("#/", StringComparison.Ordinal) ? """{ "loop": { "type": "array", "items": { "$ref": "#/$defs/loop" } } }""" : "{}";
        string schema = $$"""
            {
              "x-event": "bad.ref",
              "x-struct": true,
              "$defs": {{defs}},
              "properties": {
                "value": { "$ref": "{{reference}}" }
              }
            }
            """;
        var schemas = new AdditionalText[] { new SchemaText("/p/only.defs.json", Only), new SchemaText("/p/bad.ref.schema.json", schema) };
        var diagnostics = Analyze(schemas);
        // Zero-based line and column of the reference's string token.
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal(("HER003", line, column), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line, d.Location.GetLineSpan().StartLinePosition.Character));
        Assert.Contains(message, d.GetMessage());
        Assert.DoesNotContain(diagnostics, x => x.Id == "AD0001");
        var (_, result) = Generate(schemas, "class C {}");
        Assert.Null(result.Results.Single().Exception);
    }

    [Fact]
    public void A_name_in_both_defs_and_definitions_is_HER008_and_a_defs_file_needs_something()
    {
        const string Both = """
            {
              "$defs": { "a": { "type": "string" } },
              "definitions": { "a": { "type": "integer" } }
            }
            """;
        var diagnostics = Analyze(new AdditionalText[] { new SchemaText("/p/both.defs.json", Both), new SchemaText("/p/empty.defs.json", """{ "title": "nothing" }""") });
        Assert.Collection(diagnostics.OrderBy(d => d.Location.GetLineSpan().Path),
            d => Assert.Equal(("HER008", 2, 19, true), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line, d.Location.GetLineSpan().StartLinePosition.Character, d.GetMessage().Contains("'a' is defined in both $defs and definitions"))),
            d => Assert.Equal(("HER008", true), (d.Id, d.GetMessage().Contains("needs a root schema or a \"$defs\""))));
    }

    [Fact]
    public void A_defs_root_and_a_definition_of_the_same_type_name_are_HER007()
    {
        const string Clash = """{ "type": "object", "properties": { "a": { "type": "string" } }, "$defs": { "clash": { "type": "object", "properties": { "b": { "type": "string" } } } } }""";
        Diagnostic d = Assert.Single(Analyze(new AdditionalText[] { new SchemaText("/p/clash.defs.json", Clash) }));
        Assert.Equal("HER007", d.Id);
        Assert.Contains("two schemas in this file generate a type of this name", d.GetMessage());
    }

    /// <summary>Asserts the schemas are clean and their generated code compiles; returns all generated source.</summary>
    internal static string Accepted(params (string Path, string Text)[] files)
    {
        var schemas = files.Select(f => (AdditionalText)new SchemaText(f.Path, f.Text)).ToList();
        Assert.Empty(Analyze(schemas));
        var (output, result) = Generate(schemas, "class C {}");
        Assert.Null(result.Results.Single().Exception);
        var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return string.Join("\n", result.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()));
    }
}
