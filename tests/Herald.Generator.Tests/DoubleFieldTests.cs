using Herald.Generator.Model;
using Herald.Generator.Schema;
using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>
/// The registry lists, per event, the payload paths of schema-<c>number</c> values (<c>EventDescriptor.DoubleFields</c>):
/// JSON writes an integral double as <c>2</c>, and a reader of the text needs the schema to keep it a double.
/// </summary>
public sealed class DoubleFieldTests
{
    private static IReadOnlyList<string> DoubleFields(params (string Path, string Text)[] schemas)
    {
        CompileResult result = SchemaCompiler.Compile(schemas.Select(s => SchemaDocument.Parse(s.Path, s.Text)), "Consumer");
        Assert.Empty(result.Diagnostics);
        return Assert.Single(result.Registry.Events).DoubleFields.ToList();
    }

    private static IReadOnlyList<string> DoubleFields(string properties)
        => DoubleFields(("/p/test.doubles.schema.json", $$"""{ "x-event": "test.doubles", "type": "object", "properties": {{properties}} }"""));

    [Fact]
    public void Top_level_numbers_of_both_formats_are_listed_in_schema_order_and_integers_are_not()
    {
        Assert.Equal(new[] { "duration_ms", "ratio", "wide" }, DoubleFields("""
            {
              "tick": { "type": "integer" },
              "duration_ms": { "type": "number" },
              "count": { "type": "integer", "format": "int32" },
              "ratio": { "type": "number", "format": "float" },
              "wide": { "type": "number", "format": "double" },
              "name": { "type": "string" },
              "ok": { "type": "boolean" }
            }
            """));
    }

    [Fact]
    public void A_nullable_number_is_listed()
    {
        Assert.Equal(new[] { "maybe", "maybe_float" }, DoubleFields("""
            { "maybe": { "type": ["number", "null"] }, "maybe_float": { "type": ["number", "null"], "format": "float" }, "n": { "type": ["integer", "null"] } }
            """));
    }

    [Fact]
    public void A_nested_object_joins_names_with_a_dot()
    {
        Assert.Equal(new[] { "stats.mean", "stats.inner.p99" }, DoubleFields("""
            {
              "stats": {
                "type": "object",
                "properties": {
                  "count": { "type": "integer" },
                  "mean": { "type": "number" },
                  "inner": { "type": "object", "properties": { "p99": { "type": "number" }, "n": { "type": "integer" } } }
                }
              }
            }
            """));
    }

    [Fact]
    public void Array_items_are_marked_with_brackets_also_nested_and_of_objects()
    {
        Assert.Equal(new[] { "samples[]", "matrix[][]", "zones[].area" }, DoubleFields("""
            {
              "samples": { "type": "array", "items": { "type": "number" } },
              "ids": { "type": "array", "items": { "type": "integer" } },
              "matrix": { "type": "array", "items": { "type": "array", "items": { "type": "number" } } },
              "zones": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" }, "area": { "type": "number" } } } }
            }
            """));
    }

    [Fact]
    public void Map_values_are_marked_with_braces()
    {
        Assert.Equal(new[] { "weights{}", "places{}.x" }, DoubleFields("""
            {
              "weights": { "type": "object", "additionalProperties": { "type": "number" } },
              "counts": { "type": "object", "additionalProperties": { "type": "integer" } },
              "places": { "type": "object", "additionalProperties": { "type": "object", "properties": { "x": { "type": "number" } } } }
            }
            """));
    }

    [Fact]
    public void Free_form_values_are_not_listed()
    {
        Assert.Empty(DoubleFields("""
            { "any": {}, "bag": { "type": "object", "additionalProperties": true }, "list": { "type": "array", "items": {} } }
            """));
    }

    [Fact]
    public void Records_from_defs_and_other_files_are_followed()
    {
        const string Shared = """{ "definitions": { "point": { "type": "object", "properties": { "x": { "type": "number" }, "y": { "type": "number" } } } } }""";
        const string Event = """
            {
              "x-event": "draw.done",
              "$defs": { "pen": { "type": "object", "properties": { "width": { "type": "number", "format": "float" } } } },
              "properties": { "at": { "$ref": "shared.defs.json#/definitions/point" }, "pen": { "$ref": "#/$defs/pen" } }
            }
            """;
        Assert.Equal(new[] { "at.x", "at.y", "pen.width" }, DoubleFields(("/p/shared.defs.json", Shared), ("/p/draw.done.schema.json", Event)));
    }

    [Fact]
    public void A_recursive_type_is_followed_once_per_path()
    {
        const string Tree = """
            {
              "type": "object",
              "properties": {
                "weight": { "type": "number" },
                "children": { "type": "array", "items": { "$ref": "#" } },
                "next": { "$ref": "#/$defs/link" }
              },
              "$defs": { "link": { "type": ["object", "null"], "properties": { "cost": { "type": "number" }, "next": { "$ref": "#/$defs/link" } } } }
            }
            """;
        const string Event = """
            { "x-event": "test.tree", "properties": { "root": { "$ref": "tree.defs.json" }, "self": { "$ref": "#" }, "level": { "type": "number" } } }
            """;
        // The event itself is on the path from the start: "self" adds nothing.
        Assert.Equal(new[] { "root.weight", "root.next.cost", "level" }, DoubleFields(("/p/tree.defs.json", Tree), ("/p/test.tree.schema.json", Event)));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_cut()
    {
        // 20 nested records, each with a number "v": paths go 16 records below the event, no further.
        string schema = """{ "type": "number" }""";
        for (int i = 0; i < 20; i++) schema = $$"""{ "type": "object", "properties": { "v": { "type": "number" }, "n": {{schema}} } }""";
        IReadOnlyList<string> paths = DoubleFields($$"""{ "n": {{schema}} }""");

        Assert.Equal(DoubleFieldPaths.MaxDepth, paths.Count);
        Assert.Equal(string.Join(".", Enumerable.Repeat("n", DoubleFieldPaths.MaxDepth)) + ".v", paths[^1]);
    }

    [Fact]
    public void The_registry_passes_the_paths_only_when_there_are_any()
    {
        var (output, result) = Generate(new AdditionalText[]
        {
            new SchemaText("/p/test.plain.schema.json", """{ "x-event": "test.plain", "type": "object", "properties": { "n": { "type": "integer" } } }"""),
            new SchemaText("/p/test.mixed.schema.json", """{ "x-event": "test.mixed", "type": "object", "properties": { "n": { "type": "integer" }, "xs": { "type": "array", "items": { "type": "number" } } } }"""),
        }, "class C {}");

        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string registry = result.Results.Single().GeneratedSources.Single(s => s.HintName == "HeraldEvents.g.cs").SourceText.ToString();
        Assert.Contains("EventDescriptor.Create<TestPlain>(priority: null, source: null, fields: new string[] { \"n\" }, redactedFields: new string[] {  }, redactableFields: new string[] {  }),", registry);
        Assert.Contains("EventDescriptor.Create<TestMixed>(priority: null, source: null, fields: new string[] { \"n\", \"xs\" }, redactedFields: new string[] {  }, redactableFields: new string[] {  }, doubleFields: new string[] { \"xs[]\" }),", registry);
    }
}
