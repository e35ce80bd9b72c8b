using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Herald.Configuration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Analyzers;

/// <summary>
/// HER201: the project's <c>telemetry.yaml</c> / <c>telemetry.yml</c> / <c>telemetry.json</c> (AdditionalFiles) checked
/// at build time with the runtime's own reader and checker (the source files are shared): unknown keys, transport
/// types, backpressure modes and transforms, values of the wrong type or range, event kinds no schema defines and
/// fields the named kinds do not have — each at the line and column of the offending value.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TelemetryConfigAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] FileNames = { "telemetry.yaml", "telemetry.yml", "telemetry.json" };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(ProtocolDiagnostics.InvalidConfiguration);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (HeraldSymbols.Create(start.Compilation) is not { } symbols) return;
            var catalog = new SymbolCatalog(symbols);
            start.RegisterAdditionalFileAction(c => Analyze(c, catalog));
        });
    }

    private static void Analyze(AdditionalFileAnalysisContext context, SymbolCatalog catalog)
    {
        string name = Path.GetFileName(context.AdditionalFile.Path);
        if (!FileNames.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))) return;
        if (context.AdditionalFile.GetText(context.CancellationToken) is not { } text) return;

        List<ConfigIssue> issues;
        try
        {
            TelemetryConfigChecker checker = TelemetryConfigChecker.CheckDocument(ConfigTextParser.Parse(text.ToString()));
            // Every problem at once, as at run time: the transforms' names are checked even when other keys are wrong.
            issues = checker.Issues;
            issues.AddRange(TelemetryConfigChecker.CheckEvents(checker.Transforms, catalog));
        }
        catch (ConfigSyntaxException ex)
        {
            issues = new List<ConfigIssue> { new ConfigIssue("telemetry", null, ex.Message, ex.Line, ex.Column) };
        }
        foreach (ConfigIssue issue in issues)
        {
            context.ReportDiagnostic(Diagnostic.Create(ProtocolDiagnostics.InvalidConfiguration, Locate(context.AdditionalFile.Path, text, issue.Line, issue.Column),
                issue.Key, issue.Value ?? "(missing)", issue.Reason));
        }
    }

    /// <summary>The token that starts at (line, column): a quoted string to its closing quote, else up to a delimiter.</summary>
    private static Location Locate(string path, SourceText text, int line, int column)
    {
        if (line < 1 || line > text.Lines.Count) return Location.Create(path, default, default);
        TextLine textLine = text.Lines[line - 1];
        int start = Math.Min(textLine.Start + Math.Max(column, 1) - 1, textLine.End);
        int end = start;
        if (end < textLine.End && text[end] is '"' or '\'')
        {
            char quote = text[end++];
            while (end < textLine.End && text[end] != quote) end++;
            if (end < textLine.End) end++;
        }
        else
        {
            while (end < textLine.End && !char.IsWhiteSpace(text[end]) && text[end] is not (',' or ']' or '}' or '#')) end++;
            if (end > start && text[end - 1] == ':') end--; // a key's span excludes its colon
        }
        var span = TextSpan.FromBounds(start, end);
        return Location.Create(path, span, text.Lines.GetLinePositionSpan(span));
    }

    /// <summary>The compilation's event types as the shared checker sees them, from their <c>[EventFields]</c>.</summary>
    private sealed class SymbolCatalog : IEventCatalog
    {
        private readonly Dictionary<string, (string[] Fields, string[] Redactable, string? Kind)> _events = new(StringComparer.Ordinal);

        public SymbolCatalog(HeraldSymbols symbols)
        {
            foreach (KeyValuePair<string, INamedTypeSymbol> pair in symbols.Events)
            {
                AttributeData? fields = pair.Value.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "Herald.EventFieldsAttribute");
                if (fields is null || fields.ConstructorArguments.Length != 2) continue;
                string? kind = fields.NamedArguments.FirstOrDefault(a => a.Key == "Kind").Value.Value as string;
                _events[pair.Key] = (Strings(fields.ConstructorArguments[0]), Strings(fields.ConstructorArguments[1]), kind);
            }
        }

        public IEnumerable<string> EventTypes => _events.Keys;

        public IReadOnlyList<string>? FieldsOf(string eventType) => _events.TryGetValue(eventType, out var e) ? e.Fields : null;

        public string? KindOf(string eventType) => _events.TryGetValue(eventType, out var e) ? e.Kind : null;

        public bool IsRedactable(string eventType, string field) => _events.TryGetValue(eventType, out var e) && Array.IndexOf(e.Redactable, field) >= 0;

        private static string[] Strings(TypedConstant array)
            => array.Kind == TypedConstantKind.Array ? array.Values.Select(v => v.Value as string ?? "").ToArray() : Array.Empty<string>();
    }
}
