using System.Collections.Generic;
using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>
/// The tolerant reader: properties in any order, aliases, unknown properties skipped. Every accepted name
/// (canonical, alias, root alias) has its own "seen" bit, so a repeated name is an error while a legacy
/// alias next to its canonical name is not (the canonical value wins). Errors unwind through nested
/// readers, each adding its path segment.
/// </summary>
internal static partial class Emitter
{
    /// <summary>One accepted JSON name: a property's canonical name or alias, or a legacy root field (<see cref="Legacy"/>).</summary>
    private sealed record Slot(string JsonName, int PropertyIndex, bool IsCanonical, PropertyModel? Legacy = null);

    /// <summary>
    /// Where a nested field with a root alias gets its value when its object is absent: a legacy slot of its own,
    /// or a root property that already accepts that name.
    /// </summary>
    private sealed record LegacySource(PropertyModel Child, int OwnerIndex, int Slot, int FromProperty);

    private static void EmitReader(SourceWriter w, ObjectModel o, GenerationUnit unit)
    {
        List<LegacySource> legacy = new();
        List<Slot> slots = BuildSlots(o, unit, legacy);
        if (o.Event is not null) EmitReadEntryPoint(w, o);

        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Open($"public static {o.Name} ReadObject(ref {Utf8JsonReader} reader)");
        w.Line($"{JsonInput}.ExpectStartObject(ref reader);");
        for (int i = 0; i < o.Properties.Count; i++)
        {
            PropertyModel p = o.Properties[i];
            if (p.ConstCSharp is not null) continue;
            w.Line($"{Spell(p)} p{i} = {p.DefaultCSharp ?? "default!"};");
        }
        for (int s = 0; s < slots.Count; s++)
        {
            if (slots[s].Legacy is { } target) w.Line($"{Spell(target)} legacy{s} = default!;");
        }
        int words = (slots.Count + 63) / 64;
        for (int word = 0; word < words; word++) w.Line($"ulong seen{word} = 0;");

        w.Open("while (true)");
        w.Line($"{JsonInput}.Next(ref reader);");
        w.Line($"if (reader.TokenType == {JsonTokenType}.EndObject) break;");
        w.Line("int slot = -1;");
        for (int s = 0; s < slots.Count; s++)
            w.Line($"{(s == 0 ? "" : "else ")}if ({JsonStrings}.TextEquals(ref reader, {Utf8Literal(slots[s].JsonName)})) slot = {s};");
        w.Line($"{JsonInput}.Next(ref reader);");
        w.Open("try");
        w.Open("switch (slot)");
        for (int s = 0; s < slots.Count; s++) EmitSlotCase(w, o, slots, s);
        w.Line("default:");
        w.Line($"    {JsonInput}.Skip(ref reader);");
        w.Line("    break;");
        w.Close();
        w.Close();
        w.Open($"catch ({EventFormatException} ex) when (slot >= 0)");
        w.Line($"throw ex.InProperty(s_readNames[slot]);");
        w.Close();
        w.Close();

        EmitRootAliasSynthesis(w, o, slots, legacy);
        for (int i = 0; i < o.Properties.Count; i++)
        {
            PropertyModel p = o.Properties[i];
            if (!p.IsRequired || p.ConstCSharp is not null) continue;
            w.Line($"if ({AbsentTest(slots, i)}) throw {JsonInput}.Missing(ref reader, {CSharpString(p.JsonName)});");
        }
        string inits = string.Join(", ", o.Properties.Select((p, i) => (p, i)).Where(x => x.p.ConstCSharp is null).Select(x => $"{x.p.CSharpName} = p{x.i}"));
        w.Line($"return new {o.Name} {{ {inits} }};");
        w.Close();
        w.Line();

        w.Line($"private static readonly string[] s_readNames = {{ {string.Join(", ", slots.Select(s => CSharpString(s.JsonName)))} }};");
        w.Line();
    }

