using Herald.Generator.Model;

namespace Herald.Generator.Json;

/// <summary>
/// A parsed JSON value with its position in the file. Records compare by value, so a schema that
/// did not change parses to an equal tree and everything downstream stays cached.
/// </summary>
internal abstract record JsonNode(SourceSpan Span)
{
    /// <summary>The JSON type name used in messages ("object", "string", ...).</summary>
    public abstract string Kind { get; }
}

internal sealed record JsonObject(SourceSpan Span, EquatableArray<JsonMember> Members) : JsonNode(Span)
{
    public override string Kind => "object";

    public JsonMember? Find(string name)
    {
        foreach (JsonMember member in Members)
        {
            if (member.Name == name) return member;
        }
        return null;
    }
}

internal sealed record JsonMember(string Name, SourceSpan NameSpan, JsonNode Value);

internal sealed record JsonArray(SourceSpan Span, EquatableArray<JsonNode> Items) : JsonNode(Span)
{
    public override string Kind => "array";
}

internal sealed record JsonString(SourceSpan Span, string Value) : JsonNode(Span)
{
    public override string Kind => "string";
}

/// <summary>A number kept as its literal text, so integers of any size survive and emitted code reuses the text.</summary>
internal sealed record JsonNumber(SourceSpan Span, string Text) : JsonNode(Span)
{
    public override string Kind => "number";

    public bool IsInteger => Text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0;
}

internal sealed record JsonBool(SourceSpan Span, bool Value) : JsonNode(Span)
{
    public override string Kind => "boolean";
}

internal sealed record JsonNull(SourceSpan Span) : JsonNode(Span)
{
    public override string Kind => "null";
}
