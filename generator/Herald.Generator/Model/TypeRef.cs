namespace Herald.Generator.Model;

/// <summary>What a schema value maps to in C#. Scalar kinds map to BCL types; the rest name generated types.</summary>
internal enum ValueKind
{
    String,
    Int64,
    Int32,
    Double,
    Single,
    Boolean,
    DateTimeOffset,
    Guid,
    /// <summary>A generated record (nested object, <c>$defs</c> entry or another event).</summary>
    Object,
    /// <summary>A generated C# enum from a string <c>enum</c>.</summary>
    Enum,
    /// <summary><c>ImmutableArray&lt;Element&gt;</c>.</summary>
    Array,
    /// <summary><c>ImmutableDictionary&lt;string, Element&gt;</c> from <c>additionalProperties: {schema}</c>.</summary>
    Map,
    /// <summary>Free-form JSON (<c>{}</c>, <c>additionalProperties: true</c>): <c>JsonElement</c>.</summary>
    Json,
}

/// <summary>
/// A value's C# type. <see cref="TypeName"/> is the simple name of a generated type (all generated types
/// live in one namespace); <see cref="Element"/> is the item type of arrays and maps.
/// <see cref="AllowsNull"/> is true when the schema's type is a union with <c>null</c>.
/// <see cref="IsValueType"/> is true for generated <c>record struct</c> events used as property types.
/// </summary>
internal sealed record TypeRef(ValueKind Kind, bool AllowsNull = false, string? TypeName = null, TypeRef? Element = null, bool IsValueType = false)
{
    /// <summary>Validation keywords of this schema (bounds, lengths, pattern, item counts), enforced by <c>Validate()</c>.</summary>
    public Constraints Constraints { get; init; } = new();

    public TypeRef WithNull(bool allowsNull) => this with { AllowsNull = allowsNull };

    /// <summary>True for C# value types: nullability is written <c>T?</c> as <c>Nullable&lt;T&gt;</c>.</summary>
    public bool IsCSharpValueType => Kind switch
    {
        ValueKind.String or ValueKind.Map => false,
        ValueKind.Object => IsValueType,
        _ => true,
    };
}
