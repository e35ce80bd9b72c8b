namespace Herald.Generator;

/// <summary>Names of the generator's pipeline steps, so tests can assert what was cached.</summary>
internal static class TrackingNames
{
    public const string SchemaFiles = nameof(SchemaFiles);
    public const string Namespace = nameof(Namespace);
    public const string Compiled = nameof(Compiled);
    public const string Units = nameof(Units);
    public const string Registry = nameof(Registry);
    public const string Placeholders = nameof(Placeholders);
}
