using System.CommandLine;
using System.IO;
using Herald.Storage;

namespace Herald.Cli;

/// <summary>The JSONL telemetry FILE that <c>query</c> and <c>stats</c> read, and how they report a line in it that is not an envelope.</summary>
internal static class TelemetryFile
{
    public static Argument<string> Argument() =>
        new("FILE")
        {
            Description = "A JSONL telemetry file (the file transport's output); a rotated set (events.000001.jsonl[.gz], ..., events.jsonl) is read whole, oldest first.",
        };

    /// <summary>The path, which must be an existing file.</summary>
    /// <exception cref="CliException">It is not.</exception>
    public static string Existing(string path) => File.Exists(path) ? path : throw new CliException($"{path}: no such file");

    /// <summary><c>FILE(line): skipped: reason</c>.</summary>
    public static string Skipped(string path, MalformedLine line) => $"{line.File ?? path}({line.LineNumber}): skipped: {line.Reason}";
}
