using System.Collections.Generic;
using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>
/// <c>legacy_aliases</c>: with <c>JsonOutput.LegacyAliases</c> set, a field that declares <c>x-aliases</c> is written a
/// second time under its first alias (a plain alias right after the field; a nested field's root alias at the end of
/// the event object), so consumers of the old payload keep finding their names. Each costs one flag test when off.
/// </summary>
internal static partial class Emitter
{
    /// <summary>After property <paramref name="index"/> was written (or left out): its first same-level alias.</summary>
    private static void EmitPlainAlias(SourceWriter w, ObjectModel o, int index, LocalNames locals)
    {
        PropertyModel p = o.Properties[index];
        if (p.Aliases.Count == 0 || WrittenNames(o).Count(n => n == p.Aliases[0]) > 1) return;
        w.Open("if (json.LegacyAliases)");
        EmitAliasField(w, p, p.Aliases[0], "value." + p.CSharpName, v => EmitPropertyValue(w, o, index, v, locals), locals);
        w.Close();
    }

    /// <summary>At the end of an event object: each nested field's first root alias, from the nested value, unless that name is already written.</summary>
    private static void EmitRootAliases(SourceWriter w, ObjectModel o, GenerationUnit unit, LocalNames locals)
    {
        if (o.Event is null) return;
        var written = new HashSet<string>(WrittenNames(o));
        var owners = new List<(int Index, List<(PropertyModel Child, string Alias)> Children)>();
        for (int i = 0; i < o.Properties.Count; i++)
        {
            var children = new List<(PropertyModel, string)>();
            foreach (PropertyModel child in NestedWithRootAliases(o.Properties[i], unit))
            {
                // A field with a same-level alias is written under that one (its first); the root alias names the same value.
                if (child.Aliases.Count > 0 || !written.Add(child.RootAliases[0])) continue;
                children.Add((child, child.RootAliases[0]));
            }
            if (children.Count > 0) owners.Add((i, children));
        }
        if (owners.Count == 0) return;
        w.Open("if (json.LegacyAliases)");
        foreach ((int index, List<(PropertyModel Child, string Alias)> children) in owners)
        {
            PropertyModel owner = o.Properties[index];
            string nested = locals.Next("n");
            bool mayBeNull = owner.IsNullable || !owner.Type.IsCSharpValueType;
            w.Open(mayBeNull ? $"if (value.{owner.CSharpName} is {{ }} {nested})" : "// " + Comment(owner.JsonName) + " is a struct: never null");
            if (!mayBeNull) w.Line($"var {nested} = value.{owner.CSharpName};");
            foreach ((PropertyModel child, string alias) in children)
                EmitAliasField(w, child, alias, $"{nested}.{child.CSharpName}", v => EmitValue(w, child.Type, v, locals), locals);
            w.Close();
        }
        w.Close();
    }

    /// <summary>The names the canonical writer puts at this level, plus each property's first plain alias.</summary>
    private static IEnumerable<string> WrittenNames(ObjectModel o)
        => o.Properties.Select(p => p.JsonName).Concat(o.Properties.Where(p => p.Aliases.Count > 0).Select(p => p.Aliases[0]));

    /// <summary>
    /// <c>,"alias":value</c> for a field read through <paramref name="expr"/>, by the field's own rules: an optional
    /// field (or an optional non-finite number) is left out, an always-written null is written as null.
    /// </summary>
    private static void EmitAliasField(SourceWriter w, PropertyModel p, string alias, string expr, System.Action<string> writeValue, LocalNames locals)
    {
        string name = Utf8Literal("," + JsonString(alias) + ":");
        bool mayBeNull = p.ConstCSharp is null && (p.IsNullable || !p.Type.IsCSharpValueType);
        if (!mayBeNull)
        {
            w.Line($"json.WriteRaw({name});");
            writeValue(expr);
            return;
        }
        string v = locals.Next("v");
        if (p.IsAlwaysWritten)
        {
            w.Line($"json.WriteRaw({name});");
            w.Open($"if ({expr} is {{ }} {v})");
            writeValue(v);
            w.Close();
            w.Line("else json.WriteNull();");
            return;
        }
        w.Open($"if ({expr} is {{ }} {v}" + (IsStrictNumber(p.Type) ? $" && {FiniteTest(p.Type, v)})" : ")"));
        w.Line($"json.WriteRaw({name});");
        writeValue(v);
        w.Close();
    }
}
