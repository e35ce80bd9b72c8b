using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Herald.Generator.Schema;
using Herald.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Generator;

/// <summary>
/// Reports HER001–HER008 in the schema files themselves (file, line, column). Runs the same
/// <see cref="SchemaCompiler"/> as the generator, so what is reported is exactly what is skipped.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SchemaDiagnosticAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidJson,
        DiagnosticDescriptors.UnsupportedKeyword,
        DiagnosticDescriptors.UnresolvedRef,
        DiagnosticDescriptors.DuplicateEventType,
        DiagnosticDescriptors.DuplicateMemberName,
        DiagnosticDescriptors.RequiredUndefined,
        DiagnosticDescriptors.InvalidName,
        DiagnosticDescriptors.InvalidKeywordValue);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Compile every schema once per compilation; each file's action reports its own diagnostics.
            var schemaFiles = start.Options.AdditionalFiles.Where(f => SchemaDocument.IsSchemaPath(f.Path)).ToList();
            if (schemaFiles.Count == 0) return;
            var documents = schemaFiles.Select(f => SchemaDocument.Parse(f.Path, f.GetText(start.CancellationToken)?.ToString() ?? ""));
            CompileResult result = SchemaCompiler.Compile(documents, "Herald.Events");
            ILookup<string, SchemaDiagnostic> byFile = result.Diagnostics.ToLookup(d => d.FilePath);

            start.RegisterAdditionalFileAction(fileContext =>
            {
                foreach (SchemaDiagnostic d in byFile[fileContext.AdditionalFile.Path])
                {
                    DiagnosticDescriptor? descriptor = DiagnosticDescriptors.ForId(d.Id);
                    if (descriptor is null) continue;
                    fileContext.ReportDiagnostic(Diagnostic.Create(descriptor, ToLocation(d), d.MessageArgs.Cast<object>().ToArray()));
                }
            });
        });
    }

    internal static Location ToLocation(SchemaDiagnostic d)
        => Location.Create(
            d.FilePath,
            new TextSpan(d.Span.Start, d.Span.Length),
            new LinePositionSpan(new LinePosition(d.Span.StartLine, d.Span.StartColumn), new LinePosition(d.Span.EndLine, d.Span.EndColumn)));
}
