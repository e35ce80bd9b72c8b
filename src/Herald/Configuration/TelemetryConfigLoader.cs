using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Herald.Configuration;

/// <summary>
/// Turns configuration text or an <see cref="IConfiguration"/> section into <see cref="TelemetryOptions"/>:
/// parse into <see cref="ConfigNode"/>s, check with the shared <see cref="TelemetryConfigChecker"/> (the HER201
/// analyzer runs the same code), then bind with <see cref="TelemetryConfigBinding"/>. Every problem is reported in one
/// <see cref="TelemetryConfigException"/>.
/// </summary>
internal static class TelemetryConfigLoader
{
    public static TelemetryOptions FromFile(string path, EventRegistry? events)
    {
        string text = ReadFile(path);
        ConfigNode document;
        try
        {
            document = ConfigTextParser.Parse(text);
        }
        catch (ConfigSyntaxException ex)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("telemetry", null, ex.Message) { Location = Location(path, ex.Line, ex.Column) } });
        }
        TelemetryConfigChecker checker = TelemetryConfigChecker.CheckDocument(document);
        ConfigNode? section = document.Kind == ConfigNodeKind.Mapping ? document.Find("telemetry")?.Value : null;
        return Finish(checker, section, events, path);
    }

    public static TelemetryOptions FromConfiguration(IConfiguration section, EventRegistry? events)
    {
        ConfigNode node = FromConfigurationSection(section);
        return Finish(TelemetryConfigChecker.CheckSection(node), node, events, path: null);
    }

    /// <summary>Parses a configuration file and flattens it into <c>Microsoft.Extensions.Configuration</c> keys.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Flatten(string path)
    {
        ConfigNode document;
        try
        {
            document = ConfigTextParser.Parse(ReadFile(path));
        }
        catch (ConfigSyntaxException ex)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("telemetry", null, ex.Message) { Location = Location(path, ex.Line, ex.Column) } });
        }
        var pairs = new List<KeyValuePair<string, string?>>();
        Flatten(document, prefix: null, pairs);
        return pairs;
    }

    /// <summary>The file's text; a file that cannot be read (missing, a directory, no permission) is a configuration error.</summary>
    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("telemetry", path, "cannot read the configuration file: " + ex.Message) });
        }
    }

    private static void Flatten(ConfigNode node, string? prefix, List<KeyValuePair<string, string?>> into)
    {
        switch (node.Kind)
        {
            case ConfigNodeKind.Scalar:
                if (prefix is not null) into.Add(new(prefix, node.Value));
                break;
            case ConfigNodeKind.Mapping:
                foreach (ConfigEntry entry in node.Entries) Flatten(entry.Value, Join(prefix, entry.Key), into);
                break;
            case ConfigNodeKind.Sequence:
                for (int i = 0; i < node.Items.Count; i++) Flatten(node.Items[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), into);
                break;
        }
    }

    private static string Join(string? prefix, string key) => prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;

    private static TelemetryOptions Finish(TelemetryConfigChecker checker, ConfigNode? section, EventRegistry? events, string? path)
    {
        // Events stays as given (null: the registered events, resolved again when the publisher is created).
        TelemetryOptions options = TelemetryConfigBinding.Bind(section, checker.Transforms) with { Events = events };
        // Every problem in one exception: the transforms' event names and what only this process can tell (an unset
        // token variable) are checked whatever else is wrong.
        var issues = new List<ConfigIssue>(checker.Issues);
        TelemetryOptionsValidator.AddRuntimeIssues(issues, options, checker.Transforms);
        if (issues.Count > 0)
        {
            throw new TelemetryConfigException(issues.Select(i => new ConfigError(i.Key, i.Value, i.Reason)
            {
                Location = path is null || i.Line == 0 ? null : Location(path, i.Line, i.Column),
            }).ToArray());
        }
        return options;
    }

    private static string Location(string path, int line, int column) => $"{path}({line},{column})";

    /// <summary>
    /// An <see cref="IConfiguration"/> section as a node tree: children keyed 0..n-1 are a list. Keys are lower-cased,
    /// because configuration keys are case-insensitive (<c>TELEMETRY__TRANSPORT__TYPE</c> from the environment).
    /// </summary>
    private static ConfigNode FromConfigurationSection(IConfiguration section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
            return ConfigNode.Scalar(section is IConfigurationSection s && !string.IsNullOrEmpty(s.Value) ? s.Value : null, 0, 0);
        bool isList = children.Select((c, i) => c.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).All(same => same);
        if (isList)
        {
            ConfigNode list = ConfigNode.Sequence(0, 0);
            foreach (IConfigurationSection child in children) list.Items.Add(FromConfigurationSection(child));
            return list;
        }
        ConfigNode map = ConfigNode.Mapping(0, 0);
        foreach (IConfigurationSection child in children) map.Entries.Add(new ConfigEntry(child.Key.ToLowerInvariant(), 0, 0, FromConfigurationSection(child)));
        return map;
    }
}
