using Microsoft.CodeAnalysis;

namespace Herald.Generator.Tests;

/// <summary>
/// The generated source of every canonical schema, compared exactly with the committed files in Snapshots/.
/// To accept an intended change: <c>HERALD_ACCEPT_SNAPSHOTS=1 dotnet test tests/Herald.Generator.Tests</c>,
/// then review the diff of Snapshots/ like any other change.
/// </summary>
public sealed class SnapshotTests
{
    private static readonly string SnapshotDirectory = Path.Combine(GeneratorHarness.RepoRoot, "tests", "Herald.Generator.Tests", "Snapshots");

    private static bool Accepting => Environment.GetEnvironmentVariable("HERALD_ACCEPT_SNAPSHOTS") == "1";

    [Fact]
    public void Generated_source_matches_the_committed_snapshots()
    {
        var (_, result) = GeneratorHarness.Generate(GeneratorHarness.CanonicalSchemas(), "class C {}");
        var generated = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName + ".txt", s => Scrub(s.SourceText.ToString()));
        Assert.Equal(14, generated.Count); // 12 events + the shared defs + the registry

        if (Accepting)
        {
            foreach (string stale in Directory.GetFiles(SnapshotDirectory, "*.txt")) File.Delete(stale);
            foreach (var (name, text) in generated) File.WriteAllText(Path.Combine(SnapshotDirectory, name), text);
            return;
        }

        var failures = new List<string>();
        foreach (var (name, text) in generated)
        {
            string path = Path.Combine(SnapshotDirectory, name);
            if (!File.Exists(path)) failures.Add($"{name}: no snapshot committed");
            else if (File.ReadAllText(path).ReplaceLineEndings("\n") != text) failures.Add($"{name}: differs from the snapshot");
        }
        foreach (string committed in Directory.GetFiles(SnapshotDirectory, "*.txt").Select(Path.GetFileName).Where(n => !generated.ContainsKey(n!))!)
            failures.Add($"{committed}: snapshot of a file that is no longer generated");
        Assert.True(failures.Count == 0,
            string.Join("\n", failures) + "\nIf the change is intended: HERALD_ACCEPT_SNAPSHOTS=1 dotnet test tests/Herald.Generator.Tests, then review git diff.");
    }

    [Fact]
    public void Generated_code_compiles_without_warnings()
    {
        var (output, result) = GeneratorHarness.Generate(GeneratorHarness.CanonicalSchemas(), "class C {}");
        Assert.Empty(result.Diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Newlines normalised; the generator version scrubbed so a version bump is not a snapshot change.</summary>
    private static string Scrub(string source)
        => source.ReplaceLineEndings("\n").Replace($"\"{Emit.Emitter.GeneratorVersion}\"", "\"{version}\"");
}
