namespace Herald.Generator.Model;

/// <summary>A problem found in a schema file, located by path and span; turned into a Roslyn diagnostic by the analyzer.</summary>
internal sealed record SchemaDiagnostic(string Id, string FilePath, SourceSpan Span, EquatableArray<string> MessageArgs);
