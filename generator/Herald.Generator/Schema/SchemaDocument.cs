using System;
using Herald.Generator.Json;
using Herald.Generator.Model;

namespace Herald.Generator.Schema;

/// <summary>
/// One schema file after parsing: its path and JSON tree, or the parse error. Value-equatable, so an
/// unchanged file is a cache hit for every step after parsing.
/// </summary>
internal sealed record SchemaDocument(string Path, JsonNode? Root, string? ParseError, SourceSpan ParseErrorSpan)
{
    public const string EventSuffix = ".schema.json";
    public const string DefsSuffix = ".defs.json";

    public static bool IsSchemaPath(string path)
        => path.EndsWith(EventSuffix, StringComparison.OrdinalIgnoreCase) || path.EndsWith(DefsSuffix, StringComparison.OrdinalIgnoreCase);

    public bool IsEvent => Path.EndsWith(EventSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The file name without directory, e.g. <c>loop.tick.schema.json</c>.</summary>
    public string FileName => PathUtil.FileName(Path);

    public static SchemaDocument Parse(string path, string text)
    {
        JsonNode? root = JsonParser.TryParse(text, out string? error, out SourceSpan errorSpan);
        return new SchemaDocument(path, root, error, errorSpan);
    }
}
