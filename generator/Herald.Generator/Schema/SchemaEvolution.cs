using System;
using System.Collections.Generic;
using System.Linq;

namespace Herald.Generator.Schema;

/// <summary>One difference between the shipped baseline and the current schemas.</summary>
/// <param name="Breaking">HER301 when true (consumers of the shipped schema break), else HER302 (an addition to record).</param>
/// <param name="EventType">The event.</param>
/// <param name="Path">The field path, or null for the event itself.</param>
/// <param name="Message">What changed, for the diagnostic.</param>
internal sealed record SchemaChange(bool Breaking, string EventType, string? Path, string Message);

/// <summary>
/// The schema evolution rules (HER301/HER302, and the CLI's <c>herald diff</c>): against the baseline, a removed
/// field or event, a changed type, an optional field made required, a new required field inside an object that
/// already existed, or a removed enum value breaks consumers — unless a removed field's name survives in the new
/// field's <c>x-aliases</c>. Every other difference (new events, optional fields, enum values, required made
/// optional, a rename kept readable by an alias) is an addition the baseline does not record yet.
/// </summary>
internal static class SchemaEvolution
{
    public static List<SchemaChange> Compare(IReadOnlyDictionary<string, EventShape> shipped, IReadOnlyDictionary<string, EventShape> current)
    {
        var changes = new List<SchemaChange>();
        foreach (KeyValuePair<string, EventShape> old in shipped.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!current.TryGetValue(old.Key, out EventShape? now))
            {
                changes.Add(new SchemaChange(true, old.Key, null, $"event type '{old.Key}' was removed or renamed; consumers of the shipped schema still send or expect it"));
                continue;
            }
            CompareEvent(old.Value, now, changes);
        }
        foreach (string added in current.Keys.Where(k => !shipped.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
            changes.Add(new SchemaChange(false, added, null, $"event type '{added}' is not in schemas.shipped.json yet"));
        return changes;
    }

    private static void CompareEvent(EventShape old, EventShape now, List<SchemaChange> changes)
    {
        string e = old.EventType;
        foreach (KeyValuePair<string, string> field in old.Fields)
        {
            string path = field.Key;
            if (!now.Fields.TryGetValue(path, out string? type))
            {
                if (now.AliasOf.TryGetValue(path, out string? renamed))
                    changes.Add(new SchemaChange(false, e, renamed, $"'{path}' was renamed to '{renamed}' and is still read through x-aliases; record the new name"));
                else
                    changes.Add(new SchemaChange(true, e, path, $"field '{path}' was removed"));
                continue;
            }
            if (type != field.Value) changes.Add(new SchemaChange(true, e, path, $"field '{path}' changed type from {field.Value} to {type}"));
            bool wasRequired = old.Required.Contains(path), isRequired = now.Required.Contains(path);
            if (!wasRequired && isRequired) changes.Add(new SchemaChange(true, e, path, $"optional field '{path}' became required"));
            if (wasRequired && !isRequired) changes.Add(new SchemaChange(false, e, path, $"field '{path}' became optional"));
        }
        // New names of renamed fields were reported with the rename above.
        var renamedTo = new HashSet<string>(old.Fields.Keys.Where(k => !now.Fields.ContainsKey(k) && now.AliasOf.ContainsKey(k)).Select(k => now.AliasOf[k]), StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> field in now.Fields.Where(f => !old.Fields.ContainsKey(f.Key) && !renamedTo.Contains(f.Key)))
        {
            string path = field.Key;
            string parent = Parent(path);
            bool parentExisted = parent.Length == 0 || old.Fields.ContainsKey(parent);
            if (now.Required.Contains(path) && parentExisted)
                changes.Add(new SchemaChange(true, e, path, $"new required field '{path}': producers of the shipped schema do not send it"));
            else
                changes.Add(new SchemaChange(false, e, path, $"field '{path}' is not in schemas.shipped.json yet"));
        }
        foreach (KeyValuePair<string, SortedSet<string>> en in old.Enums)
        {
            if (!now.Enums.TryGetValue(en.Key, out SortedSet<string>? values)) continue; // the field's removal or type change is reported above
            foreach (string removed in en.Value.Where(v => !values.Contains(v)))
                changes.Add(new SchemaChange(true, e, en.Key, $"enum value '{removed}' of '{en.Key}' was removed"));
            foreach (string added in values.Where(v => !en.Value.Contains(v)))
                changes.Add(new SchemaChange(false, e, en.Key, $"enum value '{added}' of '{en.Key}' is not in schemas.shipped.json yet"));
        }
    }

    /// <summary>The parent field path: <c>summary</c> for <c>summary.x</c>, <c>items</c> for <c>items[].x</c>, "" at the root.</summary>
    private static string Parent(string path)
    {
        int dot = path.LastIndexOf('.');
        if (dot < 0) return "";
        string parent = path.Substring(0, dot);
        return parent.EndsWith("[]", StringComparison.Ordinal) || parent.EndsWith("{}", StringComparison.Ordinal) ? parent.Substring(0, parent.Length - 2) : parent;
    }
}
