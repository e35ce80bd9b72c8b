using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Herald.Generator.Tests;

/// <summary>The incremental pipeline caches: an unrelated edit reuses everything, a schema edit redoes only its own output.</summary>
public sealed class CachingTests
{
    private static readonly string[] TrackedSteps =
    {
        TrackingNames.SchemaFiles, TrackingNames.Namespace, TrackingNames.Compiled, TrackingNames.Units, TrackingNames.Registry, TrackingNames.Placeholders,
    };

    [Fact]
    public void An_unrelated_code_edit_leaves_every_step_cached()
    {
        var schemas = GeneratorHarness.CanonicalSchemas();
        CSharpCompilation compilation = GeneratorHarness.Compilation("class A {}");
        GeneratorDriver driver = GeneratorHarness.Driver(schemas).RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        // A step that produced no values (no broken schema → no placeholders) is not listed at all.
        foreach (string step in TrackedSteps.Where(s => s != TrackingNames.Placeholders)) Assert.True(first.TrackedSteps.ContainsKey(step), $"step {step} is not tracked");
        AssertNoRoslynObjects(first);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B { int X; }", new CSharpParseOptions(GeneratorHarness.Language))));
        GeneratorRunResult second = driver.GetRunResult().Results.Single();

        foreach (string step in TrackedSteps)
        {
            if (!second.TrackedSteps.TryGetValue(step, out var runs)) continue;
            foreach (IncrementalGeneratorRunStep run in runs)
            {
                foreach (var (_, reason) in run.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}");
            }
        }
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void A_schema_edit_regenerates_only_its_own_source()
    {
        var schemas = GeneratorHarness.CanonicalSchemas().ToList();
        CSharpCompilation compilation = GeneratorHarness.Compilation("class A {}");
        GeneratorDriver driver = GeneratorHarness.Driver(schemas).RunGenerators(compilation);

        AdditionalText tick = schemas.Single(s => s.Path.EndsWith("loop.tick.schema.json", StringComparison.Ordinal));
        string edited = tick.GetText()!.ToString().Replace("One simulation tick finished.", "One simulation tick completed.");
        driver = driver.ReplaceAdditionalText(tick, new GeneratorHarness.SchemaText(tick.Path, edited)).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        var files = result.TrackedSteps[TrackingNames.SchemaFiles].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, files.Count(r => r == IncrementalStepRunReason.Modified));
        var units = result.TrackedSteps[TrackingNames.Units].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(1, units.Count(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.All(units.Where(o => o.Reason != IncrementalStepRunReason.Modified), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        // The registry does not carry descriptions, so it is unchanged too.
        Assert.All(result.TrackedSteps[TrackingNames.Registry].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.Contains("One simulation tick completed.", result.GeneratedSources.Single(s => s.HintName == "LoopTick.g.cs").SourceText.ToString());
    }

    /// <summary>Pipeline values must never hold symbols, syntax or compilations: they would defeat caching and leak memory.</summary>
    private static void AssertNoRoslynObjects(GeneratorRunResult result)
    {
        foreach (string name in TrackedSteps)
        {
            if (!result.TrackedSteps.TryGetValue(name, out var runs)) continue;
            foreach (var (value, _) in runs.SelectMany(r => r.Outputs)) Walk(value, name, 0);
        }
    }

    private static void Walk(object? value, string path, int depth)
    {
        if (value is null || depth > 12 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {value.GetType().Name}");
        if (value is IEnumerable items)
        {
            foreach (object? item in items) Walk(item, path + "[]", depth + 1);
            return;
        }
        foreach (PropertyInfo property in value.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            Walk(property.GetValue(value), path + "." + property.Name, depth + 1);
        }
    }
}
