using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.Tests;

/// <summary>
/// An independent check of written payloads against the schema files themselves (not the generated code): walks
/// <c>type</c>, <c>properties</c>, <c>required</c>, <c>items</c>, <c>additionalProperties</c>, <c>$ref</c>, <c>enum</c> and
/// <c>const</c>, and compares JSON token kinds. <c>integer</c> must be an integer literal.
/// </summary>
internal sealed class SchemaTypeChecker
{
    private readonly Dictionary<string, JsonNode> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string File, JsonNode Schema)> _events = new(StringComparer.Ordinal);

    public SchemaTypeChecker(params string[] directories)
    {
        foreach (string directory in directories)
        {
            foreach (string path in Directory.GetFiles(directory, "*.json"))
            {
                JsonNode node = JsonNode.Parse(File.ReadAllText(path))!;
                if (node is not JsonObject) continue;
                string name = Path.GetFileName(path);
                _files[name] = node;
                if (node["x-event"] is JsonValue e) _events[e.GetValue<string>()] = (name, node);
            }
        }
    }

    /// <summary>The schema directories of the repository: the canonical <c>schemas/</c> and the test fixtures.</summary>
    public static SchemaTypeChecker ForRepository()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Sdk.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return new SchemaTypeChecker(Path.Combine(dir, "schemas"), Path.Combine(dir, "tests", "Herald.Tests", "Schemas"));
    }

    public bool Knows(string eventType) => _events.ContainsKey(eventType);

    /// <summary>Null when <paramref name="payload"/> fits the schema of <paramref name="eventType"/>; else the first mismatch.</summary>
    public string? Check(string eventType, JsonElement payload)
    {
        (string file, JsonNode schema) = _events[eventType];
        return Check(schema, file, payload, "$");
    }

    private string? Check(JsonNode? schema, string file, JsonElement value, string path)
    {
        if (schema is null || schema is JsonValue) return null; // {} / true: anything
        var obj = (JsonObject)schema;
        if (obj["$ref"] is JsonValue reference)
        {
            (JsonNode target, string targetFile) = Resolve(reference.GetValue<string>(), file);
            if (Check(target, targetFile, value, path) is { } refError) return refError;
        }
        if (obj["const"] is { } constant && !JsonNode.DeepEquals(constant, JsonNode.Parse(value.GetRawText())))
            return $"{path}: not the constant {constant.ToJsonString()}";
        if (obj["enum"] is JsonArray choices && !choices.Any(c => JsonNode.DeepEquals(c, JsonNode.Parse(value.GetRawText()))))
            return $"{path}: {value.GetRawText()} is not in the enum";
        if (obj["type"] is { } type)
        {
            string[] allowed = type is JsonArray many ? many.Select(t => t!.GetValue<string>()).ToArray() : new[] { type.GetValue<string>() };
            if (!allowed.Any(t => Fits(t, value))) return $"{path}: {value.ValueKind} {Short(value)} is not {string.Join("|", allowed)}";
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = obj["properties"] as JsonObject;
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    string child = path + "." + property.Name;
                    if (properties is not null && properties.TryGetPropertyValue(property.Name, out JsonNode? declared))
                    {
                        if (Check(declared, file, property.Value, child) is { } error) return error;
                    }
                    else if (obj["additionalProperties"] is JsonObject additional)
                    {
                        if (Check(additional, file, property.Value, child) is { } error) return error;
                    }
                    else if (properties is not null && obj["additionalProperties"] is null)
                    {
                        return $"{child}: not a property of the schema";
                    }
                }
                if (obj["required"] is JsonArray required)
                {
                    foreach (JsonNode? name in required)
                    {
                        if (!value.TryGetProperty(name!.GetValue<string>(), out _)) return $"{path}: required '{name}' is missing";
                    }
                }
                break;
            case JsonValueKind.Array when obj["items"] is { } items:
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (Check(items, file, item, $"{path}[{index++}]") is { } error) return error;
                }
                break;
        }
        return null;
    }

    private static bool Fits(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.GetRawText().IndexOfAny(new[] { '.', 'e', 'E' }) < 0,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new InvalidOperationException("unknown type " + type),
    };

    private (JsonNode Schema, string File) Resolve(string reference, string file)
    {
        int hash = reference.IndexOf('#');
        string target = hash < 0 ? reference : reference.Substring(0, hash);
        string pointer = hash < 0 ? "" : reference.Substring(hash + 1);
        string targetFile = target.Length == 0 ? file : Path.GetFileName(target);
        JsonNode node = _files[targetFile];
        foreach (string segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)) node = node[segment]!;
        return (node, targetFile);
    }

    private static string Short(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length > 40 ? raw.Substring(0, 40) + "..." : raw;
    }
}
