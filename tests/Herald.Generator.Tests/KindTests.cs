using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>
/// <c>x-kind</c> puts an event in a group that transforms can name, and the generated registry registers itself with
/// the runtime from a module initializer.
/// </summary>
public sealed class KindTests
{
    private static AdditionalText Snapshot(string kind) => new SchemaText("/p/world.snapshot.schema.json", $$"""
        {
          "x-event": "world.snapshot",
          "x-kind": {{kind}},
          "type": "object",
          "properties": { "tick": { "type": "integer" }, "policy_identity": { "type": "string" } },
          "required": ["tick"]
        }
        """);

    [Fact]
    public void The_kind_reaches_the_registry_and_the_fields_attribute()
    {
        var (output, result) = Generate(new[] { Snapshot("\"snapshot\"") }, "class C {}");

        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string registry = result.Results.Single().GeneratedSources.Single(s => s.HintName == "HeraldEvents.g.cs").SourceText.ToString();
        Assert.Contains("EventDescriptor.Create<WorldSnapshot>(priority: null, source: null, fields: new string[] { \"tick\", \"policy_identity\" }, redactedFields: new string[] {  }, redactableFields: new string[] { \"policy_identity\" }, kind: \"snapshot\")", registry);
        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializerAttribute]", registry);
        Assert.Contains("internal static void RegisterEvents() => global::Herald.EventRegistry.Register(Registry);", registry);
        string type = result.Results.Single().GeneratedSources.Single(s => s.HintName == "WorldSnapshot.g.cs").SourceText.ToString();
        Assert.Contains("[global::Herald.EventFieldsAttribute(new string[] { \"tick\", \"policy_identity\" }, new string[] { \"policy_identity\" }, Kind = \"snapshot\")]", type);
    }

    [Theory]
    [InlineData("\"\"", "'x-kind' must be a non-empty name without whitespace, not ''")]
    [InlineData("\"world snapshot\"", "'x-kind' must be a non-empty name without whitespace, not 'world snapshot'")]
    [InlineData("3", "'x-kind' must be a string")]
    public void A_bad_kind_is_HER008_at_its_value(string kind, string message)
    {
        Diagnostic d = Assert.Single(Analyze(new[] { Snapshot(kind) }));

        Assert.Equal("HER008", d.Id);
        Assert.Contains(message, d.GetMessage());
        Assert.Equal((3, 13), (d.Location.GetLineSpan().StartLinePosition.Line + 1, d.Location.GetLineSpan().StartLinePosition.Character + 1));
    }
}
