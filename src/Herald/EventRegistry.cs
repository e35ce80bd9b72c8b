using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Herald;

/// <summary>The event types of a project (generated as <c>HeraldEvents.Registry</c>), looked up by name.</summary>
public sealed class EventRegistry
{
    private readonly Dictionary<string, EventDescriptor> _byName;
#if NET9_0_OR_GREATER
    private readonly Dictionary<string, EventDescriptor>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;
#else
    // .NET 8 has no span lookup on Dictionary (AlternateLookup is .NET 9+): SpanLookup finds a name by its ordinal hash
    // and compares the characters, allocating nothing either.
    private readonly SpanLookup _byNameSpan;
#endif

    /// <summary>Creates a registry; event types must be unique.</summary>
    public EventRegistry(IEnumerable<EventDescriptor> events)
    {
        All = events.ToImmutableArray();
        _byName = new Dictionary<string, EventDescriptor>(StringComparer.Ordinal);
        foreach (EventDescriptor e in All)
        {
            if (!_byName.TryAdd(e.EventType, e)) throw new ArgumentException($"Event type '{e.EventType}' is registered twice.", nameof(events));
        }
#if NET9_0_OR_GREATER
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
#else
        _byNameSpan = new SpanLookup(All);
#endif
    }

    /// <summary>
    /// Every event type generated in this application: each project with schemas registers its <c>HeraldEvents.Registry</c>
    /// when its assembly loads, and this merges them (the application's assemblies that reference Herald are loaded on
    /// first read). Used wherever no registry is given (<see cref="TelemetryOptions.Events"/> left null).
    /// </summary>
    /// <exception cref="InvalidOperationException">Two assemblies generate the same event type; the message names both.</exception>
    public static EventRegistry Registered => EventRegistration.Default.Merged();

    /// <summary>Adds a registry to <see cref="Registered"/>; generated module initializers call it. Registering one twice is harmless.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static void Register(EventRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        EventRegistration.Default.Register(registry);
    }

    /// <summary>One registry holding the events of several (e.g. the game's own and a shared event library's).</summary>
    /// <exception cref="ArgumentException">An event type is defined by more than one registry.</exception>
    public static EventRegistry Combine(params EventRegistry[] registries) => new(registries.SelectMany(r => r.All));

    /// <summary>Every registered event, in schema-file order.</summary>
    public ImmutableArray<EventDescriptor> All { get; }

    /// <summary>Finds an event by its type name.</summary>
    public bool TryGet(string eventType, out EventDescriptor descriptor) => _byName.TryGetValue(eventType, out descriptor!);

    /// <summary>Finds an event by its UTF-8 type name; allocates nothing for names up to 256 characters.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8EventType, out EventDescriptor descriptor)
    {
        const int StackLimit = 256;
        if (utf8EventType.Length > StackLimit) return _byName.TryGetValue(System.Text.Encoding.UTF8.GetString(utf8EventType), out descriptor!);
        Span<char> chars = stackalloc char[StackLimit];
        int count = System.Text.Encoding.UTF8.GetChars(utf8EventType, chars);
        return _byNameSpan.TryGetValue(chars.Slice(0, count), out descriptor!);
    }

#if !NET9_0_OR_GREATER
    /// <summary>
    /// The net8.0 build's stand-in for <c>Dictionary.AlternateLookup&lt;ReadOnlySpan&lt;char&gt;&gt;</c>: the names bucketed by
    /// <see cref="string.GetHashCode(ReadOnlySpan{char})"/>, then compared ordinally. Built once per registry; a lookup
    /// allocates nothing.
    /// </summary>
    private sealed class SpanLookup
    {
        private readonly Dictionary<int, EventDescriptor[]> _byHash = new();

        public SpanLookup(ImmutableArray<EventDescriptor> events)
        {
            foreach (EventDescriptor e in events)
            {
                int hash = string.GetHashCode(e.EventType.AsSpan());
                _byHash[hash] = _byHash.TryGetValue(hash, out EventDescriptor[]? same) ? [.. same, e] : [e];
            }
        }

        public bool TryGetValue(ReadOnlySpan<char> name, out EventDescriptor descriptor)
        {
            if (_byHash.TryGetValue(string.GetHashCode(name), out EventDescriptor[]? candidates))
            {
                foreach (EventDescriptor candidate in candidates)
                {
                    if (name.SequenceEqual(candidate.EventType)) { descriptor = candidate; return true; }
                }
            }
            descriptor = null!;
            return false;
        }
    }
#endif
}
