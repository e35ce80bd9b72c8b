using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Herald.Analyzers.CodeFixes;

/// <summary>
/// HER101 and HER102: replace the event type string with the generated constant of the suggested type
/// (<c>"loop.tik"</c> → <c>LoopTick.EventType</c>), so the string can never drift again.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseEventTypeConstantCodeFix))]
[Shared]
public sealed class UseEventTypeConstantCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(ProtocolDiagnostics.UnknownEventType.Id, ProtocolDiagnostics.SubscriptionTypeMismatch.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(EventTypeStringAnalyzer.SuggestedTypeKey, out string? type) || type is null) continue;
            if (StringExpression(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is not { } expression) continue;
            string shortName = type.Substring(type.LastIndexOf('.') + 1);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {shortName}.EventType",
                    ct => ReplaceAsync(context.Document, root, expression, type, ct),
                    equivalenceKey: nameof(UseEventTypeConstantCodeFix) + type),
                diagnostic);
        }
    }

    private static ExpressionSyntax? StringExpression(SyntaxNode node) => node switch
    {
        AttributeArgumentSyntax a => a.Expression,
        ArgumentSyntax a => a.Expression,
        EqualsValueClauseSyntax e => e.Value,
        ExpressionSyntax e => e,
        _ => null,
    };

    private static Task<Document> ReplaceAsync(Document document, SyntaxNode root, ExpressionSyntax expression, string type, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ExpressionSyntax constant = SyntaxFactory.ParseExpression(type + ".EventType")
            .WithTriviaFrom(expression)
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(expression, constant)));
    }
}
