using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Herald.Analyzers.Tests;

/// <summary>Every protocol diagnostic is documented, release-tracked and links to its docs entry.</summary>
public sealed class DescriptorTests
{
    [Fact]
    public void Every_descriptor_has_docs_a_release_entry_and_a_help_link()
    {
        string root = RepositoryRoot();
        string docs = File.ReadAllText(Path.Combine(root, "docs", "diagnostics.md"));
        string releases = File.ReadAllText(Path.Combine(root, "analyzers", "Herald.Analyzers", "AnalyzerReleases.Unshipped.md"));
        DiagnosticAnalyzer[] analyzers = { new EventTypeStringAnalyzer(), new SinkConformanceAnalyzer(), new TelemetryConfigAnalyzer() };
        var descriptors = analyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
        Assert.Equal(new[] { "HER101", "HER102", "HER103", "HER201" }, descriptors.Select(d => d.Id).Order());
        foreach (DiagnosticDescriptor d in descriptors)
        {
            Assert.Contains($"\n## {d.Id}\n", docs);
            Assert.Contains($"{d.Id} | {d.Category} | Error", releases);
            Assert.Equal($"{HeraldDocs.Url}diagnostics.md#{d.Id.ToLowerInvariant()}", d.HelpLinkUri);
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
