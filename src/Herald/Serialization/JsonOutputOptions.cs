using System;

namespace Herald.Serialization;

/// <summary>How a <see cref="JsonOutput"/> writes payloads; one byte, so an envelope sets all of them with one store.</summary>
[Flags]
internal enum JsonOutputOptions : byte
{
    /// <summary>Canonical output.</summary>
    None = 0,

    /// <summary><c>snapshot_normalizer</c>: free-form objects and maps with their keys in ordinal order.</summary>
    SortKeys = 1,

    /// <summary><c>legacy_aliases</c>: every field that declares <c>x-aliases</c> is also written under its first alias.</summary>
    LegacyAliases = 2,
}
