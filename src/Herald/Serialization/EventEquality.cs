using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Text.Json;

namespace Herald.Serialization;

/// <summary>
/// Content equality for generated records: arrays element by element (a default array equals an empty
/// one), maps by key and value regardless of order, free-form JSON by <see cref="JsonElement.DeepEquals"/>.
/// Hashes use only cheap parts (lengths, value kinds) so they stay consistent with equality.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventEquality
{
    /// <summary>Scalars, strings, enums and generated records.</summary>
    public static bool Equal<T>(T a, T b) => EqualityComparer<T>.Default.Equals(a, b);

    /// <summary>Free-form JSON.</summary>
    public static bool Equal(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Undefined || b.ValueKind == JsonValueKind.Undefined) return a.ValueKind == b.ValueKind;
        return JsonElement.DeepEquals(a, b);
    }

    /// <summary>Optional free-form JSON.</summary>
    public static bool Equal(JsonElement? a, JsonElement? b)
        => a.HasValue == b.HasValue && (!a.HasValue || Equal(a.GetValueOrDefault(), b.GetValueOrDefault()));

    /// <summary>Arrays, element by element.</summary>
    public static bool Equal<T>(ImmutableArray<T> a, ImmutableArray<T> b)
    {
        ImmutableArray<T> x = a.IsDefault ? ImmutableArray<T>.Empty : a;
        ImmutableArray<T> y = b.IsDefault ? ImmutableArray<T>.Empty : b;
        if (x.Length != y.Length) return false;
        for (int i = 0; i < x.Length; i++)
        {
            if (!ElementEqual(x[i], y[i])) return false;
        }
        return true;
    }

    /// <summary>Optional arrays.</summary>
    public static bool Equal<T>(ImmutableArray<T>? a, ImmutableArray<T>? b)
        => a.HasValue == b.HasValue && (!a.HasValue || Equal(a.GetValueOrDefault(), b.GetValueOrDefault()));

    /// <summary>Maps, by key and value.</summary>
    public static bool Equal<T>(ImmutableDictionary<string, T>? a, ImmutableDictionary<string, T>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.Count != b.Count) return false;
        foreach (KeyValuePair<string, T> entry in a)
        {
            if (!b.TryGetValue(entry.Key, out T? other) || !ElementEqual(entry.Value, other)) return false;
        }
        return true;
    }

    /// <summary>Hash of a scalar or record.</summary>
    public static int Hash<T>(T value) => value is null ? 0 : EqualityComparer<T>.Default.GetHashCode(value);

    /// <summary>Hash of free-form JSON: its kind only.</summary>
    public static int Hash(JsonElement value) => (int)value.ValueKind;

    /// <summary>Hash of optional free-form JSON.</summary>
    public static int Hash(JsonElement? value) => value.HasValue ? Hash(value.GetValueOrDefault()) : -1;

    /// <summary>Hash of an array: its length.</summary>
    public static int Hash<T>(ImmutableArray<T> value) => value.IsDefault ? 0 : value.Length;

    /// <summary>Hash of an optional array.</summary>
    public static int Hash<T>(ImmutableArray<T>? value) => value.HasValue ? Hash(value.GetValueOrDefault()) : -1;

    /// <summary>Hash of a map: its count.</summary>
    public static int Hash<T>(ImmutableDictionary<string, T>? value) => value?.Count ?? -1;

    private static bool ElementEqual<T>(T a, T b)
    {
        if (typeof(T) == typeof(JsonElement)) return Equal((JsonElement)(object)a!, (JsonElement)(object)b!);
        if (typeof(T) == typeof(JsonElement?)) return Equal((JsonElement?)(object?)a, (JsonElement?)(object?)b);
        // Nested arrays and maps (ImmutableArray<ImmutableArray<long>>, arrays of maps) compare by content too.
        if (a is IStructuralEquatable or IDictionary) return ContentComparer.Instance.Equals(a, b);
        return EqualityComparer<T>.Default.Equals(a, b);
    }

    /// <summary>Structural comparison of boxed nested collections; only used below the first level of nesting.</summary>
    private sealed class ContentComparer : IEqualityComparer
    {
        public static readonly ContentComparer Instance = new();

        public new bool Equals(object? x, object? y)
        {
            if (x is JsonElement jx && y is JsonElement jy) return Equal(jx, jy);
            if (x is IStructuralEquatable sx) return sx.Equals(y, this);
            if (x is IDictionary dx)
            {
                if (y is not IDictionary dy || dx.Count != dy.Count) return false;
                foreach (DictionaryEntry entry in dx)
                {
                    if (!dy.Contains(entry.Key) || !Equals(entry.Value, dy[entry.Key])) return false;
                }
                return true;
            }
            return object.Equals(x, y);
        }

        public int GetHashCode(object obj) => obj is ICollection c ? c.Count : obj.GetHashCode();
    }
}
