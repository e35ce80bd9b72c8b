using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Herald.Generator;
using Herald.Generator.Model;

namespace Herald.Cli;

/// <summary>Formats the engine's schema diagnostics the way the compiler prints them.</summary>
internal static class SchemaMessages
{
    /// <summary>Writes <paramref name="diagnostics"/> in file and position order.</summary>
    public static void WriteAll(IEnumerable<SchemaDiagnostic> diagnostics, TextWriter writer)
    {
        foreach (SchemaDiagnostic d in diagnostics.OrderBy(d => d.FilePath, StringComparer.Ordinal).ThenBy(d => d.Span.Start))
            writer.WriteLine(Format(d));
    }

    public static string Format(SchemaDiagnostic d)
    {
        string message = DiagnosticDescriptors.ForId(d.Id) is { } descriptor
            ? string.Format(CultureInfo.InvariantCulture, descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture), d.MessageArgs.Cast<object>().ToArray())
            : string.Join(" ", d.MessageArgs);
        return $"{d.FilePath}({d.Span.StartLine + 1},{d.Span.StartColumn + 1}): error {d.Id}: {message}";
    }
}
