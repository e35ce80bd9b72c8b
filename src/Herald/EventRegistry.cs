using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Herald;

/// <summary>The event types of a project (generated as <c>HeraldEvents.Registry</c>), looked up by name.</summary>
public sealed class EventRegistry
{
    private readonly Dictionary<string, EventDescriptor> _byName;
    private readonly Dictionary<string, EventDescriptor>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;

    /// <summary>Creates a registry; event types must be unique.</summary>
    public EventRegistry(IEnumerable<EventDescriptor> events)
    {
        All = events.ToImmutableArray();
        _byName = new Dictionary<string, EventDescriptor>(StringComparer.Ordinal);
        foreach (EventDescriptor e in All)
        {
            if (!_byName.TryAdd(e.EventType, e)) throw new ArgumentException($"Event type '{e.EventType}' is registered twice.", nameof(events));
        }
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
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
}
