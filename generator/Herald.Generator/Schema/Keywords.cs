using System.Collections.Generic;

namespace Herald.Generator.Schema;

/// <summary>
/// The schema dialect's vocabulary. Every keyword here has an entry in docs/schema-dialect.md; anything
/// else is HER002, never silently ignored.
/// </summary>
internal static class Keywords
{
    public static readonly HashSet<string> Annotations = new()
    {
        "$schema", "$id", "$comment", "title", "description", "examples", "deprecated", "readOnly", "writeOnly",
    };

    /// <summary>Keywords that hold named definitions: 2020-12's <c>$defs</c> and draft-07's <c>definitions</c>.</summary>
    public static readonly string[] DefinitionKeywords = { "$defs", "definitions" };

    public static readonly HashSet<string> Validation = new()
    {
        "type", "properties", "required", "enum", "const", "default", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
        "items", "minItems", "maxItems", "additionalProperties", "$defs", "definitions", "$ref",
    };

    /// <summary>Extensions allowed on any schema object.</summary>
    public static readonly HashSet<string> Extensions = new()
    {
        "x-aliases", "x-redact", "x-csharp-name",
    };

    /// <summary>Extensions allowed only at the root of an event schema.</summary>
    public static readonly HashSet<string> RootExtensions = new()
    {
        "x-event", "x-version", "x-priority", "x-source", "x-struct", "x-kind",
    };

    /// <summary>
    /// Keywords that may sit next to <c>$ref</c>: annotations and property extensions (they describe the property,
    /// not the type), and definitions (a root that is a <c>$ref</c> into its own <c>$defs</c> is common).
    /// </summary>
    public static readonly HashSet<string> RefSiblings = new(Annotations)
    {
        "$ref", "$defs", "definitions", "x-aliases", "x-redact", "x-csharp-name",
    };

    public static readonly HashSet<string> Priorities = new() { "low", "medium", "high", "critical" };

    public static readonly HashSet<string> Formats = new() { "date-time", "uuid", "int32", "int64", "float", "double" };
}
