using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>Draft-07 and 2020-12 spellings, annotations everywhere, and extension values in any case.</summary>
public sealed class DialectTests
{
    private const string Defs2020 = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "net.defs.json",
          "title": "Network definitions",
          "$comment": "shared by the net.* events",
          "$defs": {
            "endpoint": {
              "type": "object",
              "title": "An endpoint",
              "properties": {
                "host": { "type": "string", "examples": ["localhost", "10.0.0.1"] },
                "port": { "type": "integer", "format": "int32", "minimum": 1, "readOnly": true, "writeOnly": false }
              },
              "required": ["host"]
            },
            "protocol": { "type": "string", "enum": ["tcp", "udp"], "title": "Transport protocol" }
          }
        }
        """;

    private const string Event2020 = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://example.com/schemas/net.connected.schema.json",
          "title": "Connected",
          "description": "A connection was made.",
          "$comment": "emitted once per connection",
          "examples": [{ "remote": { "host": "a" } }],
          "x-event": "net.connected",
          "x-priority": "HIGH",
          "type": "object",
          "$defs": {
            "attempt": { "type": "object", "properties": { "n": { "type": "integer", "deprecated": true } } }
          },
          "properties": {
            "remote": {
              "$ref": "net.defs.json#/$defs/endpoint",
              "$comment": "where to", "title": "Remote end", "examples": [{ "host": "a", "port": 1 }],
              "readOnly": true, "writeOnly": false, "deprecated": false, "$id": "remote", "$schema": "https://json-schema.org/draft/2020-12/schema"
            },
            "protocol": { "$ref": "net.defs.json#/$defs/protocol", "description": "The protocol." },
            "attempt": { "$ref": "#/$defs/attempt" },
            "tags": { "type": "array", "items": { "type": "string" }, "examples": [["a", "b"]], "title": "Tags\nfree-form" }
          },
          "required": ["remote"]
        }
        """;

    /// <summary>The same schemas in draft-07 spelling: <c>definitions</c> and the draft-07 <c>$schema</c>.</summary>
    private static string Draft07(string schema)
        => schema.Replace("$defs", "definitions").Replace("https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#");

    [Fact]
    public void Draft07_and_2020_12_spellings_generate_identical_code()
    {
        Dictionary<string, string> modern = Sources(Defs2020, Event2020);
        Dictionary<string, string> draft07 = Sources(Draft07(Defs2020), Draft07(Event2020));
        Assert.DoesNotContain("$defs", Draft07(Event2020) + Draft07(Defs2020));
        Assert.Equal(new[] { "Defs.Net.g.cs", "HeraldEvents.g.cs", "NetConnected.g.cs" }, modern.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(modern.Keys.OrderBy(k => k), draft07.Keys.OrderBy(k => k));
        foreach (string name in modern.Keys) Assert.Equal(modern[name], draft07[name]);
    }

    [Fact]
    public void Title_documents_what_has_no_description_and_examples_become_example_tags()
    {
        Dictionary<string, string> sources = Sources(Defs2020, Event2020);
        string ev = sources["NetConnected.g.cs"];
        string defs = sources["Defs.Net.g.cs"];
        Assert.Contains("/// <summary>\n/// A connection was made.\n/// </summary>\n/// <example><c>{\"remote\":{\"host\":\"a\"}}</c></example>\n", ev);
        Assert.Contains("/// <summary>\n    /// Remote end\n    /// </summary>\n    /// <example><c>{\"host\":\"a\",\"port\":1}</c></example>\n    public required Endpoint Remote", ev);
        Assert.Contains("/// The protocol.\n    /// </summary>\n    public Protocol? Protocol", ev);
        Assert.Contains("/// Tags\n    /// free-form\n    /// </summary>\n    /// <example><c>[\"a\",\"b\"]</c></example>\n", ev);
        Assert.Contains("/// <summary>\n/// An endpoint\n/// </summary>\n", defs);
        Assert.Contains("/// <example><c>\"localhost\"</c></example>\n    /// <example><c>\"10.0.0.1\"</c></example>\n    public required string Host", defs);
        Assert.Contains("/// <summary>\n/// Transport protocol\n/// </summary>\n", defs);
    }

    [Fact]
    public void Every_line_break_in_a_description_or_example_stays_inside_the_doc_comment()
    {
        const string Schema = """
            { "x-event": "odd.text", "description": "lone\rreturn, next\u2028line, \u0085nel", "type": "object",
              "properties": { "a": { "type": "string", "description": "Always \r\".", "examples": ["one\u2029two"] } } }
            """;
        var schemas = new AdditionalText[] { new SchemaText("/p/odd.text.schema.json", Schema) };
        Assert.All(Analyze(schemas), d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
        var (output, result) = Generate(schemas, "class C {}");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        string ev = result.Results.Single().GeneratedSources.Single(s => s.HintName == "OddText.g.cs").SourceText.ToString();
        Assert.Contains("/// lone\n/// return, next\n/// line, \n/// nel\n", ev);
        Assert.Contains("/// Always \n    /// \".\n", ev);
        Assert.Contains("/// <example><c>\"one&#x2029;two\"</c></example>\n", ev);
    }

    [Fact]
    public void X_priority_is_accepted_in_any_case_and_generated_lower_case()
    {
        string registry = Sources(Defs2020, Event2020)["HeraldEvents.g.cs"];
        Assert.Contains("Create<NetConnected>(priority: \"high\"", registry);
        Diagnostic d = Assert.Single(Analyze(new AdditionalText[] { new SchemaText("/p/x.schema.json", """{ "x-priority": "urgent", "properties": {} }""") }));
        Assert.Equal("HER008", d.Id);
        Assert.Contains("must be one of low, medium, high, critical", d.GetMessage());
    }

    [Theory]
    [InlineData("\"title\": 3", "'title' must be a string")]
    [InlineData("\"examples\": \"a\"", "'examples' must be an array")]
    [InlineData("\"readOnly\": \"yes\"", "'readOnly' must be true or false")]
    [InlineData("\"$schema\": {}", "'$schema' must be a string")]
    public void An_annotation_of_the_wrong_shape_is_HER008_at_its_value(string annotation, string message)
    {
        string schema = "{ \"properties\": {\n  \"a\": { \"type\": \"string\", " + annotation + " } } }";
        Diagnostic d = Assert.Single(Analyze(new AdditionalText[] { new SchemaText("/p/x.schema.json", schema) }));
        Assert.Equal(("HER008", 1), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line));
        Assert.Contains(message, d.GetMessage());
    }

    private static Dictionary<string, string> Sources(string defs, string ev)
    {
        string all = RefFormTests.Accepted(("/p/net.defs.json", defs), ("/p/net.connected.schema.json", ev));
        Assert.NotEmpty(all);
        var (_, result) = Generate(new AdditionalText[] { new SchemaText("/p/net.defs.json", defs), new SchemaText("/p/net.connected.schema.json", ev) }, "class C {}");
        return result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
    }
}
