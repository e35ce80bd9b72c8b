using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Herald.Storage;

namespace Herald.Cli.Commands;

/// <summary>
/// <c>herald query FILE [filters] [--follow]</c>: prints the matching envelopes of a JSONL telemetry file, one per line
/// (stdout stays JSONL, so it pipes into jq). Lines that are not envelopes are reported on stderr with their line
/// number, skipped and counted.
/// </summary>
internal static class QueryCommand
{
    public const string Usage = "herald query FILE [--type T] [--since TIME] [--until TIME] [--correlation ID] [--limit N] [--follow]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        CliArguments parsed = CliArguments.Parse(args, ["--type", "--since", "--until", "--correlation", "--limit"], ["--follow"]);
        string path = SingleFile(parsed, "query");
        EventQuery query = QueryOf(parsed, DateTimeOffset.UtcNow);
        var storage = new FileStorage(path);
        long malformed = 0;
        void Report(MalformedLine line)
        {
            malformed++;
            error.WriteLine(Skipped(path, line));
        }

        long printed = 0;
        if (parsed.Has("--follow"))
        {
            await foreach (StoredEvent stored in storage.FollowAsync(query, TimeSpan.FromMilliseconds(250), Report, cancellationToken).ConfigureAwait(false))
            {
                output.WriteLine(stored.Json);
                output.Flush();
                printed++;
            }
        }
        else
        {
            foreach (StoredEvent stored in storage.Read(query, Report))
            {
                output.WriteLine(stored.Json);
                printed++;
            }
        }
        error.WriteLine($"{printed} event{(printed == 1 ? "" : "s")}{(malformed > 0 ? $", {malformed} malformed line{(malformed == 1 ? "" : "s")} skipped" : "")}");
        return 0;
    }

    /// <summary>How query and stats report a line that is not an envelope: <c>FILE(line): skipped: reason</c>.</summary>
    internal static string Skipped(string path, MalformedLine line) => $"{line.File ?? path}({line.LineNumber}): skipped: {line.Reason}";

    /// <summary>The one FILE positional, which must exist.</summary>
    internal static string SingleFile(CliArguments parsed, string command)
    {
        if (parsed.Positionals.Count != 1) throw new CliException($"herald {command} takes one FILE (got {parsed.Positionals.Count})");
        string path = parsed.Positionals[0];
        if (!File.Exists(path)) throw new CliException($"{path}: no such file");
        return path;
    }

    internal static EventQuery QueryOf(CliArguments parsed, DateTimeOffset now)
    {
        int? limit = null;
        if (parsed.Get("--limit") is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new CliException($"--limit '{text}' is not a positive whole number");
            limit = n;
        }
        var query = new EventQuery
        {
            Type = parsed.Get("--type"),
            Since = parsed.Get("--since") is { } since ? TimeArgument.Parse("--since", since, now) : null,
            Until = parsed.Get("--until") is { } until ? TimeArgument.Parse("--until", until, now) : null,
            CorrelationId = parsed.Get("--correlation"),
            Limit = limit,
        };
        if (query.Since >= query.Until) throw new CliException($"--since ({query.Since:O}) is not before --until ({query.Until:O})");
        return query;
    }
}
