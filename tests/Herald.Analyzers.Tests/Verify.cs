using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Herald.Analyzers.Tests;

/// <summary>
/// Runs an analyzer over test code that references the real Herald runtime and the canonical event types
/// (Herald.Events), exactly as a user project sees them. References come from this test process (its trusted
/// platform assemblies), so no reference pack is downloaded: tests stay off the network.
/// </summary>
internal static class Verify<TAnalyzer> where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected) => AnalyzerAsync(source, Array.Empty<(string, string)>(), expected);

    /// <summary>Runs the analyzer over code that references the runtime alone (no Herald.Events): a project without schemas.</summary>
    public static async Task RuntimeOnlyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        string events = typeof(Herald.Events.LoopTick).Assembly.Location;
        test.TestState.AdditionalReferences.AddRange(References.Value.Where(r => r.Display != events));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Runs the analyzer with AdditionalFiles (name, text) next to the code.</summary>
    public static async Task AnalyzerAsync(string source, (string Name, string Text)[] additionalFiles, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        foreach ((string name, string text) in additionalFiles) test.TestState.AdditionalFiles.Add((name, text));
        test.TestState.AdditionalReferences.AddRange(References.Value);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Applies <typeparamref name="TCodeFix"/> to every diagnostic and compares the result with <paramref name="fixedSource"/>.</summary>
    public static async Task CodeFixAsync<TCodeFix>(string source, string fixedSource, params DiagnosticResult[] expected)
        where TCodeFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        test.TestState.AdditionalReferences.AddRange(References.Value);
        test.FixedState.AdditionalReferences.AddRange(References.Value);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    public static DiagnosticResult Diagnostic(string id) => new DiagnosticResult(id, DiagnosticSeverity.Error);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = tpa.Split(Path.PathSeparator).Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
            || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll").ToList();
        paths.Add(typeof(Herald.ITelemetrySink).Assembly.Location);
        paths.Add(typeof(Herald.Events.LoopTick).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });
}
