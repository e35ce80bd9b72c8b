using System;
using System.Collections.Generic;
using System.Linq;

namespace Herald.Cli;

/// <summary>
/// One command's arguments: positionals and <c>--name value</c> / <c>-n value</c> options. Every option must be one the
/// command declares; anything else is an error naming it.
/// </summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CliArguments(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="valued"/> take a value, <paramref name="flags"/> do not. Aliases map short to long names.</summary>
    public static CliArguments Parse(IReadOnlyList<string> args, string[] valued, string[] flags, IReadOnlyDictionary<string, string>? aliases = null)
    {
        var positionals = new List<string>();
        var result = new CliArguments(positionals);
        var errors = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.Length < 2 || arg[0] != '-' || arg == "--")
            {
                positionals.Add(arg);
                continue;
            }
            string name = aliases is not null && aliases.TryGetValue(arg, out string? longName) ? longName : arg;
            string? inlineValue = null;
            if (name.StartsWith("--", StringComparison.Ordinal) && name.IndexOf('=') is int eq and > 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }
            if (valued.Contains(name))
            {
                string? value = inlineValue ?? (i + 1 < args.Count ? args[++i] : null);
                if (value is null) errors.Add($"{name} needs a value");
                else result._options[name] = value;
            }
            else if (flags.Contains(name) && inlineValue is null) result._options[name] = null;
            else errors.Add($"unknown option '{arg}' (options: {string.Join(", ", valued.Concat(flags))})");
        }
        if (errors.Count > 0) throw new CliException(string.Join(Environment.NewLine, errors));
        return result;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out string? value) ? value : null;
}
