using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Herald.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Analyzers.CodeFixes;

/// <summary>
/// HER302: record the current schemas in <c>schemas.shipped.json</c>. The analyzer computes the new baseline (the
/// same text <c>herald</c> and the tests write) and passes it on the diagnostic, so the fix only writes it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpdateSchemaBaselineCodeFix), DocumentKinds = new[] { nameof(TextDocumentKind.AdditionalDocument) })]
[Shared]
public sealed class UpdateSchemaBaselineCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HER302"); // SchemaDiagnosticAnalyzer's UnrecordedAddition

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null; // one fix records every change at once

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(SchemaDiagnosticAnalyzer.BaselineTextKey, out string? text) || text is null) continue;
            if (!diagnostic.Properties.TryGetValue(SchemaDiagnosticAnalyzer.BaselinePathKey, out string? path)) continue;
            Project project = context.TextDocument.Project;
            // The analyzer saw the file by its path; a document without one (in memory) by its name.
            TextDocument? baseline = project.AdditionalDocuments.FirstOrDefault(d => d.FilePath == path)
                ?? project.AdditionalDocuments.FirstOrDefault(d => d.FilePath is null && d.Name == path);
            if (baseline is null) continue;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Record the schema changes in schemas.shipped.json",
                    _ => Task.FromResult(project.Solution.WithAdditionalDocumentText(baseline.Id, SourceText.From(text))),
                    nameof(UpdateSchemaBaselineCodeFix)),
                diagnostic);
        }
        return Task.CompletedTask;
    }
}
