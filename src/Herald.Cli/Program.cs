using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Herald.Cli.Commands;

namespace Herald.Cli;

/// <summary>
/// The <c>herald</c> tool. Exit codes: 0 success, 1 the command found problems (schema errors, breaking changes),
/// 2 bad usage or unreadable input, 3 an internal error (a bug in the tool; one line on stderr, no stack trace).
/// </summary>
internal static class Program
{
    private static readonly string Help = string.Join(Environment.NewLine,
        "herald — Herald's command-line tool",
        "",
        "  " + CheckCommand.Usage,
        "  " + CatalogCommand.Usage,
        "  " + QueryCommand.Usage,
        "      TIME: ISO 8601 (2026-11-23T10:00:00Z), unix seconds, or a duration ago (90s, 15m, 2h, 1d); T: a type or a prefix (loop.*)",
        "  " + StatsCommand.Usage,
        "  " + DiffCommand.Usage,
        "",
        "Docs: docs/cli.md");

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let --follow finish cleanly
            cancel.Cancel();
        };
        // Console.Out flushes every write (a syscall per line); a query can print millions of lines.
        var output = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 64 * 1024);
        int exit = await RunAsync(args, output, Console.Error, cancel.Token).ConfigureAwait(false);
        try
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // stdout was closed early (| head): what could not be written has nowhere to go.
        }
        return exit;
    }

    /// <summary>Runs one command line with the given writers (tests call this directly).</summary>
    internal static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Count == 0 ? error : output).WriteLine(Help);
            return args.Count == 0 ? 2 : 0;
        }
        List<string> rest = args.Skip(1).ToList();
        try
        {
            return args[0] switch
            {
                "check" => await CheckCommand.RunAsync(rest, output).ConfigureAwait(false),
                "catalog" => CatalogCommand.Run(rest, output, error),
                "query" => await QueryCommand.RunAsync(rest, output, error, cancellationToken).ConfigureAwait(false),
                "stats" => StatsCommand.Run(rest, output, error),
                "diff" => DiffCommand.Run(rest, output, error),
                _ => throw new CliException($"unknown command '{args[0]}'{Environment.NewLine}{Help}"),
            };
        }
        catch (Exception ex) when (ex is CliException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("herald: " + ex.Message);
            return 2;
        }
        catch (Exception ex)
        {
            // A bug in the tool, not in the input: one line saying what failed, never a stack trace.
            error.WriteLine($"herald: internal error: {ex.GetType().Name}: {ex.Message}");
            return 3;
        }
    }
}
