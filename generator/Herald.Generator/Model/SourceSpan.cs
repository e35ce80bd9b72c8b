namespace Herald.Generator.Model;

/// <summary>
/// A position in a schema file: character offset and length plus zero-based line/column of both ends.
/// Kept as plain numbers (never a Roslyn <c>Location</c>) so models stay cacheable.
/// </summary>
internal sealed record SourceSpan(int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static readonly SourceSpan Empty = new(0, 0, 0, 0, 0, 0);
}
