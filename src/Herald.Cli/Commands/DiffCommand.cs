using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Herald.Generator.Schema;

namespace Herald.Cli.Commands;

/// <summary>
/// <c>herald diff OLD NEW</c>: the schema evolution report between two schema sets, by the rules of HER301/HER302.
/// Each side is a directory of schemas, a schema file, or a baseline (<c>schemas.shipped.json</c>). Exit 1 when a change
/// breaks consumers of OLD, so it can gate a release.
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var oldSet = new Argument<string>("OLD") { Description = "The schemas before: a directory of schemas, a schema file, or a schemas.shipped.json baseline." };
        var newSet = new Argument<string>("NEW") { Description = "The schemas after: a directory of schemas, a schema file, or a schemas.shipped.json baseline." };
        var command = new Command("diff", "Report the breaking and non-breaking changes from the schemas OLD to NEW, by the rules of HER301/HER302. Exit 1 when a change is breaking, so it can gate a release; schemas with errors on either side are reported, exit 1.") { oldSet, newSet };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(oldSet), parsed.GetRequiredValue(newSet), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string oldPath, string newPath, TextWriter output, TextWriter error)
    {
        IReadOnlyDictionary<string, EventShape>? shipped = Shapes(oldPath, error);
        IReadOnlyDictionary<string, EventShape>? current = Shapes(newPath, error);
        if (shipped is null || current is null) return 1;

        List<SchemaChange> changes = SchemaEvolution.Compare(shipped, current);
        foreach (SchemaChange change in changes.OrderBy(c => !c.Breaking).ThenBy(c => c.EventType, StringComparer.Ordinal))
        {
            // The rules word additions for the baseline ("... is not in schemas.shipped.json yet"); here they are just new.
            string message = change.Message.Replace(" is not in schemas.shipped.json yet", " was added", StringComparison.Ordinal);
            output.WriteLine($"{(change.Breaking ? "breaking    " : "non-breaking")}  {change.EventType}{(change.Path is null ? "" : "." + change.Path)}: {message}");
        }
        int breaking = changes.Count(c => c.Breaking);
        output.WriteLine($"{breaking} breaking, {changes.Count - breaking} non-breaking change{(changes.Count - breaking == 1 ? "" : "s")} ({Events(shipped.Count)} in {oldPath}, {current.Count} in {newPath})");
        return breaking > 0 ? 1 : 0;
    }

    private static string Events(int n) => n == 1 ? "1 event" : $"{n} events";

    /// <summary>The event shapes of one side; null (errors printed) when its schemas do not compile.</summary>
    private static IReadOnlyDictionary<string, EventShape>? Shapes(string path, TextWriter error)
    {
        if (File.Exists(path) && SchemaFiles.IsBaseline(path))
        {
            SchemaDocument document = SchemaDocument.Parse(path, File.ReadAllText(path));
            var baseline = EventShape.FromBaseline(document.Root, out string? problem);
            if (baseline is null) throw new CliException($"{path}: not a schema baseline: {document.ParseError ?? problem}");
            return baseline.ToDictionary(p => p.Key, p => p.Value.Shape, StringComparer.Ordinal);
        }
        CompileResult result = SchemaFiles.Compile(SchemaFiles.Collect([path], includeBaseline: false));
        if (result.Diagnostics.Count == 0) return EventShape.FromCompilation(result);
        SchemaMessages.WriteAll(result.Diagnostics, error);
        error.WriteLine($"{path}: the schemas have errors; fix them first (`herald check {path}`)");
        return null;
    }
}
