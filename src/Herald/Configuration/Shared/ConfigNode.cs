// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System.Collections.Generic;

namespace Herald.Configuration;

/// <summary>What a configuration node holds.</summary>
internal enum ConfigNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>
/// One node of a configuration document (YAML, JSON or a Microsoft.Extensions.Configuration section), with the
/// 1-based line and column of its value when it came from a file (0 otherwise). Scalars keep their text:
/// configuration values are typed by the key they sit under, not by how the file spelled them.
/// </summary>
internal sealed class ConfigNode
{
    private ConfigNode(ConfigNodeKind kind, string? value, int line, int column)
    {
        Kind = kind;
        Value = value;
        Line = line;
        Column = column;
    }

    public ConfigNodeKind Kind { get; }

    /// <summary>A scalar's text; null for an empty value, <c>~</c> or <c>null</c>.</summary>
    public string? Value { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>A scalar written in quotes: a string even when its text reads as a number or boolean (<c>resource</c> values).</summary>
    public bool Quoted { get; set; }

    /// <summary>A mapping's entries in document order.</summary>
    public List<ConfigEntry> Entries { get; } = new List<ConfigEntry>();

    /// <summary>A sequence's items in document order.</summary>
    public List<ConfigNode> Items { get; } = new List<ConfigNode>();

    public static ConfigNode Scalar(string? value, int line, int column) => new ConfigNode(ConfigNodeKind.Scalar, value, line, column);

    public static ConfigNode Mapping(int line, int column) => new ConfigNode(ConfigNodeKind.Mapping, null, line, column);

    public static ConfigNode Sequence(int line, int column) => new ConfigNode(ConfigNodeKind.Sequence, null, line, column);

    /// <summary>The entry named <paramref name="key"/> of a mapping, or null.</summary>
    public ConfigEntry? Find(string key)
    {
        foreach (ConfigEntry entry in Entries)
        {
            if (entry.Key == key) return entry;
        }
        return null;
    }

    /// <summary>How the node reads in an error message: the scalar text, or what kind of node it is.</summary>
    public string Describe() => Kind switch
    {
        ConfigNodeKind.Scalar => Value ?? "(empty)",
        ConfigNodeKind.Mapping => "(a mapping)",
        _ => "(a list)",
    };
}

/// <summary>One <c>key: value</c> of a mapping, with the position of the key.</summary>
internal sealed class ConfigEntry
{
    public ConfigEntry(string key, int line, int column, ConfigNode value)
    {
        Key = key;
        Line = line;
        Column = column;
        Value = value;
    }

    public string Key { get; }

    public int Line { get; }

    public int Column { get; }

    public ConfigNode Value { get; }
}
