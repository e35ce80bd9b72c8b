using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Herald.Analyzers;

/// <summary>
/// HER103: a telemetry sink that does not conform — a type marked <c>[TelemetrySink]</c> or named
/// <c>*TelemetrySink</c> that does not implement <c>ITelemetrySink</c>, or any sink that offers a stringly-typed
/// emit (an event name string plus a dictionary, object or JSON payload: a stub that drifted from the interface).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SinkConformanceAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property key: the name of the stringly-typed emit method, when there is one.</summary>
    public const string StringlyMethodKey = "StringlyMethod";

    /// <summary>Property key: "true" when the type lacks <c>ITelemetrySink</c>.</summary>
    public const string MissingInterfaceKey = "MissingInterface";

    private static readonly string[] EmitNames = { "Emit", "EmitEvent", "emit_event", "Publish" };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(ProtocolDiagnostics.NonConformingSink);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (HeraldSymbols.Create(start.Compilation) is not { Sink: not null } symbols) return;
            start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, HeraldSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct)) return;
        bool implements = type.AllInterfaces.Contains(symbols.Sink!, SymbolEqualityComparer.Default);
        bool declared = symbols.HasAttribute(type, symbols.SinkAttribute) || type.Name.EndsWith("TelemetrySink", StringComparison.Ordinal);
        if (!implements && !declared) return;

        // A stringly emit already marked [Obsolete] (what the code fix does) is on its way out: its callers are warned.
        IMethodSymbol? stringly = type.GetMembers().OfType<IMethodSymbol>()
            .FirstOrDefault(m => IsStringlyEmit(m) && !m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.ObsoleteAttribute"));
        string? problem = (implements, stringly) switch
        {
            (false, null) => "is a telemetry sink but does not implement ITelemetrySink",
            (false, { }) => $"is a telemetry sink but does not implement ITelemetrySink, and its {Describe(stringly)} is a stringly-typed emit; emit generated event types with Emit<TEvent>(in TEvent)",
            (true, { }) when !HasTypedEmit(type, symbols) => $"declares ITelemetrySink but offers {Describe(stringly)} in place of Emit<TEvent>(in TEvent); implement the typed Emit",
            (true, { }) => $"implements ITelemetrySink but also exposes the stringly-typed {Describe(stringly)}; callers can bypass the schemas through it",
            _ => null,
        };
        if (problem is null) return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(MissingInterfaceKey, implements ? "false" : "true");
        if (stringly is not null) properties = properties.Add(StringlyMethodKey, stringly.Name);
        Location[] additional = stringly is null ? Array.Empty<Location>() : stringly.Locations.Where(l => l.IsInSource).ToArray();
        context.ReportDiagnostic(Diagnostic.Create(ProtocolDiagnostics.NonConformingSink, type.Locations[0], additional, properties, type.Name, problem));
    }

    /// <summary><c>Emit(string name, IDictionary/object/JSON payload)</c> and its spellings.</summary>
    private static bool IsStringlyEmit(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.Parameters.Length < 2) return false;
        if (Array.IndexOf(EmitNames, method.Name) < 0) return false;
        if (method.Parameters[0].Type.SpecialType != SpecialType.System_String) return false;
        ITypeSymbol payload = method.Parameters[1].Type;
        if (payload.SpecialType == SpecialType.System_Object || payload.TypeKind == TypeKind.Dynamic) return true;
        string name = payload.OriginalDefinition.ToDisplayString();
        if (name is "System.Text.Json.JsonElement" or "System.Text.Json.JsonDocument" or "System.Text.Json.Nodes.JsonNode" or "System.Text.Json.Nodes.JsonObject") return true;
        // A dictionary: the type itself when it is one of the interfaces, else any interface it implements.
        return payload.AllInterfaces.Cast<ITypeSymbol>().Concat(new[] { payload })
            .Any(i => i.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IDictionary<TKey, TValue>"
                or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>" or "System.Collections.IDictionary");
    }

    private static bool HasTypedEmit(INamedTypeSymbol type, HeraldSymbols symbols)
    {
        IMethodSymbol? contract = symbols.Sink!.GetMembers("Emit").OfType<IMethodSymbol>().FirstOrDefault();
        return contract is null || type.FindImplementationForInterfaceMember(contract) is not null;
    }

    private static string Describe(IMethodSymbol method)
        => $"{method.Name}({string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)))})";
}
