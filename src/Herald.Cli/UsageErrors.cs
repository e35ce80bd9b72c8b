using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;

namespace Herald.Cli;

/// <summary>
/// Reports a command line that does not parse the way docs/cli.md promises: one <c>herald: &lt;what is wrong&gt;</c>
/// line per problem on stderr (exit 2, the caller's), an unknown command or option with the names it most likely meant.
/// System.CommandLine's own report (its messages, typo corrections on stdout, then the whole help) is not used.
/// </summary>
internal static class UsageErrors
{
    private const string UnknownPrefix = "unknown ";

    public static void Write(ParseResult parsed, TextWriter error)
    {
        Command command = parsed.CommandResult.Command;
        // At the top the first unknown word is a mistyped command, and the words after it were its arguments.
        IEnumerable<string> unmatched = command.Subcommands.Count > 0 ? parsed.UnmatchedTokens.Take(1) : parsed.UnmatchedTokens;
        var problems = unmatched.Select(token => Unknown(command, token)).ToList();
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

    /// <summary>
    /// An argument validator: a positional value that starts with <c>-</c> is a mistyped option, not a path.
    /// (System.CommandLine hands an unknown <c>--option</c> to a positional argument that still has room.)
    /// </summary>
    public static void RejectOptions(ArgumentResult result)
    {
        if (result.Parent is not CommandResult parent) return;
        foreach (Token token in result.Tokens)
            if (token.Value.Length > 1 && token.Value[0] == '-') result.AddError(Unknown(parent.Command, token.Value));
    }

    /// <summary><c>unknown option '--tpye' (did you mean '--type'?)</c>, <c>unknown command 'chek' (did you mean 'check'?)</c>.</summary>
    internal static string Unknown(Command parent, string token)
    {
        bool option = token.Length > 1 && token[0] == '-';
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

    /// <summary>The command's options and the recursive ones of the commands above it (<c>--help</c>).</summary>
    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options
            .Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden)
            .SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(n => n.StartsWith('-'));

    private static string UsageName(Command command) => command is RootCommand ? "herald" : "herald " + command.Name;
}
