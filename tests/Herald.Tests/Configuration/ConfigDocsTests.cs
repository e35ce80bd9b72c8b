using Herald.Configuration;

namespace Herald.Tests.Configuration;

/// <summary>docs/configuration.md documents every key of the rule table, with its default.</summary>
public sealed class ConfigDocsTests
{
    [Fact]
    public void Every_key_and_default_is_documented()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var missing = new List<string>();
        foreach (ConfigRule rule in TelemetryConfigRules.All.Where(r => r.Kind != ConfigValueKind.Section))
        {
            string row = docs.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{rule.Path}` |", StringComparison.Ordinal)) ?? "";
            if (row.Length == 0) missing.Add(rule.Path + ": no row");
            else if (rule.DefaultText is { } d && !row.Contains($"| `{d}` |", StringComparison.Ordinal)) missing.Add($"{rule.Path}: default {d} not in row");
        }
        foreach (string transform in TelemetryConfigRules.TransformNames)
        {
            if (!docs.Contains($"| `{transform}` |", StringComparison.Ordinal)) missing.Add("transform " + transform);
        }
        Assert.Empty(missing);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
