using Herald.Configuration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Herald.Tests.Configuration;

/// <summary>
/// A configuration key is spelled in one place, the rule table: everything else reads it from there. Any code token of
/// src/ or analyzers/ (string literals included; comments, docs and tests are not code here) that spells a key of the
/// table fails this test.
/// </summary>
public sealed class ConfigKeyLiteralTests
{
    private static readonly string TableFile = Path.Combine("src", "Herald", "Configuration", "Shared", "TelemetryConfigRules.cs");

    /// <summary>
    /// What spells a key: the dotted path of every rule, and every snake_case key name, choice and transform parameter
    /// of the table. One-word names (<c>type</c>, <c>source</c>, <c>file</c>) are also ordinary words of the envelope and
    /// of protocols, so they cannot be told apart by spelling alone. Transform names are values, not keys: the runtime
    /// names the transform that rejected an event in its reason.
    /// </summary>
    internal static IReadOnlyList<string> KeySpellings()
    {
        var names = new List<string>();
        foreach (ConfigRule rule in TelemetryConfigRules.All)
        {
            if (rule.Path.Contains('.', StringComparison.Ordinal)) names.Add(rule.Path);
            names.Add(rule.Name);
            names.AddRange(rule.Choices);
        }
        foreach (TransformRule transform in TelemetryConfigRules.TransformRules) names.AddRange(transform.Parameters);
        return names.Where(n => n.Contains('_', StringComparison.Ordinal) || n.Contains('.', StringComparison.Ordinal)).Distinct().ToList();
    }

    [Fact]
    public void Key_names_are_spelled_only_in_the_rule_table()
    {
        string root = ConfigDocsTests.RepositoryRoot();
        IReadOnlyList<string> spellings = KeySpellings();
        Assert.Contains("max_batch_size", spellings);
        Assert.Contains("transport.buffer.max_event_bytes", spellings);
        Assert.Contains("drop_oldest", spellings);

        var found = new List<string>();
        foreach (string folder in new[] { "src", "analyzers" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file);
                string[] parts = relative.Split(Path.DirectorySeparatorChar);
                if (relative == TableFile || parts.Contains("obj") || parts.Contains("bin")) continue;
                found.AddRange(Spelled(File.ReadAllText(file), spellings).Select(hit => $"{relative}{hit}"));
            }
        }
        Assert.Empty(found);
    }

    [Fact]
    public void The_scan_sees_literals_and_skips_comments()
    {
        IReadOnlyList<string> spellings = KeySpellings();
        const string Source = """
            // max_batch_size in a comment is documentation
            /// <summary><c>max_buffer_bytes</c></summary>
            class C
            {
                string a = "max_batch_size";
                string b = $"{x}.send_retry_limit";
                string c = "telemetry.transport.type";
                string d = "fan_out";
                string e = "max_batch_sizes";
            }
            """;
        Assert.Equal(
            new[] { "(5): max_batch_size", "(6): send_retry_limit", "(7): transport.type", "(8): fan_out" },
            Spelled(Source, spellings).Select(hit => hit[..hit.IndexOf(" in ", StringComparison.Ordinal)]));
    }

    /// <summary>Each code token (no comments, no doc comments) that spells one of <paramref name="spellings"/> as a whole word.</summary>
    private static IEnumerable<string> Spelled(string source, IReadOnlyList<string> spellings)
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText(source).GetRoot();
        foreach (SyntaxToken token in root.DescendantTokens())
        {
            foreach (string spelling in spellings)
            {
                if (ContainsWord(token.Text, spelling))
                    yield return $"({token.GetLocation().GetLineSpan().StartLinePosition.Line + 1}): {spelling} in {token.Text}";
            }
        }
    }

    private static bool ContainsWord(string text, string word)
    {
        for (int at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            bool before = at == 0 || !IsWordChar(text[at - 1]);
            bool after = at + word.Length == text.Length || !IsWordChar(text[at + word.Length]);
            if (before && after) return true;
        }
        return false;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
