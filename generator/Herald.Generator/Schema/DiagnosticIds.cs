namespace Herald.Generator.Schema;

/// <summary>
/// Schema diagnostic IDs. Keep in sync with <see cref="DiagnosticDescriptors"/>, docs/diagnostics.md and
/// AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class DiagnosticIds
{
    public const string InvalidJson = "HER001";
    public const string UnsupportedKeyword = "HER002";
    public const string UnresolvedRef = "HER003";
    public const string DuplicateEventType = "HER004";
    public const string DuplicateMemberName = "HER005";
    public const string RequiredUndefined = "HER006";
    public const string InvalidName = "HER007";
    public const string InvalidKeywordValue = "HER008";
    /// <summary>Informational: a property's C# name was changed to avoid a generated member.</summary>
    public const string MemberRenamed = "HER009";
}
