using System.Linq;
using Herald.Generator.Json;
using Herald.Generator.Model;

namespace Herald.Generator.Schema;

/// <summary>
/// What the annotation keywords contribute to generated code: doc text (<c>description</c>, else <c>title</c>) and
/// <c>examples</c>; and the shape each annotation must have (checked like any other keyword, HER008).
/// </summary>
internal static class Annotations
{
    /// <summary>The summary of a type or property: its <c>description</c>, else its <c>title</c>.</summary>
    public static string? Documentation(JsonObject schema)
        => (schema.Find("description")?.Value as JsonString)?.Value ?? (schema.Find("title")?.Value as JsonString)?.Value;

    /// <summary>Each entry of <c>examples</c> as compact JSON, in schema order.</summary>
    public static EquatableArray<string> Examples(JsonObject schema)
        => schema.Find("examples")?.Value is JsonArray examples
            ? examples.Items.Select(JsonText.Compact).ToEquatableArray()
            : EquatableArray<string>.Empty;

    /// <summary>Why an annotation's value has the wrong shape, or null when it is fine (or not an annotation).</summary>
    public static string? ShapeError(JsonMember member) => member.Name switch
    {
        "$schema" or "$id" or "$comment" or "title" or "description" when member.Value is not JsonString => $"'{member.Name}' must be a string",
        "examples" when member.Value is not JsonArray => "'examples' must be an array of example values",
        "deprecated" or "readOnly" or "writeOnly" when member.Value is not JsonBool => $"'{member.Name}' must be true or false",
        _ => null,
    };
}
