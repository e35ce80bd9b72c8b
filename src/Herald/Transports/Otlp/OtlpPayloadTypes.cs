using System;
using System.Collections.Generic;
using System.Text;

namespace Herald.Transports.Otlp;

/// <summary>
/// What the otlp encoders know about each event type from the registry: which payload paths hold schema <c>number</c>
/// values (written as <c>double_value</c> even when the JSON text is <c>2</c>) and the severity of its
/// <c>x-priority</c>. Looked up by the envelope's UTF-8 <c>type</c> without allocating.
/// </summary>
internal sealed class OtlpPayloadTypes
{
    private readonly EventRegistry? _registry;
    private readonly Dictionary<EventDescriptor, EventInfo> _byDescriptor = new(ReferenceEqualityComparer.Instance);

    /// <summary>Types from <paramref name="registry"/> (none: every type is unknown, numbers typed by their text).</summary>
    /// <param name="registry">The project's events.</param>
    /// <param name="doubleFields">The double paths of a descriptor: its <see cref="EventDescriptor.DoubleFields"/> unless a test gives its own.</param>
    public OtlpPayloadTypes(EventRegistry? registry, Func<EventDescriptor, IReadOnlyList<string>>? doubleFields = null)
    {
        _registry = registry;
        if (registry is null) return;
        doubleFields ??= static descriptor => descriptor.DoubleFields;
        foreach (EventDescriptor descriptor in registry.All) _byDescriptor[descriptor] = new EventInfo(descriptor.Priority, doubleFields(descriptor));
    }

    /// <summary>The event type's information; <see cref="EventInfo.Unknown"/> for a type the registry does not have.</summary>
    public EventInfo Find(ReadOnlySpan<byte> utf8EventType)
        => _registry is not null && _registry.TryGet(utf8EventType, out EventDescriptor descriptor) && _byDescriptor.TryGetValue(descriptor, out EventInfo? info) ? info : EventInfo.Unknown;

    /// <summary>One event type: its priority's severity and its double paths.</summary>
    internal sealed class EventInfo
    {
        public static readonly EventInfo Unknown = new(null, Array.Empty<string>());

        private readonly byte[][] _doublePaths;
        private readonly byte[][] _prefixes;

        public EventInfo(string? priority, IReadOnlyList<string> doublePaths)
        {
            SeverityNumber = OtlpSeverity.FromPriority(priority);
            SeverityText = OtlpSeverity.PriorityText(priority);
            var paths = new List<byte[]>();
            var prefixes = new HashSet<string>(StringComparer.Ordinal);
            foreach (string path in doublePaths)
            {
                paths.Add(Encoding.UTF8.GetBytes(path));
                for (int i = 1; i < path.Length; i++)
                {
                    if (path[i] is '.' or '[' or '{') prefixes.Add(path.Substring(0, i));
                }
            }
            _doublePaths = paths.ToArray();
            _prefixes = Array.ConvertAll(new List<string>(prefixes).ToArray(), p => Encoding.UTF8.GetBytes(p));
        }

        public int SeverityNumber { get; }

        /// <summary>The priority as UTF-8; empty when the schema has none.</summary>
        public byte[] SeverityText { get; }

        /// <summary>Whether any path is typed: when not, the encoders do not track paths at all.</summary>
        public bool HasDoublePaths => _doublePaths.Length > 0;

        /// <summary>Whether a number at <paramref name="path"/> is a schema <c>number</c>.</summary>
        public bool IsDouble(ReadOnlySpan<byte> path) => Contains(_doublePaths, path);

        /// <summary>Whether <paramref name="path"/> is a double path or leads to one (worth tracking below).</summary>
        public bool Leads(ReadOnlySpan<byte> path) => Contains(_doublePaths, path) || Contains(_prefixes, path);

        private static bool Contains(byte[][] set, ReadOnlySpan<byte> path)
        {
            foreach (byte[] candidate in set)
            {
                if (path.SequenceEqual(candidate)) return true;
            }
            return false;
        }
    }
}
