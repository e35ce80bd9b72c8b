using System;
using System.Collections.Generic;
using Herald.Generator.Model;

namespace Herald.Generator.Schema;

/// <summary>
/// The payload paths of an event's schema-<c>number</c> values (<c>EventDescriptor.DoubleFields</c>): JSON writes an
/// integral double as <c>2</c>, so a reader of the text needs them to keep the type. Paths join property names with
/// <c>.</c> and mark array items <c>[]</c> and map values <c>{}</c> (<c>zones[].area</c>, <c>weights{}</c>), as
/// <see cref="EventShape"/> does. Free-form JSON has no schema type and no paths.
/// </summary>
internal static class DoubleFieldPaths
{
    /// <summary>How many records deep a path may go below the event: a bound for deeply nested schemas.</summary>
    public const int MaxDepth = 16;

    /// <param name="root">The event's record.</param>
    /// <param name="records">Every generated record by type name, for the records its properties refer to.</param>
    public static EquatableArray<string> Of(ObjectModel root, IReadOnlyDictionary<string, ObjectModel> records)
    {
        var paths = new List<string>();
        // The records on the path being walked: a recursive type is followed once, not again inside itself.
        var open = new HashSet<string>(StringComparer.Ordinal) { root.Name };
        AddRecord(root, "", depth: 0, records, open, paths);
        return paths.ToEquatableArray();
    }

    private static void AddRecord(ObjectModel record, string prefix, int depth, IReadOnlyDictionary<string, ObjectModel> records, HashSet<string> open, List<string> paths)
    {
        foreach (PropertyModel p in record.Properties) AddValue(p.Type, prefix + p.JsonName, depth, records, open, paths);
    }

    private static void AddValue(TypeRef type, string path, int depth, IReadOnlyDictionary<string, ObjectModel> records, HashSet<string> open, List<string> paths)
    {
        switch (type.Kind)
        {
            case ValueKind.Double or ValueKind.Single:
                paths.Add(path);
                break;
            case ValueKind.Array when type.Element is { } element:
                AddValue(element, path + "[]", depth, records, open, paths);
                break;
            case ValueKind.Map when type.Element is { } element:
                AddValue(element, path + "{}", depth, records, open, paths);
                break;
            case ValueKind.Object when depth < MaxDepth && type.TypeName is { } name && records.TryGetValue(name, out ObjectModel? nested) && open.Add(name):
                AddRecord(nested, path + ".", depth + 1, records, open, paths);
                open.Remove(name);
                break;
        }
    }
}
