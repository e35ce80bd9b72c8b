using System.Collections.Generic;
using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>
/// <c>Validate()</c>: the schema's constraints as plain comparisons. Returns null when valid, else the first
/// violation as <c>"$.path: reason"</c>. Paths are built only on failure, so a valid event allocates nothing.
/// </summary>
internal static partial class Emitter
{
    private static void EmitValidation(SourceWriter w, ObjectModel o)
    {
        var patterns = new List<string>();
        var locals = new LocalNames();
        w.Line("/// <summary>Checks the schema's constraints (bounds, lengths, patterns, item counts, enum values, required references).</summary>");
        w.Line("/// <returns><c>null</c> when valid; otherwise the first violation as <c>\"$.path: reason\"</c>.</returns>");
        w.Open("public string? Validate()");
        foreach (PropertyModel p in o.Properties.Where(p => p.ConstCSharp is null))
        {
            string path = "$" + PathSegment(p.JsonName);
            bool mayBeNull = p.IsNullable || !p.Type.IsCSharpValueType;
            if (!mayBeNull)
            {
                EmitChecks(w, p.Type, p.CSharpName, path, locals, patterns);
                continue;
            }
            bool nullIsViolation = p.IsRequired && !p.Type.AllowsNull;
            if (!NeedsChecks(p.Type))
            {
                if (nullIsViolation) w.Line($"if ({p.CSharpName} is null) return {Interpolated(path + ": required property is null")};");
                continue;
            }
            string v = locals.Next("v");
            w.Open($"if ({p.CSharpName} is {{ }} {v})");
            EmitChecks(w, p.Type, v, path, locals, patterns);
            w.Close();
            if (nullIsViolation) w.Line($"else return {Interpolated(path + ": required property is null")};");
        }
        w.Line("return null;");
        w.Close();
        w.Line();
        if (patterns.Count > 0)
        {
            // A holder class so the regexes are built on first validation, not when the type is first touched.
            w.Open("private static class ValidationPatterns");
            for (int i = 0; i < patterns.Count; i++)
                w.Line($"public static readonly global::System.Text.RegularExpressions.Regex P{i} = new({CSharpString(patterns[i])}, global::System.Text.RegularExpressions.RegexOptions.CultureInvariant, global::System.TimeSpan.FromSeconds(1));");
            w.Close();
            w.Line();
        }
    }

    private static bool NeedsChecks(TypeRef type)
        => !type.Constraints.IsEmpty || type.Kind is ValueKind.Object or ValueKind.Enum
           || (type.Kind is ValueKind.Array or ValueKind.Map && (NeedsChecks(type.Element!) || (!type.Element!.AllowsNull && !type.Element.IsCSharpValueType)));

    /// <summary>Checks a non-null value <paramref name="expr"/>; <paramref name="path"/> is interpolated-string text.</summary>
    private static void EmitChecks(SourceWriter w, TypeRef type, string expr, string path, LocalNames locals, List<string> patterns)
    {
        Constraints c = type.Constraints;
        void Bound(string? literal, string op, string words)
        {
            if (literal is not null) w.Line($"if (!({expr} {op} {literal})) return {Interpolated($"{path}: must be {words} {literal}")};");
        }
        Bound(c.Minimum, ">=", ">=");
        Bound(c.Maximum, "<=", "<=");
        Bound(c.ExclusiveMinimum, ">", ">");
        Bound(c.ExclusiveMaximum, "<", "<");
        if (c.MinLength is { } minLength)
            w.Line($"if ({EventValidation}.Length({expr}) < {minLength}) return {Interpolated($"{path}: must be at least {minLength} characters long")};");
        if (c.MaxLength is { } maxLength)
            w.Line($"if ({EventValidation}.Length({expr}) > {maxLength}) return {Interpolated($"{path}: must be at most {maxLength} characters long")};");
        if (c.Pattern is { } pattern)
        {
            patterns.Add(pattern);
            // The pattern is message text, not holes: its braces are doubled.
            w.Line($"if (!ValidationPatterns.P{patterns.Count - 1}.IsMatch({expr})) return {Interpolated($"{path}: must match the pattern {pattern.Replace("{", "{{").Replace("}", "}}")}")};");
        }

        switch (type.Kind)
        {
            case ValueKind.Enum:
                w.Line($"if (!global::System.Enum.IsDefined({expr})) return {Interpolated($"{path}: not a value of the schema's enum")};");
                break;
            case ValueKind.Object:
            {
                string e = locals.Next("e");
                w.Line($"if ({expr}.Validate() is {{ }} {e}) return {EventValidation}.Nest({Interpolated(path)}, {e});");
                break;
            }
            case ValueKind.Array:
            {
                string arr = locals.Next("a");
                w.Line($"var {arr} = {expr};");
                if (c.MinItems is { } minItems)
                    w.Line($"if ((({arr}.IsDefault) ? 0 : {arr}.Length) < {minItems}) return {Interpolated($"{path}: must have at least {minItems} items")};");
                if (c.MaxItems is { } maxItems)
                    w.Line($"if ((({arr}.IsDefault) ? 0 : {arr}.Length) > {maxItems}) return {Interpolated($"{path}: must have at most {maxItems} items")};");
                if (!NeedsElementChecks(type.Element!)) break;
                string i = locals.Next("i");
                w.Open($"for (int {i} = 0; !{arr}.IsDefault && {i} < {arr}.Length; {i}++)");
                EmitElementChecks(w, type.Element!, $"{arr}[{i}]", $"{path}[{{{i}}}]", locals, patterns);
                w.Close();
                break;
            }
            case ValueKind.Map:
            {
                if (!NeedsElementChecks(type.Element!)) break;
                string entry = locals.Next("kv");
                w.Open($"foreach (var {entry} in {expr})");
                EmitElementChecks(w, type.Element!, $"{entry}.Value", $"{path}['{{{entry}.Key}}']", locals, patterns);
                w.Close();
                break;
            }
        }
    }

    private static bool NeedsElementChecks(TypeRef element) => NeedsChecks(element) || (!element.AllowsNull && !element.IsCSharpValueType);

    private static void EmitElementChecks(SourceWriter w, TypeRef element, string expr, string path, LocalNames locals, List<string> patterns)
    {
        if (element.IsCSharpValueType && !element.AllowsNull)
        {
            EmitChecks(w, element, expr, path, locals, patterns);
            return;
        }
        string v = locals.Next("v");
        w.Open($"if ({expr} is {{ }} {v})");
        EmitChecks(w, element, v, path, locals, patterns);
        w.Close();
        if (!element.AllowsNull) w.Line($"else return {Interpolated(path + ": null is not allowed")};");
    }

    /// <summary>A C# interpolated string for <paramref name="text"/>, whose holes are already written as {expr}.</summary>
    private static string Interpolated(string text) => "$\"" + InterpolatedText(text) + "\"";

    private static string PathSegment(string name)
    {
        bool plain = name.Length > 0 && !char.IsDigit(name[0]) && name.All(ch => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_');
        return plain ? "." + name : "['" + name.Replace("'", "\\'").Replace("{", "{{").Replace("}", "}}") + "']";
    }
}
