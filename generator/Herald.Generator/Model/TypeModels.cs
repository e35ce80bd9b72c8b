namespace Herald.Generator.Model;

/// <summary>The event-level metadata of a root schema (<c>x-event</c>, <c>x-version</c>, <c>x-priority</c>, <c>x-source</c>, <c>x-kind</c>).</summary>
internal sealed record EventInfo(string EventType, string Version, string? Priority, string? Source, string? Kind = null);

/// <summary>
/// A generated record. Root schemas carry <see cref="Event"/>; nested objects and <c>$defs</c> entries do not.
/// </summary>
internal sealed record ObjectModel
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The schema's <c>examples</c>, each as compact JSON.</summary>
    public EquatableArray<string> Examples { get; init; } = EquatableArray<string>.Empty;
    public bool IsStruct { get; init; }
    public EventInfo? Event { get; init; }
    public string? DeprecatedMessage { get; init; }
    public required EquatableArray<PropertyModel> Properties { get; init; }
}

internal sealed record EnumMemberModel(string JsonValue, string CSharpName);

/// <summary>A C# enum generated from a string <c>enum</c>.</summary>
internal sealed record EnumModel(string Name, string? Description, EquatableArray<EnumMemberModel> Members);

/// <summary>One generated source file: the types of one schema file, in the consumer's namespace.</summary>
internal sealed record GenerationUnit
{
    public required string HintName { get; init; }
    public required string Namespace { get; init; }
    public required string SourceFile { get; init; }
    public required EquatableArray<ObjectModel> Objects { get; init; }
    public required EquatableArray<EnumModel> Enums { get; init; }
}

/// <summary>The per-project registry: every valid event with its metadata.</summary>
internal sealed record RegistryModel(string Namespace, EquatableArray<RegistryEntry> Events);

/// <summary>One event of the registry. <paramref name="DoubleFields"/>: payload paths of its schema-<c>number</c> values.</summary>
internal sealed record RegistryEntry(string TypeName, EventInfo Event, EquatableArray<string> Fields, EquatableArray<string> RedactedFields, EquatableArray<string> RedactableFields, EquatableArray<string> DoubleFields);

/// <summary>
/// An event whose schema has errors. The generator emits an empty type of that name marked
/// <c>[Obsolete(error: true)]</c> carrying the schema diagnostic, because the compiler does not run analyzers
/// once a compilation has errors: without it, a broken schema would surface only as "type not found".
/// </summary>
internal sealed record Placeholder(string Namespace, string TypeName, string HintName, string SourceFile, SchemaDiagnostic? Cause, string? FailedDependency);
