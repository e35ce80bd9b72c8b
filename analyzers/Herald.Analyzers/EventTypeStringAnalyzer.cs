using System.Collections.Immutable;
using System.Linq;
using Herald.Configuration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Herald.Analyzers;

/// <summary>
/// HER101: a constant given to an <c>[EventType]</c> parameter, property or field — <c>[Subscribe("...")]</c>
/// included — that no schema defines. HER102: a <c>[Subscribe("X")]</c> handler whose event parameter is the
/// generated type of another event.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EventTypeStringAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property key of HER101 and HER102 diagnostics: the event type the code fix should use.</summary>
    public const string SuggestionKey = "Suggestion";

    /// <summary>Property key: the generated type whose <c>EventType</c> constant the code fix should write.</summary>
    public const string SuggestedTypeKey = "SuggestedType";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(ProtocolDiagnostics.UnknownEventType, ProtocolDiagnostics.SubscriptionTypeMismatch);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (HeraldSymbols.Create(start.Compilation) is not { EventTypeAttribute: not null } symbols) return;
            start.RegisterOperationAction(c => AnalyzeArgument(c, symbols), OperationKind.Argument);
            start.RegisterOperationAction(c => AnalyzeAssignment(c, symbols), OperationKind.SimpleAssignment);
            start.RegisterOperationAction(c => AnalyzeInitializer(c, symbols), OperationKind.PropertyInitializer, OperationKind.FieldInitializer);
            start.RegisterSymbolAction(c => AnalyzeHandler(c, symbols), SymbolKind.Method);
        });
    }

    private static void AnalyzeArgument(OperationAnalysisContext context, HeraldSymbols symbols)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.Parameter is { } parameter && symbols.HasAttribute(parameter, symbols.EventTypeAttribute))
            Check(context, symbols, argument.Value);
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, HeraldSymbols symbols)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        ISymbol? target = assignment.Target switch
        {
            IPropertyReferenceOperation p => p.Property,
            IFieldReferenceOperation f => f.Field,
            _ => null,
        };
        if (target is not null && symbols.HasAttribute(target, symbols.EventTypeAttribute)) Check(context, symbols, assignment.Value);
    }

    private static void AnalyzeInitializer(OperationAnalysisContext context, HeraldSymbols symbols)
    {
        var initializer = (ISymbolInitializerOperation)context.Operation;
        ImmutableArray<ISymbol> targets = initializer switch
        {
            IPropertyInitializerOperation p => p.InitializedProperties.CastArray<ISymbol>(),
            IFieldInitializerOperation f => f.InitializedFields.CastArray<ISymbol>(),
            _ => ImmutableArray<ISymbol>.Empty,
        };
        if (targets.Any(t => symbols.HasAttribute(t, symbols.EventTypeAttribute))) Check(context, symbols, initializer.Value);
    }

    private static void Check(OperationAnalysisContext context, HeraldSymbols symbols, IOperation value)
    {
        if (value.ConstantValue is not { HasValue: true, Value: string text }) return;
        if (symbols.Events.ContainsKey(text)) return;
        string? near = ConfigText.ClosestMatch(text, symbols.Events.Keys);
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (near is not null)
            properties = properties.Add(SuggestionKey, near).Add(SuggestedTypeKey, symbols.Events[near].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        context.ReportDiagnostic(Diagnostic.Create(ProtocolDiagnostics.UnknownEventType, value.Syntax.GetLocation(), properties,
            text, near is null ? "" : $"; did you mean '{near}'?"));
    }

    /// <summary>HER102 on <c>[Subscribe]</c> methods; an unknown string there is HER101's (via the attribute's argument).</summary>
    private static void AnalyzeHandler(SymbolAnalysisContext context, HeraldSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.Parameters.Length == 0 || symbols.SubscribeAttribute is null) return;
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.SubscribeAttribute)) continue;
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string subscribed) continue;
            ITypeSymbol parameterType = method.Parameters[0].Type;
            if (symbols.EventTypeOf(parameterType) is not { } actual || actual == subscribed || !symbols.Events.ContainsKey(subscribed)) continue;
            Location location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList.Arguments.Count: > 0 } syntax
                ? syntax.ArgumentList.Arguments[0].GetLocation()
                : method.Locations[0];
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(SuggestionKey, actual)
                .Add(SuggestedTypeKey, parameterType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
            context.ReportDiagnostic(Diagnostic.Create(ProtocolDiagnostics.SubscriptionTypeMismatch, location, properties,
                subscribed, method.Name, parameterType.Name, actual));
        }
    }
}
