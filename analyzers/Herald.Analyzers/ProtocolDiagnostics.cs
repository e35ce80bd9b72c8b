using Microsoft.CodeAnalysis;

namespace Herald.Analyzers;

/// <summary>The protocol diagnostics; one entry each in docs/diagnostics.md (anchors are the lower-case IDs).</summary>
internal static class ProtocolDiagnostics
{
    public const string Category = "Herald.Protocol";
    // Absolute: $(HeraldDocsUrl), an MSBuild property (Directory.Build.props). Anchors are the lower-case IDs.
    private const string HelpBase = HeraldDocs.Url + "diagnostics.md#";

    public static readonly DiagnosticDescriptor UnknownEventType = Create(
        "HER101", "Unknown event type", "No schema defines the event type '{0}'{1}");

    public static readonly DiagnosticDescriptor SubscriptionTypeMismatch = Create(
        "HER102", "Handler subscribed to another event",
        "[Subscribe(\"{0}\")] handler '{1}' takes '{2}', the type of event '{3}'; subscribe to {2}.EventType or take the type of '{0}'");

    public static readonly DiagnosticDescriptor NonConformingSink = Create(
        "HER103", "Telemetry sink does not conform", "'{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidConfiguration = new(
        "HER201", "Invalid telemetry configuration", "{0} = {1}: {2}", "Herald.Configuration", DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "her201");

    private static DiagnosticDescriptor Create(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
