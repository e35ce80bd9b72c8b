using System.Collections.Immutable;
using Herald.Generator.Schema;
using Herald.Generator.Emit;
using Herald.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Generator;

/// <summary>
/// Schema files (AdditionalFiles ending in .schema.json / .defs.json) → typed events with serializers.
/// Pipeline: parse each file (cached per file) → compile all files into value-equatable units → emit one
/// source per unit plus the registry. Diagnostics are reported by <see cref="SchemaDiagnosticAnalyzer"/>;
/// here a bad event schema becomes a placeholder type whose every use is an error naming the schema problem.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class HeraldGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<SchemaDocument> documents = context.AdditionalTextsProvider
            .Where(static text => SchemaDocument.IsSchemaPath(text.Path))
            .Select(static (text, cancellationToken) => SchemaDocument.Parse(text.Path, text.GetText(cancellationToken)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.SchemaFiles);

        IncrementalValueProvider<string> ns = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => ResolveNamespace(options.GlobalOptions))
            .WithTrackingName(TrackingNames.Namespace);

        IncrementalValueProvider<CompileResult> compiled = documents.Collect()
            .Combine(ns)
            .Select(static (input, _) => SchemaCompiler.Compile(input.Left, input.Right))
            .WithTrackingName(TrackingNames.Compiled);

        IncrementalValuesProvider<GenerationUnit> units = compiled
            .SelectMany(static (result, _) => result.Units.AsImmutableArray())
            .WithTrackingName(TrackingNames.Units);

        IncrementalValuesProvider<Placeholder> placeholders = compiled
            .SelectMany(static (result, _) => result.Placeholders.AsImmutableArray())
            .WithTrackingName(TrackingNames.Placeholders);

        IncrementalValueProvider<RegistryModel> registry = compiled
            .Select(static (result, _) => result.Registry)
            .WithTrackingName(TrackingNames.Registry);

        IncrementalValueProvider<bool> registers = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => RegistersEvents(options.GlobalOptions));

        context.RegisterSourceOutput(units, static (spc, unit) =>
            spc.AddSource(unit.HintName, SourceText.From(Emitter.EmitUnit(unit), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(placeholders, static (spc, placeholder) =>
            spc.AddSource(placeholder.HintName, SourceText.From(Emitter.EmitPlaceholder(placeholder), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(registry.Combine(registers), static (spc, input) =>
        {
            if (input.Left.Events.Count > 0)
                spc.AddSource(Emitter.RegistryClassName + ".g.cs", SourceText.From(Emitter.EmitRegistry(input.Left, input.Right), System.Text.Encoding.UTF8));
        });
    }

    /// <summary>
    /// Whether the registry registers itself with <c>EventRegistry.Registered</c> when its assembly loads: yes unless
    /// <c>HeraldRegisterEvents</c> is <c>false</c> (a library that keeps its events to itself, as the Herald runtime does
    /// with its built-in <c>app.event</c>).
    /// </summary>
    internal static bool RegistersEvents(AnalyzerConfigOptions options)
        => !(options.TryGetValue("build_property.HeraldRegisterEvents", out string? value) && string.Equals(value?.Trim(), "false", System.StringComparison.OrdinalIgnoreCase));

    /// <summary><c>HeraldNamespace</c> if set, else the project's <c>RootNamespace</c>, else <c>Herald.Events</c>.</summary>
    internal static string ResolveNamespace(AnalyzerConfigOptions options)
    {
        if (options.TryGetValue("build_property.HeraldNamespace", out string? explicitNs) && !string.IsNullOrWhiteSpace(explicitNs)) return explicitNs.Trim();
        if (options.TryGetValue("build_property.RootNamespace", out string? root) && !string.IsNullOrWhiteSpace(root)) return root.Trim();
        return "Herald.Events";
    }
}
