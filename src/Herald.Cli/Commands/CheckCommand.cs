using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Herald.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Cli.Commands;

/// <summary>
/// <c>herald check [paths]</c>: runs the schema analyzer the build runs (HER001–HER009, and HER301/HER302 when a
/// <c>schemas.shipped.json</c> is among the files) and prints its diagnostics as the compiler does.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Schema files and directories (searched recursively, bin/ and obj/ skipped); default: the current directory.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("check", "Validate schema files (*.schema.json, *.defs.json) with the build's schema analyzer and print its diagnostics as the compiler does: HER001-HER009, and HER301/HER302 when a schemas.shipped.json is among the files. Exit 1 on an error.") { paths };
        command.SetAction(parsed => RunAsync(parsed.GetValue(paths) ?? [], parsed.InvocationConfiguration.Output));
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> paths, TextWriter output)
    {
        List<string> files = SchemaFiles.Collect(paths, includeBaseline: true);
        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(files).ConfigureAwait(false);

        foreach (Diagnostic d in diagnostics.OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
            output.WriteLine(d.ToString());
        int errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        int warnings = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);
        int schemas = files.Count(f => !SchemaFiles.IsBaseline(f));
        output.WriteLine($"{schemas} schema file{(schemas == 1 ? "" : "s")} checked: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}");
        return errors > 0 ? 1 : 0;
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(List<string> files)
    {
        var additional = files.Select(f => (AdditionalText)new FileText(f, File.ReadAllText(f))).ToImmutableArray();
        CSharpCompilation compilation = CSharpCompilation.Create("herald-check", options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new SchemaDiagnosticAnalyzer());
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new AnalyzerOptions(additional));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class FileText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
