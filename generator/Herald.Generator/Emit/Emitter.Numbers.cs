using System.Collections.Generic;
using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>
/// <c>NonFiniteNumber()</c>: NaN and infinities have no JSON number form. The writer leaves them out of optional
/// fields and writes <c>null</c> where the schema allows null; everywhere else (a required or defaulted field, an
/// array item, a map value) the value cannot be written, and this check names the first such one so the runtime
/// rejects the event instead of writing a line that breaks the field's type.
/// </summary>
internal static partial class Emitter
{
    private static void EmitNumberCheck(SourceWriter w, ObjectModel o)
    {
        var checks = new List<(PropertyModel Property, bool Direct)>();
        var nested = new SortedSet<string>(System.StringComparer.Ordinal);
        bool own = false;
        foreach (PropertyModel p in o.Properties.Where(p => p.ConstCSharp is null))
        {
            // Optional fields are left out when non-finite, so only always-written ones are checked directly.
            bool direct = IsStrictNumber(p.Type) && p.IsAlwaysWritten;
            var objects = new SortedSet<string>(System.StringComparer.Ordinal);
            bool items = HoldsStrictNumbers(p.Type, objects);
            nested.UnionWith(objects);
            own |= direct || items;
            if (direct || items || objects.Count > 0) checks.Add((p, direct));
        }
        string flag = own ? "true" : string.Join(" || ", new[] { "false" }.Concat(nested.Where(n => n != o.Name).Select(n => n + ".HasFiniteChecks")));
        w.Line("/// <summary>Whether <see cref=\"NonFiniteNumber\"/> has anything to check: a number that can be neither left out nor written as null.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line($"public static readonly bool HasFiniteChecks = {flag};");
        w.Line();
        w.Line("/// <summary>The first NaN or infinity the writer cannot write (as <c>\"$.path is NaN\"</c>); null when there is none.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        if (checks.Count == 0)
        {
            w.Line("public string? NonFiniteNumber() => null;");
            w.Line();
            return;
        }
        w.Open("public string? NonFiniteNumber()");
        var locals = new LocalNames();
        foreach ((PropertyModel p, bool direct) in checks)
        {
            string path = "$" + PathSegment(p.JsonName);
            if (direct)
            {
                w.Line($"if (!{FiniteTest(p.Type, p.CSharpName)}) return {EventValidation}.NonFinite({Interpolated(path)}, {p.CSharpName});");
                continue;
            }
            if (!p.IsNullable && p.Type.IsCSharpValueType)
            {
                EmitNumberChecks(w, p.Type, p.CSharpName, path, locals);
                continue;
            }
            string v = locals.Next("v");
            w.Open($"if ({p.CSharpName} is {{ }} {v})");
            EmitNumberChecks(w, p.Type, v, path, locals);
            w.Close();
        }
        w.Line("return null;");
        w.Close();
        w.Line();
    }

    /// <summary>A double or float whose schema type does not allow null.</summary>
    private static bool IsStrictNumber(TypeRef type) => type.Kind is ValueKind.Double or ValueKind.Single && !type.AllowsNull;

    private static string FiniteTest(TypeRef type, string expr) => (type.Kind == ValueKind.Single ? "float" : "double") + $".IsFinite({expr})";

    /// <summary>Whether arrays or maps in <paramref name="type"/> hold strict numbers; collects the generated types inside to ask.</summary>
    private static bool HoldsStrictNumbers(TypeRef type, SortedSet<string> nested)
    {
        switch (type.Kind)
        {
            case ValueKind.Object:
                nested.Add(type.TypeName!);
                return false;
            case ValueKind.Array or ValueKind.Map:
                return IsStrictNumber(type.Element!) | HoldsStrictNumbers(type.Element!, nested);
            default:
                return false;
        }
    }

    /// <summary>Checks inside a non-null value <paramref name="expr"/> (a nested object, array or map).</summary>
    private static void EmitNumberChecks(SourceWriter w, TypeRef type, string expr, string path, LocalNames locals)
    {
        switch (type.Kind)
        {
            case ValueKind.Object:
            {
                string e = locals.Next("e");
                w.Line($"if ({expr}.NonFiniteNumber() is {{ }} {e}) return {EventValidation}.Nest({Interpolated(path)}, {e});");
                break;
            }
            case ValueKind.Array:
            {
                string arr = locals.Next("a");
                string i = locals.Next("i");
                w.Line($"var {arr} = {expr};");
                w.Open($"for (int {i} = 0; !{arr}.IsDefault && {i} < {arr}.Length; {i}++)");
                EmitElementNumberCheck(w, type.Element!, $"{arr}[{i}]", $"{path}[{{{i}}}]", locals);
                w.Close();
                break;
            }
            case ValueKind.Map:
            {
                string entry = locals.Next("kv");
                w.Open($"foreach (var {entry} in {expr})");
                EmitElementNumberCheck(w, type.Element!, $"{entry}.Value", $"{path}['{{{entry}.Key}}']", locals);
                w.Close();
                break;
            }
        }
    }

    private static void EmitElementNumberCheck(SourceWriter w, TypeRef element, string expr, string path, LocalNames locals)
    {
        if (IsStrictNumber(element))
        {
            w.Line($"if (!{FiniteTest(element, expr)}) return {EventValidation}.NonFinite({Interpolated(path)}, {expr});");
            return;
        }
        if (element.Kind is not (ValueKind.Object or ValueKind.Array or ValueKind.Map)) return;
        if (!element.AllowsNull && element.IsCSharpValueType)
        {
            EmitNumberChecks(w, element, expr, path, locals);
            return;
        }
        string v = locals.Next("v");
        w.Open($"if ({expr} is {{ }} {v})");
        EmitNumberChecks(w, element, v, path, locals);
        w.Close();
    }
}
