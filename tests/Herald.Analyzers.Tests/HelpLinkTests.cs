using System.Collections.Generic;
using System.Reflection;
using System.Text.RegularExpressions;
using Herald.Analyzers.CodeFixes;
using Herald.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Herald.Analyzers.Tests;

/// <summary>
/// Every diagnostic ID defined in code — a <see cref="DiagnosticDescriptor"/> held by a type of the generator or the
/// analyzers, one an analyzer supports, an ID constant, an ID a code fix fixes — has an entry in docs/diagnostics.md,
/// and its descriptor carries an absolute help link to that entry: <c>$(HeraldDocsUrl)diagnostics.md#&lt;id&gt;</c>,
/// the anchor GitHub gives the entry's heading. And every entry there is a diagnostic the code defines.
/// </summary>
public sealed class HelpLinkTests
{
    private static readonly Assembly[] Shipped =
    {
        typeof(HeraldGenerator).Assembly,
        typeof(EventTypeStringAnalyzer).Assembly,
        typeof(UpdateSchemaBaselineCodeFix).Assembly,
    };

    [Fact]
    public void The_code_defines_the_diagnostics_we_know_of()
    {
        // Reflection found them all (a guard against the search below silently finding nothing).
        Assert.Equal(
            new[] { "HER001", "HER002", "HER003", "HER004", "HER005", "HER006", "HER007", "HER008", "HER009", "HER101", "HER102", "HER103", "HER201", "HER301", "HER302" },
            DefinedIds().Order(StringComparer.Ordinal));
        Assert.Equal(DefinedIds().Order(StringComparer.Ordinal), Descriptors().Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_diagnostic_id_in_code_has_an_entry_in_docs_diagnostics_md()
    {
        HashSet<string> anchors = DocsAnchors();
        var missing = DefinedIds().Where(id => !anchors.Contains(id.ToLowerInvariant())).ToList();
        Assert.True(missing.Count == 0, "no '## HERxxx' entry in docs/diagnostics.md for " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_descriptor_has_an_absolute_help_link_to_its_entry()
    {
        Assert.True(Uri.TryCreate(HeraldDocs.Url, UriKind.Absolute, out Uri? docs) && docs.Scheme == Uri.UriSchemeHttps, HeraldDocs.Url);
        Assert.EndsWith("/", HeraldDocs.Url, StringComparison.Ordinal);
        HashSet<string> anchors = DocsAnchors();
        foreach (DiagnosticDescriptor d in Descriptors())
        {
            Assert.True(Uri.TryCreate(d.HelpLinkUri, UriKind.Absolute, out Uri? link), $"{d.Id}: help link '{d.HelpLinkUri}' is not absolute");
            Assert.Equal(Uri.UriSchemeHttps, link!.Scheme);
            Assert.Equal($"{HeraldDocs.Url}diagnostics.md#{d.Id.ToLowerInvariant()}", d.HelpLinkUri);
            Assert.True(anchors.Contains(link.Fragment.TrimStart('#')), $"{d.Id}: docs/diagnostics.md has no heading whose anchor is '{link.Fragment}'");
        }
    }

    [Fact]
    public void Every_entry_in_docs_diagnostics_md_is_a_diagnostic_in_code()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        var documented = Regex.Matches(docs, @"^## (HER\d{3})\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(documented);
        Assert.Equal(documented.Count, documented.Distinct().Count());
        Assert.Empty(documented.Except(DefinedIds()));
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors()
    {
        foreach (Type type in Shipped.SelectMany(a => a.GetTypes()))
        {
            const BindingFlags Static = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (FieldInfo f in type.GetFields(Static).Where(f => f.FieldType == typeof(DiagnosticDescriptor)))
                yield return (DiagnosticDescriptor)f.GetValue(null)!;
            foreach (PropertyInfo p in type.GetProperties(Static).Where(p => p.PropertyType == typeof(DiagnosticDescriptor) && p.GetIndexParameters().Length == 0))
                yield return (DiagnosticDescriptor)p.GetValue(null)!;
            if (typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null)
                foreach (DiagnosticDescriptor d in ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
                    yield return d;
        }
    }

    private static IEnumerable<string> DefinedIds()
    {
        var ids = new HashSet<string>(Descriptors().Select(d => d.Id), StringComparer.Ordinal);
        foreach (Type type in Shipped.SelectMany(a => a.GetTypes()))
        {
            // ID constants (the schema engine's DiagnosticIds, which the herald tool reports too).
            foreach (FieldInfo f in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (f.IsLiteral && f.FieldType == typeof(string) && f.GetRawConstantValue() is string s && Regex.IsMatch(s, @"^HER\d{3}$"))
                    ids.Add(s);
            if (typeof(CodeFixProvider).IsAssignableFrom(type) && !type.IsAbstract)
                ids.UnionWith(((CodeFixProvider)Activator.CreateInstance(type)!).FixableDiagnosticIds);
        }
        return ids;
    }

    /// <summary>The anchors GitHub gives the headings of docs/diagnostics.md: lower case, punctuation dropped, spaces as '-'.</summary>
    private static HashSet<string> DocsAnchors()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        return Regex.Matches(docs, @"^#{1,6} +(.+?) *$", RegexOptions.Multiline)
            .Select(m => Regex.Replace(m.Groups[1].Value.ToLowerInvariant(), @"[^\p{L}\p{Nd}\p{Mn}\p{Pc} -]", "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);
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
