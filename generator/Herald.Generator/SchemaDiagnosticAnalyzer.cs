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
/// Reports HER001–HER009 in the schema files themselves (file, line, column). Runs the same
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
        DiagnosticDescriptors.InvalidKeywordValue,
        DiagnosticDescriptors.MemberRenamed,
        DiagnosticDescriptors.BreakingChange,
        DiagnosticDescriptors.UnrecordedAddition);

    /// <summary>The baseline of shipped schemas (HER301/HER302); without it there are no evolution diagnostics.</summary>
    public const string BaselineFileName = "schemas.shipped.json";

    /// <summary>Property of HER302 diagnostics: the baseline's full new text, which the code fix writes.</summary>
    public const string BaselineTextKey = "BaselineText";

    /// <summary>Property of HER302 diagnostics: the baseline file's path.</summary>
    public const string BaselinePathKey = "BaselinePath";

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
            ILookup<string, SchemaDiagnostic> byFile = result.Diagnostics.Concat(result.Notices).ToLookup(d => d.FilePath);
            AdditionalText? baseline = start.Options.AdditionalFiles.FirstOrDefault(f => PathUtil.FileName(f.Path).Equals(BaselineFileName, System.StringComparison.OrdinalIgnoreCase));
            ILookup<string, Diagnostic> evolution = baseline is null || result.Diagnostics.Count > 0
                ? Enumerable.Empty<Diagnostic>().ToLookup(d => "")
                : Evolution(baseline, schemaFiles, result, start.CancellationToken).ToLookup(d => d.Location.GetLineSpan().Path);

            start.RegisterAdditionalFileAction(fileContext =>
            {
                foreach (SchemaDiagnostic d in byFile[fileContext.AdditionalFile.Path])
                {
                    DiagnosticDescriptor? descriptor = DiagnosticDescriptors.ForId(d.Id);
                    if (descriptor is null) continue;
                    fileContext.ReportDiagnostic(Diagnostic.Create(descriptor, ToLocation(d), d.MessageArgs.Cast<object>().ToArray()));
                }
                foreach (Diagnostic d in evolution[fileContext.AdditionalFile.Path]) fileContext.ReportDiagnostic(d);
            });
        });
    }

    /// <summary>HER301/HER302 against the baseline, each in the schema file (or, for a removed event, the baseline) at the field.</summary>
    private static IEnumerable<Diagnostic> Evolution(AdditionalText baselineFile, List<AdditionalText> schemaFiles, CompileResult result, System.Threading.CancellationToken cancellationToken)
    {
        SchemaDocument baselineDocument = SchemaDocument.Parse(baselineFile.Path, baselineFile.GetText(cancellationToken)?.ToString() ?? "");
        var shipped = EventShape.FromBaseline(baselineDocument.Root, out string? error);
        if (shipped is null)
        {
            yield return Diagnostic.Create(DiagnosticDescriptors.BreakingChange, Location.Create(baselineFile.Path, default, default),
                BaselineFileName, (baselineDocument.ParseError ?? error) + "; regenerate it from the current schemas");
            yield break;
        }
        SortedDictionary<string, EventShape> current = EventShape.FromCompilation(result);
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(BaselineTextKey, EventShape.ToBaselineJson(current.Values))
            .Add(BaselinePathKey, baselineFile.Path);
        var documents = schemaFiles
            .Select(f => SchemaDocument.Parse(f.Path, f.GetText(cancellationToken)?.ToString() ?? ""))
            .Where(d => d.Root is Json.JsonObject o && o.Find("x-event")?.Value is Json.JsonString)
            .GroupBy(d => ((Json.JsonString)((Json.JsonObject)d.Root!).Find("x-event")!.Value).Value)
            .ToDictionary(g => g.Key, g => g.First(), System.StringComparer.Ordinal);

        foreach (SchemaChange change in SchemaEvolution.Compare(shipped.ToDictionary(p => p.Key, p => p.Value.Shape), current))
        {
            Location location = documents.TryGetValue(change.EventType, out SchemaDocument? document)
                ? ToLocation(document.Path, FieldSpan(document, change.Path))
                : ToLocation(baselineFile.Path, shipped.TryGetValue(change.EventType, out var old) ? old.Span : SourceSpan.Empty);
            yield return change.Breaking
                ? Diagnostic.Create(DiagnosticDescriptors.BreakingChange, location, change.EventType, change.Message)
                : Diagnostic.Create(DiagnosticDescriptors.UnrecordedAddition, location, properties, change.EventType,
                    change.Message + "; update schemas.shipped.json to record it");
        }
    }

    /// <summary>The name of the field at <paramref name="path"/> in the schema (inline objects, items, maps), else the <c>x-event</c> value.</summary>
    private static SourceSpan FieldSpan(SchemaDocument document, string? path)
    {
        var root = (Json.JsonObject)document.Root!;
        SourceSpan best = root.Find("x-event")!.Value.Span;
        if (path is null) return best;
        Json.JsonObject? node = root;
        foreach (string raw in path.Split('.'))
        {
            string name = raw.EndsWith("[]", System.StringComparison.Ordinal) || raw.EndsWith("{}", System.StringComparison.Ordinal) ? raw.Substring(0, raw.Length - 2) : raw;
            if (node?.Find("properties")?.Value is not Json.JsonObject props || props.Find(name) is not { } member) return best;
            best = member.NameSpan;
            node = member.Value as Json.JsonObject;
            if (raw.EndsWith("[]", System.StringComparison.Ordinal)) node = node?.Find("items")?.Value as Json.JsonObject;
            else if (raw.EndsWith("{}", System.StringComparison.Ordinal)) node = node?.Find("additionalProperties")?.Value as Json.JsonObject;
        }
        return best;
    }

    private static Location ToLocation(string path, SourceSpan s)
        => Location.Create(path, new TextSpan(s.Start, s.Length),
            new LinePositionSpan(new LinePosition(s.StartLine, s.StartColumn), new LinePosition(s.EndLine, s.EndColumn)));

    internal static Location ToLocation(SchemaDiagnostic d)
        => Location.Create(
            d.FilePath,
            new TextSpan(d.Span.Start, d.Span.Length),
            new LinePositionSpan(new LinePosition(d.Span.StartLine, d.Span.StartColumn), new LinePosition(d.Span.EndLine, d.Span.EndColumn)));
}
