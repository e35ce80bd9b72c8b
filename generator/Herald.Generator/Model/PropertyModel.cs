namespace Herald.Generator.Model;

/// <summary>Validation keywords for the generated <c>Validate</c> method. Numbers stay as schema literals.</summary>
internal sealed record Constraints(
    string? Minimum = null,
    string? Maximum = null,
    string? ExclusiveMinimum = null,
    string? ExclusiveMaximum = null,
    int? MinLength = null,
    int? MaxLength = null,
    string? Pattern = null,
    int? MinItems = null,
    int? MaxItems = null)
{
    public bool IsEmpty => this == new Constraints();
}

/// <summary>One property of a generated record, with everything the emitters need and nothing from Roslyn.</summary>
internal sealed record PropertyModel
{
    public required string JsonName { get; init; }
    public required string CSharpName { get; init; }
    public required TypeRef Type { get; init; }
    public required bool IsRequired { get; init; }
    public string? Description { get; init; }
    /// <summary>The schema's <c>examples</c>, each as compact JSON.</summary>
    public EquatableArray<string> Examples { get; init; } = EquatableArray<string>.Empty;
    /// <summary>Null when not deprecated; otherwise the <c>[Obsolete]</c> message.</summary>
    public string? DeprecatedMessage { get; init; }
    /// <summary>Legacy names accepted on read at the same level (<c>x-aliases</c>).</summary>
    public EquatableArray<string> Aliases { get; init; } = EquatableArray<string>.Empty;
    /// <summary>Legacy names at the event root (<c>x-aliases: ["/name"]</c>) that fill this nested field.</summary>
    public EquatableArray<string> RootAliases { get; init; } = EquatableArray<string>.Empty;
    /// <summary>A C# expression for a fixed value (<c>const</c>); the property is get-only.</summary>
    public string? ConstCSharp { get; init; }
    /// <summary>A C# expression for the value used when the property is absent (<c>default</c>).</summary>
    public string? DefaultCSharp { get; init; }
    public bool Redact { get; init; }

    /// <summary>Always written: required, constant or defaulted.</summary>
    public bool IsAlwaysWritten => IsRequired || ConstCSharp is not null || DefaultCSharp is not null;

    /// <summary>Whether the C# property type carries <c>?</c>.</summary>
    public bool IsNullable => Type.AllowsNull || (!IsRequired && DefaultCSharp is null && ConstCSharp is null);
}
