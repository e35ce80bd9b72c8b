using Herald.Generator;
using Herald.Generator.Schema;
using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>HER301/HER302: schema evolution against schemas.shipped.json.</summary>
public sealed class EvolutionTests
{
    private const string V1 = """
        {
          "x-event": "test.evo",
          "type": "object",
          "properties": {
            "a": { "type": "string" },
            "b": { "type": "integer" },
            "c": { "type": "string" },
            "mode": { "type": "string", "enum": ["x", "y"] },
            "old_name": { "type": "number" },
            "gone": { "type": "boolean" },
            "opt": { "type": "string" }
          },
          "required": ["a", "opt"]
        }
        """;

    private const string V2 = """
        {
          "x-event": "test.evo",
          "type": "object",
          "properties": {
            "a": { "type": "string" },
            "b": { "type": "number" },
            "c": { "type": "string" },
            "mode": { "type": "string", "enum": ["x", "z"] },
            "new_name": { "type": "number", "x-aliases": ["old_name"] },
            "opt": { "type": "string" },
            "extra": { "type": "string" },
            "must": { "type": "string" },
            "blob": { "type": "object", "properties": { "inner": { "type": "string" } }, "required": ["inner"] }
          },
          "required": ["a", "c", "must"]
        }
        """;

    private const string Removed = """{ "x-event": "test.removed", "type": "object", "properties": { "n": { "type": "integer" } } }""";
    private const string Added = """{ "x-event": "test.added", "type": "object", "properties": { "n": { "type": "integer" } } }""";

    private static string Baseline(params (string Path, string Text)[] schemas)
    {
        CompileResult result = SchemaCompiler.Compile(schemas.Select(s => SchemaDocument.Parse(s.Path, s.Text)), "Consumer");
        Assert.Empty(result.Diagnostics);
        return EventShape.ToBaselineJson(EventShape.FromCompilation(result).Values);
    }

    [Fact]
    public void Every_rule_reports_breaking_changes_as_errors_and_additions_as_warnings()
    {
        string baseline = Baseline(("/p/test.evo.schema.json", V1), ("/p/test.removed.schema.json", Removed));
        var diagnostics = Analyze(new AdditionalText[]
        {
            new SchemaText("/p/test.evo.schema.json", V2),
            new SchemaText("/p/test.added.schema.json", Added),
            new SchemaText("/p/schemas.shipped.json", baseline),
        });

        var actual = diagnostics.Select(d => $"{d.Id} {Path.GetFileName(d.Location.GetLineSpan().Path)}:{d.Location.GetLineSpan().StartLinePosition.Line + 1} {d.GetMessage()}")
            .Order(StringComparer.Ordinal).ToArray();
        const string Update = "; update schemas.shipped.json to record it";
        Assert.Equal(new[]
        {
            "HER301 schemas.shipped.json:" + (baseline.Split('\n').ToList().FindIndex(l => l.Contains("\"test.removed\"")) + 1)
                + " Breaking change to 'test.removed' against schemas.shipped.json: event type 'test.removed' was removed or renamed; consumers of the shipped schema still send or expect it",
            "HER301 test.evo.schema.json:2 Breaking change to 'test.evo' against schemas.shipped.json: field 'gone' was removed",
            "HER301 test.evo.schema.json:12 Breaking change to 'test.evo' against schemas.shipped.json: new required field 'must': producers of the shipped schema do not send it",
            "HER301 test.evo.schema.json:6 Breaking change to 'test.evo' against schemas.shipped.json: field 'b' changed type from integer to number",
            "HER301 test.evo.schema.json:7 Breaking change to 'test.evo' against schemas.shipped.json: optional field 'c' became required",
            "HER301 test.evo.schema.json:8 Breaking change to 'test.evo' against schemas.shipped.json: enum value 'y' of 'mode' was removed",
            "HER302 test.added.schema.json:1 'test.added': event type 'test.added' is not in schemas.shipped.json yet" + Update,
            "HER302 test.evo.schema.json:11 'test.evo': field 'extra' is not in schemas.shipped.json yet" + Update,
            "HER302 test.evo.schema.json:10 'test.evo': field 'opt' became optional" + Update,
            "HER302 test.evo.schema.json:13 'test.evo': field 'blob' is not in schemas.shipped.json yet" + Update,
            "HER302 test.evo.schema.json:13 'test.evo': field 'blob.inner' is not in schemas.shipped.json yet" + Update,
            "HER302 test.evo.schema.json:8 'test.evo': enum value 'z' of 'mode' is not in schemas.shipped.json yet" + Update,
            "HER302 test.evo.schema.json:9 'test.evo': 'old_name' was renamed to 'new_name' and is still read through x-aliases; record the new name" + Update,
        }.Order(StringComparer.Ordinal), actual);
        Assert.All(diagnostics.Where(d => d.Id == "HER302"), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void The_current_schemas_against_their_own_baseline_are_silent_and_no_baseline_means_no_check()
    {
        string baseline = Baseline(("/p/test.evo.schema.json", V2));
        Assert.Empty(Analyze(new AdditionalText[] { new SchemaText("/p/test.evo.schema.json", V2), new SchemaText("/p/schemas.shipped.json", baseline) }));
        Assert.Empty(Analyze(new AdditionalText[] { new SchemaText("/p/test.evo.schema.json", V2) }));
    }

    [Fact]
    public void The_canonical_schemas_match_the_committed_baseline()
    {
        // schemas/schemas.shipped.json is the lock file of the canonical events. To record a deliberate change:
        // HERALD_ACCEPT_SNAPSHOTS=1 dotnet test tests/Herald.Generator.Tests
        string path = Path.Combine(CanonicalSchemaDirectory, SchemaDiagnosticAnalyzer.BaselineFileName);
        var schemas = CanonicalSchemas().Where(f => Path.GetFileName(f.Path) != SchemaDiagnosticAnalyzer.BaselineFileName)
            .Select(f => (f.Path, f.GetText()!.ToString())).ToArray();
        string expected = Baseline(schemas);
        if (Environment.GetEnvironmentVariable("HERALD_ACCEPT_SNAPSHOTS") == "1") File.WriteAllText(path, expected);
        Assert.Equal(expected, File.ReadAllText(path));
        Assert.Contains(CanonicalSchemas(), f => f.Path == path);
        Assert.Empty(Analyze(CanonicalSchemas())); // with the baseline among them: no HER301/HER302
    }
}
