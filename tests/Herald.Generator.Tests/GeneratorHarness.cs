using System.Collections.Immutable;
using System.Threading;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Generator.Tests;

/// <summary>Runs the real generator and schema analyzer over in-memory schema files, as the compiler would.</summary>
internal static class GeneratorHarness
{
    public static readonly string RepoRoot = FindRepoRoot();

    private static readonly ImmutableArray<MetadataReference> References = LoadReferences();

#if NET10_0_OR_GREATER
    public const LanguageVersion Language = LanguageVersion.Latest;
#else
    // The net8.0 run compiles the generated code as a .NET 8 project does by default: C# 12, against .NET 8's assemblies.
    public const LanguageVersion Language = LanguageVersion.CSharp12;
#endif

    public static string CanonicalSchemaDirectory => Path.Combine(RepoRoot, "schemas");

    public static IReadOnlyList<AdditionalText> CanonicalSchemas()
        => Directory.GetFiles(CanonicalSchemaDirectory, "*.json").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (AdditionalText)new SchemaText(f, File.ReadAllText(f))).ToList();

    public static CSharpCompilation Compilation(params string[] sources)
        => CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(Language), path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // As the SDK passes /nowarn:1701,1702: on net8.0 the test host has newer System.* assemblies from packages
                // (Roslyn's System.Collections.Immutable 9) than Herald was compiled against.
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> schemas, string? rootNamespace = "Consumer", string? heraldNamespace = null, DocumentationMode documentationMode = DocumentationMode.Parse,
        string? registerEvents = null)
    {
        var options = new Dictionary<string, string>();
        if (rootNamespace is not null) options["build_property.RootNamespace"] = rootNamespace;
        if (heraldNamespace is not null) options["build_property.HeraldNamespace"] = heraldNamespace;
        if (registerEvents is not null) options["build_property.HeraldRegisterEvents"] = registerEvents;
        return CSharpGeneratorDriver.Create(
            new[] { new HeraldGenerator().AsSourceGenerator() },
            schemas,
            new CSharpParseOptions(Language, documentationMode),
            new OptionsProvider(options),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generator; returns the compilation with generated sources and the driver's diagnostics.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Result) Generate(IEnumerable<AdditionalText> schemas, params string[] sources)
        => Generate(schemas, DocumentationMode.Parse, sources);

    /// <summary>
    /// Runs the generator with the generated files parsed in <paramref name="documentationMode"/>
    /// (<see cref="DocumentationMode.Diagnose"/> also reports malformed doc comments, as a build with a documentation file does).
    /// </summary>
    public static (Compilation Output, GeneratorDriverRunResult Result) Generate(IEnumerable<AdditionalText> schemas, DocumentationMode documentationMode, params string[] sources)
    {
        GeneratorDriver driver = Driver(schemas, documentationMode: documentationMode).RunGeneratorsAndUpdateCompilation(Compilation(sources), out Compilation output, out _);
        return (output, driver.GetRunResult());
    }

    /// <summary>Generates, compiles and loads the schemas' code with <paramref name="probe"/> (a source declaring <c>static class Probe { public static string Run() }</c>), and returns <c>Probe.Run()</c>.</summary>
    public static string RunProbe(IEnumerable<AdditionalText> schemas, string probe)
    {
        var (output, result) = Generate(schemas, probe);
        Assert.Null(result.Results.Single().Exception);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        image.Position = 0;
        var context = new System.Runtime.Loader.AssemblyLoadContext("probe", isCollectible: true);
        try
        {
            System.Reflection.Assembly assembly = context.LoadFromStream(image);
            return (string)assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Runs <see cref="SchemaDiagnosticAnalyzer"/> over the schemas; returns its diagnostics (analyzer crashes included as AD0001).</summary>
    public static ImmutableArray<Diagnostic> Analyze(IEnumerable<AdditionalText> schemas)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new SchemaDiagnosticAnalyzer());
        var options = new AnalyzerOptions(schemas.ToImmutableArray());
        var withAnalyzers = Compilation("class C {}").WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        return withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult()
            .Where(d => d.Id.StartsWith("HER", StringComparison.Ordinal) || d.Id == "AD0001").ToImmutableArray();
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return tpa.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Herald.EventFormatException).Assembly.Location))
            .ToImmutableArray();
    }

    private static string FindRepoRoot([CallerFilePath] string path = "")
    {
        string? dir = Path.GetDirectoryName(path);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Sdk.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("Sdk.sln not found above " + path);
    }

    /// <summary>An additional file held in memory.</summary>
    public sealed class SchemaText : AdditionalText
    {
        private readonly SourceText _text;

        public SchemaText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text, Encoding.UTF8);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class OptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global;

        public OptionsProvider(Dictionary<string, string> values) => _global = new Options(values);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());
            private readonly Dictionary<string, string> _values;

            public Options(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
        }
    }
}
