using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.ComponentModel;

namespace Herald.Serialization;

/// <summary>
/// The entries of a map as generated writers enumerate them: in the map's own order, or sorted by key (ordinal)
/// under <c>snapshot_normalizer</c>. A struct enumerable, so the unsorted path allocates nothing.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct MapEntries<TValue>
{
    private readonly ImmutableDictionary<string, TValue> _map;
    private readonly bool _sorted;

    internal MapEntries(ImmutableDictionary<string, TValue> map, bool sorted)
    {
        _map = map;
        _sorted = sorted;
    }

    /// <summary>Starts the enumeration.</summary>
    public Enumerator GetEnumerator() => new(_map, _sorted);

    /// <summary>Enumerates either the map directly or a sorted copy of its entries.</summary>
    public struct Enumerator : IDisposable
    {
        private readonly KeyValuePair<string, TValue>[]? _sorted;
        private ImmutableDictionary<string, TValue>.Enumerator _inner;
        private int _index;

        internal Enumerator(ImmutableDictionary<string, TValue> map, bool sorted)
        {
            _inner = map.GetEnumerator();
            _index = -1;
            _sorted = null;
            if (sorted)
            {
                _sorted = new KeyValuePair<string, TValue>[map.Count];
                int i = 0;
                foreach (KeyValuePair<string, TValue> pair in map) _sorted[i++] = pair;
                Array.Sort(_sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            }
        }

        /// <summary>The current entry.</summary>
        public readonly KeyValuePair<string, TValue> Current => _sorted is null ? _inner.Current : _sorted[_index];

        /// <summary>Moves to the next entry.</summary>
        public bool MoveNext() => _sorted is null ? _inner.MoveNext() : ++_index < _sorted.Length;

        /// <summary>Returns the map enumerator's pooled state.</summary>
        public void Dispose() => _inner.Dispose();
    }
}