    private static List<Slot> BuildSlots(ObjectModel o, GenerationUnit unit, List<LegacySource> legacy)
    {
        var slots = new List<Slot>();
        for (int i = 0; i < o.Properties.Count; i++)
        {
            PropertyModel p = o.Properties[i];
            slots.Add(new Slot(p.JsonName, i, true));
            foreach (string alias in p.Aliases) slots.Add(new Slot(alias, i, false));
        }
        if (o.Event is null) return slots;
        // Root aliases live in the nested object's model but are read at the root.
        for (int i = 0; i < o.Properties.Count; i++)
        {
            foreach (PropertyModel child in NestedWithRootAliases(o.Properties[i], unit))
            {
                foreach (string alias in child.RootAliases)
                {
                    int existing = slots.FindIndex(x => x.JsonName == alias && x.Legacy is null);
                    if (existing >= 0)
                    {
                        legacy.Add(new LegacySource(child, i, -1, slots[existing].PropertyIndex));
                        continue;
                    }
                    slots.Add(new Slot(alias, -1, false, child));
                    legacy.Add(new LegacySource(child, i, slots.Count - 1, -1));
                }
            }
        }
        return slots;
    }

    /// <summary>Children of an inline nested object that carry root aliases (filled from legacy root fields).</summary>
    private static IEnumerable<PropertyModel> NestedWithRootAliases(PropertyModel rootProperty, GenerationUnit unit)
        => rootProperty.Type.Kind == ValueKind.Object
            ? unit.Objects.FirstOrDefault(x => x.Name == rootProperty.Type.TypeName)?.Properties.Where(c => c.RootAliases.Count > 0) ?? Enumerable.Empty<PropertyModel>()
            : Enumerable.Empty<PropertyModel>();

    private static void EmitSlotCase(SourceWriter w, ObjectModel o, List<Slot> slots, int s)
    {
        Slot slot = slots[s];
        string bit = Bit(s);
        w.Line($"case {s}:");
        using (w.Indent())
        {
            w.Line($"if ((seen{s / 64} & {bit}) != 0) throw {JsonInput}.Duplicate(ref reader);");
            w.Line($"seen{s / 64} |= {bit};");
            if (slot.Legacy is { } target)
            {
                w.Line($"legacy{s} = {ReadExpression(target.Type, nullable: target.Type.AllowsNull)};");
            }
            else
            {
                PropertyModel p = o.Properties[slot.PropertyIndex];
                string read = ReadExpression(p.Type, nullable: p.Type.AllowsNull);
                if (p.ConstCSharp is not null)
                    w.Line($"{JsonInput}.ExpectConstant(ref reader, {read}, {p.ConstCSharp});");
                else if (slot.IsCanonical)
                    w.Line($"p{slot.PropertyIndex} = {read};");
                else
                    w.Line($"if ((seen{s / 64} & {Bit(slots.FindIndex(x => x.PropertyIndex == slot.PropertyIndex && x.IsCanonical))}) == 0) p{slot.PropertyIndex} = {read}; else {JsonInput}.Skip(ref reader);");
            }
            w.Line("break;");
        }
    }

    /// <summary>When a nested object is absent but its legacy root fields are present, build it from them.</summary>
    private static void EmitRootAliasSynthesis(SourceWriter w, ObjectModel o, List<Slot> slots, List<LegacySource> legacy)
    {
        foreach (var owner in legacy.GroupBy(x => x.OwnerIndex))
        {
            var children = owner.GroupBy(x => x.Child).ToList();
            var conditions = new List<string> { AbsentTest(slots, owner.Key) };
            foreach (var child in children.Where(c => c.Key.IsRequired))
                conditions.Add("(" + string.Join(" || ", child.Select(x => SeenTest(slots, x))) + ")");
            w.Open($"if ({string.Join(" && ", conditions)})");
            var inits = children.Select(child =>
            {
                // The first source that was seen wins; an optional field with none stays at its default.
                string value = "default!";
                foreach (LegacySource source in child.Reverse())
                {
                    string from = source.Slot >= 0 ? $"legacy{source.Slot}" : $"p{source.FromProperty}";
                    if (source.Slot < 0 && o.Properties[source.FromProperty].IsNullable && !child.Key.IsNullable)
                        from = child.Key.Type.IsCSharpValueType ? from + ".GetValueOrDefault()" : from + "!";
                    value = $"{SeenTest(slots, source)} ? {from} : {value}";
                }
                return $"{child.Key.CSharpName} = {value}";
            });
            w.Line($"p{owner.Key} = new {o.Properties[owner.Key].Type.TypeName} {{ {string.Join(", ", inits)} }};");
            int canonical = slots.FindIndex(x => x.PropertyIndex == owner.Key && x.IsCanonical);
            w.Line($"seen{canonical / 64} |= {Bit(canonical)};");
            w.Close();
        }
    }

