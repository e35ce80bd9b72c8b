using Herald.Generator.Schema;
using Microsoft.CodeAnalysis;

namespace Herald.Generator;

/// <summary>
/// Every schema diagnostic. Keep in sync with <see cref="DiagnosticIds"/>, docs/diagnostics.md (one entry
/// per ID, anchors are the lower-case IDs) and AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string SchemaCategory = "Herald.Schema";
    // Absolute: $(HeraldDocsUrl), an MSBuild property (Directory.Build.props). Anchors are the lower-case IDs.
    private const string HelpBase = HeraldDocs.Url + "diagnostics.md#";

    public static readonly DiagnosticDescriptor InvalidJson = Create(
        DiagnosticIds.InvalidJson, "Schema file is not valid JSON", "Schema file is not valid JSON: {0}");

    public static readonly DiagnosticDescriptor UnsupportedKeyword = Create(
        DiagnosticIds.UnsupportedKeyword, "Unsupported schema keyword", "Keyword '{0}' at '{1}' is not supported{2}");

    public static readonly DiagnosticDescriptor UnresolvedRef = Create(
        DiagnosticIds.UnresolvedRef, "Unresolved $ref", "Cannot resolve $ref '{0}': {1}");

    public static readonly DiagnosticDescriptor DuplicateEventType = Create(
        DiagnosticIds.DuplicateEventType, "Duplicate event type", "Event type '{0}' is already defined by '{1}'");

    public static readonly DiagnosticDescriptor DuplicateMemberName = Create(
        DiagnosticIds.DuplicateMemberName, "Two names map to one member", "'{0}' maps to C# member '{1}', but {2}");

    public static readonly DiagnosticDescriptor RequiredUndefined = Create(
        DiagnosticIds.RequiredUndefined, "Required property is not defined", "'required' names '{0}', which is not a property of '{1}'");

    public static readonly DiagnosticDescriptor InvalidName = Create(
        DiagnosticIds.InvalidName, "Name cannot be used in C#", "'{0}' cannot be used as a C# name: {1}");

    public static readonly DiagnosticDescriptor InvalidKeywordValue = Create(
        DiagnosticIds.InvalidKeywordValue, "Invalid keyword value", "Invalid schema at '{1}': {0}");

    public static readonly DiagnosticDescriptor MemberRenamed = Create(
        DiagnosticIds.MemberRenamed, "Property renamed in C#",
        "Property '{0}' is generated as '{1}' because '{2}' {3}; set x-csharp-name to choose another name", DiagnosticSeverity.Info);

    public const string EvolutionCategory = "Herald.Evolution";

    public static readonly DiagnosticDescriptor BreakingChange = new(
        "HER301", "Breaking schema change", "Breaking change to '{0}' against schemas.shipped.json: {1}", EvolutionCategory,
        DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + "her301");

    public static readonly DiagnosticDescriptor UnrecordedAddition = new(
        "HER302", "Schema change not in the baseline", "'{0}': {1}", EvolutionCategory,
        DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + "her302");

    public static DiagnosticDescriptor? ForId(string id) => id switch
    {
        DiagnosticIds.InvalidJson => InvalidJson,
        DiagnosticIds.UnsupportedKeyword => UnsupportedKeyword,
        DiagnosticIds.UnresolvedRef => UnresolvedRef,
        DiagnosticIds.DuplicateEventType => DuplicateEventType,
        DiagnosticIds.DuplicateMemberName => DuplicateMemberName,
        DiagnosticIds.RequiredUndefined => RequiredUndefined,
        DiagnosticIds.InvalidName => InvalidName,
        DiagnosticIds.InvalidKeywordValue => InvalidKeywordValue,
        DiagnosticIds.MemberRenamed => MemberRenamed,
        _ => null,
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error)
        => new(id, title, message, SchemaCategory, severity, isEnabledByDefault: true,
            helpLinkUri: HelpBase + id.ToLowerInvariant());
}
