using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Herald.Generator.Json;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Schema;

/// <summary>
/// What a consumer of an event relies on: every field path (nested objects flattened as <c>summary.duration_ms</c>,
/// array items as <c>items[].x</c>, map values as <c>tags{}.x</c>) with its wire type, which paths are required,
/// and each enum's values. This is what <c>schemas.shipped.json</c> records and HER301/HER302 compare.
/// </summary>
internal sealed class EventShape
{
    public EventShape(string eventType)
    {
        EventType = eventType;
    }

    public string EventType { get; }

    public SortedDictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Required { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SortedSet<string>> Enums { get; } = new(StringComparer.Ordinal);

    /// <summary>Legacy names each current path still accepts (<c>x-aliases</c>), as full paths: not in the baseline.</summary>
    public Dictionary<string, string> AliasOf { get; } = new(StringComparer.Ordinal);

    /// <summary>The shapes of every event a compilation produced.</summary>
    public static SortedDictionary<string, EventShape> FromCompilation(CompileResult result)
    {
        var objects = result.Units.SelectMany(u => u.Objects).GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var enums = result.Units.SelectMany(u => u.Enums).GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var shapes = new SortedDictionary<string, EventShape>(StringComparer.Ordinal);
        foreach (ObjectModel root in objects.Values.Where(o => o.Event is not null))
        {
            var shape = new EventShape(root.Event!.EventType);
            shape.AddObject(root, "", objects, enums, depth: 0);
            shapes[shape.EventType] = shape;
        }
        return shapes;
    }

    private void AddObject(ObjectModel o, string prefix, Dictionary<string, ObjectModel> objects, Dictionary<string, EnumModel> enums, int depth)
    {
        if (depth > 8) return; // recursive $defs: the first levels are what consumers rely on
        foreach (PropertyModel p in o.Properties)
        {
            string path = prefix + p.JsonName;
            Fields[path] = Describe(p.Type);
            if (p.IsRequired) Required.Add(path);
            foreach (string alias in p.Aliases) AliasOf[prefix + alias] = path;
            AddNested(p.Type, path, objects, enums, depth);
        }
    }

    private void AddNested(TypeRef type, string path, Dictionary<string, ObjectModel> objects, Dictionary<string, EnumModel> enums, int depth)
    {
        switch (type.Kind)
        {
            case ValueKind.Object when type.TypeName is { } name && objects.TryGetValue(name, out ObjectModel? nested):
                AddObject(nested, path + ".", objects, enums, depth + 1);
                break;
            case ValueKind.Enum when type.TypeName is { } name && enums.TryGetValue(name, out EnumModel? e):
                Enums[path] = new SortedSet<string>(e.Members.Select(m => m.JsonValue), StringComparer.Ordinal);
                break;
            case ValueKind.Array when type.Element is { } element:
                AddNested(element, path + "[]", objects, enums, depth);
                break;
            case ValueKind.Map when type.Element is { } element:
                AddNested(element, path + "{}", objects, enums, depth);
                break;
        }
    }

    /// <summary>The wire type as the baseline and <c>herald catalog</c> write it: <c>integer</c>, <c>array&lt;string&gt;</c>, <c>number|null</c>.</summary>
    public static string Describe(TypeRef t)
    {
        string name = t.Kind switch
        {
            ValueKind.String => "string",
            ValueKind.Int64 => "integer",
            ValueKind.Int32 => "integer(int32)",
            ValueKind.Double => "number",
            ValueKind.Single => "number(float)",
            ValueKind.Boolean => "boolean",
            ValueKind.DateTimeOffset => "string(date-time)",
            ValueKind.Guid => "string(uuid)",
            ValueKind.Object => "object",
            ValueKind.Enum => "enum",
            ValueKind.Array => "array<" + Describe(t.Element!) + ">",
            ValueKind.Map => "map<" + Describe(t.Element!) + ">",
            _ => "json",
        };
        return t.AllowsNull ? name + "|null" : name;
    }

    /// <summary>The baseline file's text for <paramref name="shapes"/>: sorted, one field per line, so diffs review well.</summary>
    public static string ToBaselineJson(IEnumerable<EventShape> shapes)
    {
        var sb = new StringBuilder();
        sb.Append("{\n  \"version\": 1,\n  \"events\": {");
        bool firstEvent = true;
        foreach (EventShape shape in shapes.OrderBy(s => s.EventType, StringComparer.Ordinal))
        {
            sb.Append(firstEvent ? "\n" : ",\n");
            firstEvent = false;
            sb.Append("    ").Append(JsonString(shape.EventType)).Append(": {\n      \"fields\": {");
            AppendEntries(sb, shape.Fields.Select(f => JsonString(f.Key) + ": " + JsonString(f.Value)));
            sb.Append("},\n      \"required\": [");
            sb.Append(string.Join(", ", shape.Required.Select(JsonString)));
            sb.Append("],\n      \"enums\": {");
            AppendEntries(sb, shape.Enums.Select(e => JsonString(e.Key) + ": [" + string.Join(", ", e.Value.Select(JsonString)) + "]"));
            sb.Append("}\n    }");
        }
        sb.Append(firstEvent ? "}\n}\n" : "\n  }\n}\n");
        return sb.ToString();
    }

    private static void AppendEntries(StringBuilder sb, IEnumerable<string> entries)
    {
        var list = entries.ToList();
        if (list.Count == 0) return;
        sb.Append("\n        ").Append(string.Join(",\n        ", list)).Append("\n      ");
    }

    /// <summary>Reads a baseline file; null with <paramref name="error"/> when it is not one.</summary>
    public static Dictionary<string, (EventShape Shape, SourceSpan Span)>? FromBaseline(JsonNode? root, out string? error)
    {
        error = null;
        var shapes = new Dictionary<string, (EventShape, SourceSpan)>(StringComparer.Ordinal);
        if (root is not JsonObject obj || obj.Find("events")?.Value is not JsonObject events)
        {
            error = "expected an object with an 'events' object";
            return null;
        }
        foreach (JsonMember e in events.Members)
        {
            var shape = new EventShape(e.Name);
            if (e.Value is not JsonObject body)
            {
                error = $"event '{e.Name}' must be an object";
                return null;
            }
            if (body.Find("fields")?.Value is JsonObject fields)
            {
                foreach (JsonMember f in fields.Members)
                {
                    if (f.Value is JsonString type) shape.Fields[f.Name] = type.Value;
                }
            }
            if (body.Find("required")?.Value is JsonArray required)
            {
                foreach (JsonString r in required.Items.OfType<JsonString>()) shape.Required.Add(r.Value);
            }
            if (body.Find("enums")?.Value is JsonObject enumObject)
            {
                foreach (JsonMember en in enumObject.Members)
                {
                    if (en.Value is JsonArray values) shape.Enums[en.Name] = new SortedSet<string>(values.Items.OfType<JsonString>().Select(v => v.Value), StringComparer.Ordinal);
                }
            }
            shapes[e.Name] = (shape, e.NameSpan);
        }
        return shapes;
    }
}
