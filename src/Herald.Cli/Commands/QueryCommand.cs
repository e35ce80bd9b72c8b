using System;
using System.CommandLine;
using System.CommandLine.Parsing;
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
    public static Command Create()
    {
        var file = TelemetryFile.Argument();
        var type = new Option<string>("--type")
        {
            Description = "Only events of type T, or of a prefix ending in * (loop.*, metrics.aggregation_*).",
            HelpName = "T",
        };
        var since = new Option<DateTimeOffset?>("--since")
        {
            Description = "Only events at or after TIME: ISO 8601 (2026-11-23T10:00:00Z; UTC unless an offset is given), unix seconds (1795440193.5), or a duration ago (90s, 15m, 2h, 1d).",
            HelpName = "TIME",
            CustomParser = result => TimeArgument.Parse(result, "--since"),
        };
        var until = new Option<DateTimeOffset?>("--until")
        {
            Description = "Only events before TIME (the same forms as --since).",
            HelpName = "TIME",
            CustomParser = result => TimeArgument.Parse(result, "--until"),
        };
        var correlation = new Option<string>("--correlation")
        {
            Description = "Only events whose meta.correlation_id is ID.",
            HelpName = "ID",
        };
        var limit = new Option<int?>("--limit")
        {
            Description = "Print the first N matches, then stop reading.",
            HelpName = "N",
            CustomParser = ParseLimit,
        };
        var follow = new Option<bool>("--follow")
        {
            Description = "After the end, wait for appended lines (polling every 250 ms) until Ctrl+C or the limit.",
        };
        var command = new Command("query", "Print the envelopes of a JSONL telemetry file that match every filter, one per line, unchanged (stdout stays JSONL). A count goes to stderr; a line that is not an envelope is reported there as FILE(line): skipped: <reason> and skipped, without changing the exit code.") { file, type, since, until, correlation, limit, follow };
        command.SetAction((parsed, cancellationToken) =>
        {
            var query = new EventQuery
            {
                Type = parsed.GetValue(type),
                Since = parsed.GetValue(since),
                Until = parsed.GetValue(until),
                CorrelationId = parsed.GetValue(correlation),
                Limit = parsed.GetValue(limit),
            };
            return RunAsync(parsed.GetRequiredValue(file), query, parsed.GetValue(follow), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(string file, EventQuery query, bool follow, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string path = TelemetryFile.Existing(file);
        if (query.Since >= query.Until) throw new CliException($"--since ({query.Since:O}) is not before --until ({query.Until:O})");
        var storage = new FileStorage(path);
        long malformed = 0;
        void Report(MalformedLine line)
        {
            malformed++;
            error.WriteLine(TelemetryFile.Skipped(path, line));
        }

        long printed = 0;
        if (follow)
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

    private static int? ParseLimit(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1) return n;
        result.AddError($"--limit '{text}' is not a positive whole number");
        return null;
    }
}
