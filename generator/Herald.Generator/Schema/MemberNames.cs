using System.Collections.Generic;
using System.Text.RegularExpressions;
using Herald.Generator.Model;

namespace Herald.Generator.Schema;

/// <summary>
/// Which C# names a property of a generated record cannot take, and the name it gets instead. A name derived
/// from the JSON name that collides is renamed (<c>write</c> → <c>WriteField</c>, then <c>WriteField2</c>, ...)
/// and reported as HER009; an explicit <c>x-csharp-name</c> that collides is an error (HER007).
/// </summary>
internal static class MemberNames
{
    /// <summary>
    /// Members of generated records (see Emit/*.cs), those the compiler synthesizes for records, inherited ones the
    /// generated code calls unqualified (<c>ReferenceEquals</c>) or a property would hide, and the nested
    /// <c>ValidationPatterns</c> class. One set for events, nested records and structs, so a name means the same
    /// everywhere.
    /// </summary>
    public static readonly HashSet<string> Generated = new()
    {
        "EventType", "EventTypeUtf8", "SchemaVersion", "Write", "Read", "WriteObject", "ReadObject", "Validate",
        "HasFiniteChecks", "NonFiniteNumber",
        "Equals", "GetHashCode", "ToString", "EqualityContract", "PrintMembers", "Deconstruct", "Clone",
        "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "ValidationPatterns", "s_readNames",
    };

    /// <summary>Parameters and locals of generated members that read properties by their simple name (Equals, GetHashCode, Validate).</summary>
    private static readonly Regex Local = new("^(other|hash|(v|e|a|i|kv)[0-9]+)$", RegexOptions.CultureInvariant);

    /// <summary>Why <paramref name="name"/> cannot be a property of <paramref name="ownerType"/>, or null when it can.</summary>
    public static string? Conflict(string name, string ownerType)
        => Generated.Contains(name) ? "is a generated member"
            : name == ownerType ? "is the name of its type"
            : Local.IsMatch(name) ? "is a local of the generated code"
            : null;

    /// <summary>
    /// The first of <c>{name}Field</c>, <c>{name}Field2</c>, <c>{name}Field3</c>, ... that is neither a generated member,
    /// nor the type's name, nor in <paramref name="taken"/> (the names the object's other properties ask for).
    /// </summary>
    public static string Rename(string name, string ownerType, ICollection<string> taken)
    {
        for (int n = 1; ; n++)
        {
            string candidate = name + "Field" + (n == 1 ? "" : n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Conflict(candidate, ownerType) is null && !taken.Contains(candidate)) return candidate;
        }
    }

    /// <summary>
    /// Types the record's code names in expressions (<c>T.ReadObject</c>, <c>TJson.Read</c>, and <c>T.Member</c> for an
    /// enum <c>const</c>/<c>default</c>): a property of that name would be found instead, unless it is of exactly that
    /// type (C#'s "Color Color" rule). Declarations name types too, but there C# looks up only types.
    /// </summary>
    public static HashSet<string> TypesNamedInCode(IEnumerable<PropertyModel> properties)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (PropertyModel p in properties)
        {
            AddTypes(p.Type, names);
            if (p.Type.Kind == ValueKind.Enum && (p.ConstCSharp ?? p.DefaultCSharp) is not null) names.Add(p.Type.TypeName!);
        }
        return names;
    }

    /// <summary>Whether <paramref name="p"/>'s name can coexist with a type of the same name used in the record's code.</summary>
    public static bool IsOfTypeNamedLikeIt(PropertyModel p)
        => p.Type.Kind is ValueKind.Object or ValueKind.Enum && p.Type.TypeName == p.CSharpName && !(p.IsNullable && p.Type.IsCSharpValueType);

    private static void AddTypes(TypeRef type, HashSet<string> names)
    {
        if (type.Kind is ValueKind.Object) names.Add(type.TypeName!);
        if (type.Kind is ValueKind.Enum) names.Add(type.TypeName + "Json");
        if (type.Element is { } element) AddTypes(element, names);
    }
}
