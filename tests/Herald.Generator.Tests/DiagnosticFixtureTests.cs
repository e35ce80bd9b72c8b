using Microsoft.CodeAnalysis;

namespace Herald.Generator.Tests;

/// <summary>
/// One fixture folder per schema diagnostic (Fixtures/Diagnostics/HERxxx): the analyzer reports exactly that ID
/// at the expected file, line and column, and the generator skips the schema instead of failing.
/// </summary>
public sealed class DiagnosticFixtureTests
{
    private static readonly string FixtureRoot = Path.Combine(GeneratorHarness.RepoRoot, "tests", "Herald.Generator.Tests", "Fixtures", "Diagnostics");

    [Theory]
    [InlineData("HER001", "bad.json.schema.json", 6, 3, "expected a property name")]
    [InlineData("HER002", "bad.keyword.schema.json", 5, 16, "Keyword 'oneOf' at '#/properties/shape/oneOf' is not supported")]
    [InlineData("HER003", "bad.ref.schema.json", 5, 28, "Cannot resolve $ref 'missing.defs.json#/$defs/transport'")]
    [InlineData("HER004", "b.second.schema.json", 2, 14, "Event type 'dup.event' is already defined by 'a.first.schema.json'")]
    [InlineData("HER005", "bad.names.schema.json", 6, 5, "'durationMs' maps to C# member 'DurationMs', but property 'duration_ms' maps to it already")]
    [InlineData("HER006", "bad.required.schema.json", 7, 24, "'required' names 'tock', which is not a property of 'BadRequired'")]
    [InlineData("HER007", "bad.reserved.schema.json", 5, 50, "'EventType' cannot be used as a C# name: the x-csharp-name of 'kind' is a generated member")]
    [InlineData("HER008", "bad.value.schema.json", 5, 45, "Invalid schema at '#/properties/tick/minimum': 'minimum' must be a number")]
    public void Fixture_reports_its_diagnostic_at_the_offending_token(string id, string file, int line, int column, string message)
    {
        var schemas = Fixture(id);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(schemas));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(file, Path.GetFileName(span.Path));
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"{HeraldDocs.Url}diagnostics.md#{id.ToLowerInvariant()}", diagnostic.Descriptor.HelpLinkUri);

        // The generator does not crash and generates no real type for the bad schema: only a placeholder
        // (HER004 keeps the first file's real type, so it gets none).
        var (_, result) = GeneratorHarness.Generate(schemas, "class C {}");
        Assert.Empty(result.Diagnostics);
        GeneratorRunResult run = result.Results.Single();
        Assert.Null(run.Exception);
        if (id != "HER004")
        {
            string placeholder = Assert.Single(run.GeneratedSources).SourceText.ToString();
            Assert.Contains($"{file}({line},{column}): {id}: ", placeholder);
            Assert.DoesNotContain("IEvent", placeholder);
        }
    }

    [Fact]
    public void The_informational_fixture_reports_HER009_at_the_property_name_and_still_generates()
    {
        var schemas = Fixture("HER009");
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(schemas));
        Assert.Equal(("HER009", DiagnosticSeverity.Info), (diagnostic.Id, diagnostic.Severity));
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(("renamed.field.schema.json", 6, 5), (Path.GetFileName(span.Path), span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Equal(
            "Property 'schema_version' is generated as 'SchemaVersionField' because 'SchemaVersion' is a generated member; set x-csharp-name to choose another name",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"{HeraldDocs.Url}diagnostics.md#her009", diagnostic.Descriptor.HelpLinkUri);

        var (output, result) = GeneratorHarness.Generate(schemas, "class C { string M(Consumer.RenamedField e) => e.SchemaVersionField + Consumer.RenamedField.SchemaVersion; }");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string source = result.Results.Single().GeneratedSources.Single(s => s.HintName == "RenamedField.g.cs").SourceText.ToString();
        Assert.Contains("public required string SchemaVersionField { get; init; }", source);
        Assert.Contains("\"\\\"schema_version\\\":\"u8", source);
    }

    [Fact]
    public void Using_the_type_of_a_broken_schema_is_an_error_that_names_the_schema_problem()
    {
        var (output, _) = GeneratorHarness.Generate(Fixture("HER006"), "class C { object M() => new Consumer.BadRequired(); }");
        Diagnostic error = Assert.Single(output.GetDiagnostics(), d => d.Id == "CS0619");
        Assert.Contains("bad.required.schema.json(7,24): HER006: 'required' names 'tock'", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_schema_that_depends_on_a_broken_file_says_so()
    {
        var schemas = GeneratorHarness.CanonicalSchemas()
            .Select(s => s.Path.EndsWith("loop.defs.json", StringComparison.Ordinal) ? new GeneratorHarness.SchemaText(s.Path, "{ \"$defs\": { ") : s)
            .ToList();
        var (_, result) = GeneratorHarness.Generate(schemas, "class C {}");
        string health = result.Results.Single().GeneratedSources.Single(s => s.HintName == "LoopHealth.g.cs").SourceText.ToString();
        Assert.Contains("loop.health.schema.json depends on loop.defs.json, which has errors", health);
        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName == "LoopTick.g.cs" && s.SourceText.ToString().Contains("IEvent"));
    }

    [Fact]
    public void Duplicate_event_types_keep_the_first_file_and_skip_the_second()
    {
        var (_, result) = GeneratorHarness.Generate(Fixture("HER004"), "class C {}");
        var sources = result.Results.Single().GeneratedSources;
        Assert.Equal(new[] { "DupEvent.g.cs", "HeraldEvents.g.cs" }, sources.Select(s => s.HintName).OrderBy(n => n));
        Assert.Contains("\"a\"", sources.Single(s => s.HintName == "DupEvent.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Every_diagnostic_id_has_a_fixture_and_a_docs_entry()
    {
        string docs = File.ReadAllText(Path.Combine(GeneratorHarness.RepoRoot, "docs", "diagnostics.md"));
        string releases = File.ReadAllText(Path.Combine(GeneratorHarness.RepoRoot, "generator", "Herald.Generator", "AnalyzerReleases.Unshipped.md"));
        foreach (DiagnosticDescriptor descriptor in new SchemaDiagnosticAnalyzer().SupportedDiagnostics)
        {
            // Schema-file diagnostics have fixture folders; the evolution ones (HER3xx) are covered by EvolutionTests.
            if (descriptor.Category == DiagnosticDescriptors.SchemaCategory)
                Assert.True(Directory.Exists(Path.Combine(FixtureRoot, descriptor.Id)), $"{descriptor.Id} has no fixture");
            Assert.Contains($"## {descriptor.Id}", docs);
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity}", releases);
            Assert.Equal($"{HeraldDocs.Url}diagnostics.md#{descriptor.Id.ToLowerInvariant()}", descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void The_canonical_schemas_are_clean()
        => Assert.Empty(GeneratorHarness.Analyze(GeneratorHarness.CanonicalSchemas()));

    private static List<AdditionalText> Fixture(string id)
        => Directory.GetFiles(Path.Combine(FixtureRoot, id)).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (AdditionalText)new GeneratorHarness.SchemaText(f, File.ReadAllText(f))).ToList();
}
