using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// HER103: make the sink conform — add <c>ITelemetrySink</c>, generate the members it lacks (forwarding to a
/// <c>StubTelemetrySink</c>, so the result compiles and behaves as the no-op sink until filled in), and mark the
/// stringly-typed emit <c>[Obsolete]</c> so its callers see where to move.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ImplementTelemetrySinkCodeFix))]
[Shared]
public sealed class ImplementTelemetrySinkCodeFix : CodeFixProvider
{
    private const string StubField = "_telemetryStub";

    private static readonly (string Name, int Arity, string Code)[] Members =
    {
        ("Emit", 1, "public void Emit<TEvent>(in TEvent evt) where TEvent : global::Herald.IEvent<TEvent> => " + StubField + ".Emit(in evt);"),
        ("TransportStatus", 0, "public global::Herald.TransportStatus TransportStatus => " + StubField + ".TransportStatus;"),
        ("Latest", 1, "public TEvent? Latest<TEvent>() where TEvent : global::Herald.IEvent<TEvent> => " + StubField + ".Latest<TEvent>();"),
        ("TryGetLatest", 1, "public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : global::Herald.IEvent<TEvent> => " + StubField + ".TryGetLatest(out evt);"),
        ("FlushAsync", 0, "public global::System.Threading.Tasks.Task FlushAsync(global::System.Threading.CancellationToken cancellationToken = default) => " + StubField + ".FlushAsync(cancellationToken);"),
        ("DisposeAsync", 0, "public global::System.Threading.Tasks.ValueTask DisposeAsync() => " + StubField + ".DisposeAsync();"),
    };

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProtocolDiagnostics.NonConformingSink.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null; // one type at a time: the change is large

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } type) continue;
            diagnostic.Properties.TryGetValue(SinkConformanceAnalyzer.StringlyMethodKey, out string? stringly);
            context.RegisterCodeFix(
                CodeAction.Create("Implement ITelemetrySink", ct => FixAsync(context.Document, root, type, stringly, ct), nameof(ImplementTelemetrySinkCodeFix)),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(Document document, SyntaxNode root, ClassDeclarationSyntax type, string? stringly, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ClassDeclarationSyntax updated = type;
        SyntaxTrivia newLine = SyntaxFactory.ElasticEndOfLine(
            root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToFullString() is { Length: > 0 } eol ? eol : "\n");

        if (stringly is not null)
        {
            var obsolete = SyntaxFactory.ParseAttributeArgumentList(
                "(\"Stringly-typed emit: emit a generated event type with Emit<TEvent>(in TEvent) instead (HER103).\")");
            var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::System.Obsolete"), obsolete)));
            updated = updated.ReplaceNodes(
                updated.Members.OfType<MethodDeclarationSyntax>().Where(m => m.Identifier.ValueText == stringly && m.TypeParameterList is null),
                (_, m) => m.AddAttributeLists(attribute.WithTrailingTrivia(newLine)));
        }

        bool declaresInterface = updated.BaseList?.Types.Any(t => t.Type.ToString().EndsWith("ITelemetrySink", System.StringComparison.Ordinal)) == true;
        if (!declaresInterface)
        {
            // The base list goes between the name and its line break, not after the break.
            SyntaxTriviaList afterName = updated.BaseList is null ? updated.Identifier.TrailingTrivia : default;
            if (updated.BaseList is null) updated = updated.WithIdentifier(updated.Identifier.WithTrailingTrivia(SyntaxFactory.Space));
            updated = updated.AddBaseListTypes(SyntaxFactory.SimpleBaseType(SyntaxFactory.ParseTypeName("global::Herald.ITelemetrySink")));
            if (afterName.Count > 0) updated = updated.WithBaseList(updated.BaseList!.WithTrailingTrivia(afterName));
        }

        var additions = new List<MemberDeclarationSyntax>();
        if (!updated.Members.Any(m => m is FieldDeclarationSyntax f && f.Declaration.Variables.Any(v => v.Identifier.ValueText == StubField)))
            additions.Add(SyntaxFactory.ParseMemberDeclaration($"private readonly global::Herald.StubTelemetrySink {StubField} = new global::Herald.StubTelemetrySink();")!);
        foreach ((string name, int arity, string code) in Members)
        {
            if (!HasMember(updated, name, arity)) additions.Add(SyntaxFactory.ParseMemberDeclaration(code)!);
        }
        updated = updated.AddMembers(additions.Select(m => m
                .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                .WithTrailingTrivia(newLine)
                .WithAdditionalAnnotations(Formatter.Annotation)).ToArray())
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);

        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(type, updated)));
    }

    private static bool HasMember(ClassDeclarationSyntax type, string name, int arity) => type.Members.Any(m => m switch
    {
        MethodDeclarationSyntax method => method.Identifier.ValueText == name && (method.TypeParameterList?.Parameters.Count ?? 0) == arity,
        PropertyDeclarationSyntax property => property.Identifier.ValueText == name,
        _ => false,
    });
}
