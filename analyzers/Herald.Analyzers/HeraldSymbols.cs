using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Herald.Analyzers;

/// <summary>
/// Herald's well-known types and the project's event types, resolved once per compilation. Event types are the
/// generated records implementing <c>Herald.IEvent&lt;TSelf&gt;</c>, found in the compilation itself (generated
/// code included, so the set follows schema edits in the IDE) and in referenced assemblies that use Herald.
/// </summary>
internal sealed class HeraldSymbols
{
    private HeraldSymbols(Compilation compilation, INamedTypeSymbol eventInterface)
    {
        EventInterface = eventInterface;
        Sink = compilation.GetTypeByMetadataName("Herald.ITelemetrySink");
        SinkAttribute = compilation.GetTypeByMetadataName("Herald.TelemetrySinkAttribute");
        EventTypeAttribute = compilation.GetTypeByMetadataName("Herald.EventTypeAttribute");
        SubscribeAttribute = compilation.GetTypeByMetadataName("Herald.SubscribeAttribute");
        var events = new Dictionary<string, INamedTypeSymbol>(System.StringComparer.Ordinal);
        Collect(compilation.Assembly.GlobalNamespace, events);
        foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (UsesHerald(assembly)) Collect(assembly.GlobalNamespace, events);
        }
        // Last, so the project's own definition wins: the runtime's built-in events (Herald.Logging.AppEvent).
        Collect(eventInterface.ContainingAssembly.GlobalNamespace, events);
        Events = events.ToImmutableDictionary(System.StringComparer.Ordinal);
    }

    public INamedTypeSymbol EventInterface { get; }

    public INamedTypeSymbol? Sink { get; }

    public INamedTypeSymbol? SinkAttribute { get; }

    public INamedTypeSymbol? EventTypeAttribute { get; }

    public INamedTypeSymbol? SubscribeAttribute { get; }

    /// <summary>Every known event type string and its generated type.</summary>
    public ImmutableDictionary<string, INamedTypeSymbol> Events { get; }

    /// <summary>Null when the compilation does not reference the Herald runtime: nothing to check.</summary>
    public static HeraldSymbols? Create(Compilation compilation)
        => compilation.GetTypeByMetadataName("Herald.IEvent`1") is { } eventInterface ? new HeraldSymbols(compilation, eventInterface) : null;

    /// <summary>The event type string of a generated event type (its <c>EventType</c> constant), or null.</summary>
    public string? EventTypeOf(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named || !IsEvent(named)) return null;
        foreach (ISymbol member in named.GetMembers("EventType"))
        {
            if (member is IFieldSymbol { IsConst: true, ConstantValue: string value }) return value;
        }
        return null;
    }

    public bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null) return false;
        foreach (AttributeData data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute)) return true;
        }
        return false;
    }

    private bool IsEvent(INamedTypeSymbol type)
    {
        foreach (INamedTypeSymbol candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, EventInterface)
                && SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], type)) return true;
        }
        return false;
    }

    private void Collect(INamespaceSymbol ns, Dictionary<string, INamedTypeSymbol> into)
    {
        foreach (INamespaceOrTypeSymbol member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child) Collect(child, into);
            else if (member is INamedTypeSymbol type && type.TypeKind is TypeKind.Class or TypeKind.Struct && EventTypeOf(type) is { } eventType && !into.ContainsKey(eventType))
                into.Add(eventType, type);
        }
    }

    private static bool UsesHerald(IAssemblySymbol assembly)
    {
        foreach (IModuleSymbol module in assembly.Modules)
        {
            foreach (AssemblyIdentity reference in module.ReferencedAssemblies)
            {
                if (reference.Name == "Herald") return true;
            }
        }
        return false;
    }
}
