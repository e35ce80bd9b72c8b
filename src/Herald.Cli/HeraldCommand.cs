using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Linq;
using Herald.Cli.Commands;

namespace Herald.Cli;

/// <summary>The <c>herald</c> command line: its commands, <c>--help</c>, <c>--version</c> and the <c>[suggest]</c> directive for shell completion.</summary>
internal static class HeraldCommand
{
    // One line each: help wraps them to the terminal's width.
    private const string Description =
        "Herald's command-line tool: check schema files, write the event catalog, query and summarize JSONL telemetry, report schema changes.\n"
        + "Exit codes: 0 done; 1 the command found problems (schema errors, breaking changes); 2 bad usage or unreadable input (a missing file, an unknown option, a bad value); 3 an internal error.\n"
        + "'herald COMMAND --help' describes a command's arguments and options. Documentation: " + HeraldDocs.Url + "cli.md";

    public static RootCommand Create()
    {
        var root = new RootCommand(Description)
        {
            CheckCommand.Create(),
            CatalogCommand.Create(),
            QueryCommand.Create(),
            StatsCommand.Create(),
            DiffCommand.Create(),
        };
        // The usage line says `herald` whatever the process is (the tool's shim, `dotnet Herald.Cli.dll`, a test host).
        root.HelpName = "herald";
        root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
        // `herald` alone: the help, on stderr, as a usage error.
        root.SetAction(parsed =>
        {
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = parsed.InvocationConfiguration.Error });
            return 2;
        });
        return root;
    }

    /// <summary>Parses a command line. <c>@file</c> is an argument like any other (no response files).</summary>
    public static ParseResult Parse(IReadOnlyList<string> args) =>
        Create().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
}
