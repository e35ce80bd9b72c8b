using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Cli;

/// <summary>
/// The <c>herald</c> tool. Exit codes: 0 success, 1 the command found problems (schema errors, breaking changes),
/// 2 bad usage or unreadable input, 3 an internal error (a bug in the tool; one line on stderr, no stack trace).
/// </summary>
internal static class Program
{
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
        // `herald help [command]` is `herald [command] --help`.
        if (args.Count > 0 && args[0] == "help") args = [.. args.Skip(1), "--help"];
        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Exceptions are reported below, as one line; Ctrl+C is Main's (--follow stops cleanly, exit 0).
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            ParseResult parsed = HeraldCommand.Parse(args);
            if (UsageErrors.Found(parsed))
            {
                UsageErrors.Write(parsed, error);
                return 2;
            }
            return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
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