    private static string SeenTest(List<Slot> slots, LegacySource source)
        => source.Slot >= 0 ? $"(seen{source.Slot / 64} & {Bit(source.Slot)}) != 0" : $"!({AbsentTest(slots, source.FromProperty)})";

    /// <summary>A C# condition that is true when no accepted name of property <paramref name="index"/> was seen.</summary>
    private static string AbsentTest(List<Slot> slots, int index)
    {
        var parts = slots.Select((slot, s) => (slot, s)).Where(x => x.slot.PropertyIndex == index).Select(x => $"(seen{x.s / 64} & {Bit(x.s)}) == 0");
        return string.Join(" && ", parts);
    }

    private static string Bit(int slot) => $"0x{1UL << (slot % 64):X}UL";

    private static string ReadExpression(TypeRef type, bool nullable)
    {
        string read = type.Kind switch
        {
            ValueKind.String => $"{JsonInput}.ReadString(ref reader)",
            ValueKind.Int64 => $"{JsonInput}.ReadInt64(ref reader)",
            ValueKind.Int32 => $"{JsonInput}.ReadInt32(ref reader)",
            ValueKind.Double => $"{JsonInput}.ReadDouble(ref reader)",
            ValueKind.Single => $"{JsonInput}.ReadSingle(ref reader)",
            ValueKind.Boolean => $"{JsonInput}.ReadBoolean(ref reader)",
            ValueKind.DateTimeOffset => $"{JsonInput}.ReadDateTimeOffset(ref reader)",
            ValueKind.Guid => $"{JsonInput}.ReadGuid(ref reader)",
            ValueKind.Json => $"{JsonInput}.ReadJson(ref reader)",
            ValueKind.Enum => $"{type.TypeName}Json.Read(ref reader)",
            ValueKind.Object => $"{type.TypeName}.ReadObject(ref reader)",
            ValueKind.Array => $"{JsonInput}.ReadArray(ref reader, static (ref {Utf8JsonReader} reader) => {ReadExpression(type.Element!, type.Element!.AllowsNull)})",
            _ => $"{JsonInput}.ReadMap(ref reader, static (ref {Utf8JsonReader} reader) => {ReadExpression(type.Element!, type.Element!.AllowsNull)})",
        };
        return nullable ? $"reader.TokenType == {JsonTokenType}.Null ? default({Spell(type, true)}) : {read}" : read;
    }

    private static void EmitReadEntryPoint(SourceWriter w, ObjectModel o)
    {
        w.Line("/// <summary>Reads a payload; any problem is an <see cref=\"global::Herald.EventFormatException\"/> with its JSON path.</summary>");
        w.Open($"public static {o.Name} Read({ReadOnlyByteSpan} utf8)");
        w.Line($"var reader = new {Utf8JsonReader}(utf8, {JsonInput}.ReaderOptions);");
        w.Open("try");
        w.Line($"{JsonInput}.Next(ref reader);");
        w.Line($"{o.Name} value = ReadObject(ref reader);");
        w.Line($"{JsonInput}.ExpectEnd(ref reader);");
        w.Line("return value;");
        w.Close();
        w.Open($"catch (global::System.Exception ex) when (ex is not {EventFormatException})");
        w.Line($"throw {JsonInput}.Unexpected(ex, reader.BytesConsumed);");
        w.Close();
        w.Close();
        w.Line();
    }
}
