using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>
/// Value equality that means equal content: records compare arrays, maps and free-form JSON by content,
/// not by reference. <c>ToString</c> of an event is its JSON.
/// </summary>
internal static partial class Emitter
{
    private static void EmitEquality(SourceWriter w, ObjectModel o)
    {
        var compared = o.Properties.Where(p => p.ConstCSharp is null).ToList();
        string parameter = o.IsStruct ? $"{o.Name} other" : $"{o.Name}? other";
        w.Line("/// <summary>True when every field has equal content (arrays, maps and JSON compared element by element).</summary>");
        w.Open($"public bool Equals({parameter})");
        if (!o.IsStruct)
        {
            w.Line("if (ReferenceEquals(this, other)) return true;");
            w.Line("if (other is null) return false;");
        }
        if (compared.Count == 0) w.Line("return true;");
        for (int i = 0; i < compared.Count; i++)
        {
            PropertyModel p = compared[i];
            string test = $"{EventEquality}.Equal({p.CSharpName}, other.{p.CSharpName})";
            w.Line((i == 0 ? "return " : "    && ") + test + (i == compared.Count - 1 ? ";" : ""));
        }
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open("public override int GetHashCode()");
        w.Line($"var hash = new {HashCode}();");
        foreach (PropertyModel p in compared) w.Line($"hash.Add({EventEquality}.Hash({p.CSharpName}));");
        w.Line("return hash.ToHashCode();");
        w.Close();
        w.Line();
        if (o.Event is not null)
        {
            w.Line("/// <summary>The payload as compact JSON, as <see cref=\"Write\"/> produces it (or why it has none: a NaN in a required number).</summary>");
            w.Line($"public override string ToString() => {EventJson}.ToDisplayString(this);");
            w.Line();
        }
    }
}
