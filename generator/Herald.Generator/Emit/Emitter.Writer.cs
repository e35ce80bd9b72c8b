using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>
/// The serializer: raw UTF-8 into a <c>JsonOutput</c>, property names pre-encoded and fused with their
/// punctuation (<c>,"duration_ms":</c>), optional nulls omitted. Commas are decided at generation time
/// wherever an earlier property is always written; only a run of leading optional properties needs a flag.
/// </summary>
internal static partial class Emitter
{
    private static void EmitWriter(SourceWriter w, ObjectModel o, GenerationUnit unit)
    {
        string param = o.IsStruct ? $"in {o.Name} value" : $"{o.Name} value";
        if (o.Event is not null)
        {
            w.Line("/// <summary>Writes the payload as compact UTF-8 JSON; allocates nothing.</summary>");
            w.Open($"public static void Write({BufferWriter} output, in {o.Name} value)");
            w.Line($"var json = new {JsonOutput}(output);");
            w.Line("WriteObject(ref json, value);");
            w.Line("json.Complete();");
            w.Close();
            w.Line();
        }

        bool redactable = HasRedactableFields(o);
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Open($"public static void WriteObject(ref {JsonOutput} json, {param}" + (redactable ? ", ulong redact = 0UL)" : ")"));
        var locals = new LocalNames();
        int firstAlways = -1;
        for (int i = 0; i < o.Properties.Count; i++)
        {
            if (o.Properties[i].IsAlwaysWritten) { firstAlways = i; break; }
        }
        bool needsFlag = firstAlways != 0 && o.Properties.Count > 0;
        if (o.Properties.Count == 0) w.Line("json.WriteRaw(\"{}\"u8);");
        if (needsFlag)
        {
            w.Line("json.WriteByte((byte)'{');");
            w.Line("bool more = false;");
        }

        for (int i = 0; i < o.Properties.Count; i++)
        {
            PropertyModel p = o.Properties[i];
            string name = JsonString(p.JsonName) + ":";
            bool inFlagZone = needsFlag && (firstAlways < 0 || i <= firstAlways);
            string access = "value." + p.CSharpName;

            if (p.IsAlwaysWritten)
            {
                if (inFlagZone)
                {
                    w.Line("if (more) json.WriteByte((byte)',');");
                    w.Line($"json.WriteRaw({Utf8Literal(name)});");
                }
                else
                {
                    w.Line($"json.WriteRaw({Utf8Literal((i == 0 ? "{" : ",") + name)});");
                }
                if (p.ConstCSharp is null && (p.IsNullable || !p.Type.IsCSharpValueType))
                {
                    // Null written as null: a required nullable field, or a non-nullable reference the caller left null.
                    string v = locals.Next("v");
                    w.Open($"if ({access} is {{ }} {v})");
                    EmitPropertyValue(w, o, i, v, locals);
                    w.Close();
                    w.Line("else json.WriteNull();");
                }
                else
                {
                    EmitPropertyValue(w, o, i, access, locals);
                }
                EmitPlainAlias(w, o, i, locals);
            }
            else
            {
                string v = locals.Next("v");
                // An optional number that is NaN or infinite is left out, as if absent: JSON has no number for it.
                w.Open($"if ({access} is {{ }} {v}" + (IsStrictNumber(p.Type) ? $" && {FiniteTest(p.Type, v)})" : ")"));
                if (inFlagZone)
                {
                    w.Line("if (more) json.WriteByte((byte)',');");
                    w.Line("more = true;");
                    w.Line($"json.WriteRaw({Utf8Literal(name)});");
                }
                else
                {
                    w.Line($"json.WriteRaw({Utf8Literal("," + name)});");
                }
                EmitPropertyValue(w, o, i, v, locals);
                w.Close();
                EmitPlainAlias(w, o, i, locals);
            }
        }
        EmitRootAliases(w, o, unit, locals);
        if (o.Properties.Count > 0) w.Line("json.WriteByte((byte)'}');");
        w.Close();
        w.Line();
    }

    /// <summary>A top-level property's value; redactable ones write the mask instead when their bit is set.</summary>
    private static void EmitPropertyValue(SourceWriter w, ObjectModel o, int index, string expr, LocalNames locals)
    {
        PropertyModel p = o.Properties[index];
        if (!IsRedactable(o, index))
        {
            EmitValue(w, p.Type, expr, locals);
            return;
        }
        w.Line($"if ((redact & {FieldBit(index)}) != 0) json.WriteRaw({Utf8Literal(JsonString(RedactedMarker))});");
        w.Open("else");
        EmitValue(w, p.Type, expr, locals);
        w.Close();
    }

    /// <summary>Writes the value of <paramref name="expr"/> (non-null) of type <paramref name="type"/>.</summary>
    private static void EmitValue(SourceWriter w, TypeRef type, string expr, LocalNames locals)
    {
        switch (type.Kind)
        {
            case ValueKind.String: w.Line($"json.WriteString({expr});"); break;
            case ValueKind.Int64: w.Line($"json.WriteInt64({expr});"); break;
            case ValueKind.Int32: w.Line($"json.WriteInt32({expr});"); break;
            // NaN and infinities: null where the schema allows it; elsewhere the writer refuses them (NonFiniteNumber rejects first).
            case ValueKind.Double: w.Line(type.AllowsNull ? $"json.WriteDoubleOrNull({expr});" : $"json.WriteDouble({expr});"); break;
            case ValueKind.Single: w.Line(type.AllowsNull ? $"json.WriteSingleOrNull({expr});" : $"json.WriteSingle({expr});"); break;
            case ValueKind.Boolean: w.Line($"json.WriteBoolean({expr});"); break;
            case ValueKind.DateTimeOffset: w.Line($"json.WriteDateTimeOffset({expr});"); break;
            case ValueKind.Guid: w.Line($"json.WriteGuid({expr});"); break;
            case ValueKind.Json: w.Line($"json.WriteJson({expr});"); break;
            case ValueKind.Enum: w.Line($"json.WriteRaw({type.TypeName}Json.Utf8({expr}));"); break;
            case ValueKind.Object: w.Line($"{type.TypeName}.WriteObject(ref json, {expr});"); break;
            case ValueKind.Array:
            {
                string arr = locals.Next("a");
                string i = locals.Next("i");
                w.Line($"var {arr} = {expr};");
                w.Line("json.WriteByte((byte)'[');");
                w.Open($"if (!{arr}.IsDefault)");
                w.Open($"for (int {i} = 0; {i} < {arr}.Length; {i}++)");
                w.Line($"if ({i} > 0) json.WriteByte((byte)',');");
                EmitElement(w, type.Element!, $"{arr}[{i}]", locals);
                w.Close();
                w.Close();
                w.Line("json.WriteByte((byte)']');");
                break;
            }
            case ValueKind.Map:
            {
                string entry = locals.Next("e");
                string first = locals.Next("first");
                w.Line("json.WriteByte((byte)'{');");
                w.Line($"bool {first} = true;");
                w.Open($"foreach (var {entry} in json.Entries({expr}))");
                w.Line($"if (!{first}) json.WriteByte((byte)',');");
                w.Line($"{first} = false;");
                w.Line($"json.WriteString({entry}.Key);");
                w.Line("json.WriteByte((byte)':');");
                EmitElement(w, type.Element!, $"{entry}.Value", locals);
                w.Close();
                w.Line("json.WriteByte((byte)'}');");
                break;
            }
        }
    }

    private static void EmitElement(SourceWriter w, TypeRef element, string expr, LocalNames locals)
    {
        if (!element.AllowsNull && element.IsCSharpValueType)
        {
            EmitValue(w, element, expr, locals);
            return;
        }
        string v = locals.Next("v");
        w.Open($"if ({expr} is {{ }} {v})");
        EmitValue(w, element, v, locals);
        w.Close();
        w.Line("else json.WriteNull();");
    }

    private static void EmitEnumJson(SourceWriter w, EnumModel e)
    {
        w.Line($"/// <summary>JSON names of <see cref=\"{e.Name}\"/>.</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line($"[{GeneratedCode}(\"{GeneratorName}\", \"{GeneratorVersion}\")]");
        w.Open($"public static class {e.Name}Json");
        EmitEnumSwitch(w, e, "/// <summary>The JSON string (with quotes) for a value.</summary>", $"{ReadOnlyByteSpan} Utf8", m => Utf8Literal(JsonString(m.JsonValue)));
        EmitEnumSwitch(w, e, "/// <summary>The JSON name of a value.</summary>", "string Name", m => CSharpString(m.JsonValue));
        w.Line("/// <summary>Reads a value; anything else is an <see cref=\"global::Herald.EventFormatException\"/>.</summary>");
        w.Open($"public static {e.Name} Read(ref {Utf8JsonReader} reader)");
        w.Line($"{JsonInput}.ExpectString(ref reader);");
        foreach (EnumMemberModel m in e.Members)
            w.Line($"if ({JsonStrings}.TextEquals(ref reader, {Utf8Literal(m.JsonValue)})) return {e.Name}.{m.CSharpName};");
        w.Line($"throw {JsonInput}.Invalid(ref reader, {CSharpString("expected one of " + string.Join(", ", e.Members.Select(m => m.JsonValue)))});");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>A <c>value switch</c> mapping each enum member to an expression; undefined values throw.</summary>
    private static void EmitEnumSwitch(SourceWriter w, EnumModel e, string doc, string signature, System.Func<EnumMemberModel, string> result)
    {
        w.Line(doc);
        w.Line($"public static {signature}({e.Name} value) => value switch");
        w.Line("{");
        using (w.Indent())
        {
            foreach (EnumMemberModel m in e.Members) w.Line($"{e.Name}.{m.CSharpName} => {result(m)},");
            w.Line("_ => throw new global::System.ArgumentOutOfRangeException(nameof(value), value, \"not a value of the schema's enum\"),");
        }
        w.Line("};");
        w.Line();
    }

    /// <summary>Unique local names within one emitted method.</summary>
    private sealed class LocalNames
    {
        private int _next;

        public string Next(string prefix) => prefix + (_next++).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
