using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;

namespace Herald.Cli;

/// <summary>
/// A command line that does not parse the way docs/cli.md promises: one <c>herald: &lt;what is wrong&gt;</c> line per
/// problem on stderr (exit 2, the caller's), an unknown command or option with the names it most likely meant.
/// System.CommandLine's own report (its messages, typo corrections on stdout, then the whole help) is not used.
/// </summary>
internal static class UsageErrors
{
    private const string UnknownPrefix = "unknown ";

    /// <summary>
    /// Whether <paramref name="parsed"/> is a usage error: System.CommandLine found one, or it is about to run a command
    /// with an unknown option taken for a positional value (it hands <c>--tpye</c> to FILE when FILE still has room).
    /// <c>--help</c> and <c>[suggest]</c> run whatever else the line holds.
    /// </summary>
    public static bool Found(ParseResult parsed) =>
        parsed.Action is ParseErrorAction
        || (parsed.Action is not null && parsed.Action == parsed.CommandResult.Command.Action && OptionsTakenForArguments(parsed).Any())
        // `herald chek --help`, `herald help chek`: help for a command that does not exist is the unknown command.
        || (parsed.Action is System.CommandLine.Help.HelpAction && parsed.CommandResult.Command.Subcommands.Count > 0 && parsed.UnmatchedTokens.Count > 0);

    public static void Write(ParseResult parsed, TextWriter error)
    {
        Command command = parsed.CommandResult.Command;
        var literal = parsed.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).Skip(1).Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        // At the top the first unknown word is a mistyped command, and the words after it were its arguments.
        IEnumerable<string> unmatched = command.Subcommands.Count > 0 ? parsed.UnmatchedTokens.Take(1) : parsed.UnmatchedTokens;
        var problems = unmatched.Select(token => Unknown(command, token, mayBeOption: !literal.Contains(token)))
            .Concat(OptionsTakenForArguments(parsed).Select(token => Unknown(command, token, mayBeOption: true)))
            .ToList();
        foreach (ParseError e in parsed.Errors)
        {
            // System.CommandLine's "Unrecognized command or argument 'X'" for the unmatched tokens, reported above.
            if (e.SymbolResult is CommandResult && parsed.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            problems.Add(Describe(e));
        }
        // A mistyped name explains the rest (its value taken for an argument, the arguments after it shifted): it alone is reported.
        List<string> unknown = problems.Where(p => p.StartsWith(UnknownPrefix, StringComparison.Ordinal)).ToList();
        foreach (string problem in unknown.Count > 0 ? unknown : problems)
            error.WriteLine("herald: " + problem);
    }

    /// <summary>The values of the command's positional arguments that look like options and come before <c>--</c>.</summary>
    private static IEnumerable<string> OptionsTakenForArguments(ParseResult parsed)
    {
        int doubleDash = Enumerable.Range(0, parsed.Tokens.Count).FirstOrDefault(i => parsed.Tokens[i].Type == TokenType.DoubleDash, parsed.Tokens.Count);
        var beforeDoubleDash = parsed.Tokens.Take(doubleDash).ToHashSet(ReferenceEqualityComparer.Instance);
        return parsed.CommandResult.Command.Arguments
            .SelectMany(argument => parsed.GetResult(argument)?.Tokens ?? [])
            .Where(token => IsOption(token.Value) && beforeDoubleDash.Contains(token))
            .Select(token => token.Value);
    }

    /// <summary><c>unknown option '--tpye' (did you mean '--type'?)</c>, <c>unknown command 'chek' (did you mean 'check'?)</c>.</summary>
    private static string Unknown(Command parent, string token, bool mayBeOption)
    {
        bool option = mayBeOption && IsOption(token);
        IEnumerable<string> names = option ? OptionNames(parent) : parent.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        IReadOnlyList<string> near = NearestNames.Find(token, names);
        string hint = near.Count > 0
            ? $"did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}?"
            : $"see '{UsageName(parent)} --help'";
        string what = option ? UnknownPrefix + "option" : parent.Subcommands.Count > 0 ? UnknownPrefix + "command" : "unexpected argument";
        return $"{what} '{token}' ({hint})";
    }

    private static string Describe(ParseError error) => error.SymbolResult switch
    {
        ArgumentResult { Argument: var argument, Parent: CommandResult parent } result
            when result.Tokens.Count < argument.Arity.MinimumNumberOfValues
            => $"{parent.Command.Name} needs {argument.Name} (see '{UsageName(parent.Command)} --help')",
        OptionResult { Option: var option, IdentifierToken: { } name } result
            when result.Tokens.Count == 0 && option.Arity.MinimumNumberOfValues > 0
            => $"{name.Value} needs a value",
        OptionResult { Option: var option } result
            when result.Tokens.Count > option.Arity.MaximumNumberOfValues
            => $"{option.Name} is given more than once",
        _ => error.Message,
    };

    private static bool IsOption(string token) => token.Length > 1 && token[0] == '-';

    /// <summary>The command's options and the recursive ones of the commands above it (<c>--help</c>).</summary>
    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options
            .Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden)
            .SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(IsOption);

    private static string UsageName(Command command) => command is RootCommand ? "herald" : "herald " + command.Name;
}
