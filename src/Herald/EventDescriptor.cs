using System;
using System.Collections.Immutable;
using System.Text;

namespace Herald;

/// <summary>Reads a payload of a type known only at run time.</summary>
public delegate object BoxedEventReader(ReadOnlySpan<byte> utf8);

/// <summary>One event type of a project: its schema metadata and a reader that needs no static type.</summary>
public sealed class EventDescriptor
{
    private EventDescriptor(string eventType, string version, string? priority, string? source, Type clrType,
        ImmutableArray<string> fields, ImmutableArray<string> redactedFields, ImmutableArray<string> redactableFields, BoxedEventReader read, string? kind,
        ImmutableArray<string> doubleFields)
    {
        EventType = eventType;
        EventTypeUtf8 = Encoding.UTF8.GetBytes(eventType).ToImmutableArray();
        Version = version;
        Priority = priority;
        Source = source;
        ClrType = clrType;
        Fields = fields;
        RedactedFields = redactedFields;
        RedactableFields = redactableFields;
        ReadBoxed = read;
        Kind = kind;
        DoubleFields = doubleFields;
    }

    /// <summary>The event type, e.g. <c>loop.tick</c>.</summary>
    public string EventType { get; }

    /// <summary>The event type as UTF-8.</summary>
    public ImmutableArray<byte> EventTypeUtf8 { get; }

    /// <summary>The schema's <c>x-version</c> (default <c>1.0</c>).</summary>
    public string Version { get; }

    /// <summary>The schema's <c>x-priority</c> (low, medium, high, critical), if any.</summary>
    public string? Priority { get; }

    /// <summary>The schema's <c>x-source</c>, if any.</summary>
    public string? Source { get; }

    /// <summary>
    /// The schema's <c>x-kind</c>, if any: the group this event belongs to (e.g. <c>snapshot</c>, <c>diff</c>). Transforms'
    /// <c>kinds</c> and <c>required_fields_by_kind</c> may name a kind instead of each of its event types.
    /// </summary>
    public string? Kind { get; }

    /// <summary>The generated type.</summary>
    public Type ClrType { get; }

    /// <summary>JSON names of the payload's top-level fields, in schema order.</summary>
    public ImmutableArray<string> Fields { get; }

    /// <summary>Top-level fields marked <c>x-redact</c>.</summary>
    public ImmutableArray<string> RedactedFields { get; }

    /// <summary>Top-level fields that can be redacted: string and free-form fields among the first 64.</summary>
    public ImmutableArray<string> RedactableFields { get; }

    /// <summary>
    /// Paths, within the payload, of every value whose schema type is <c>number</c> (C# <see cref="double"/> or
    /// <see cref="float"/>), so a reader of the JSON text can tell a double written <c>2</c> from an integer.
    /// Property names are joined by <c>.</c>; <c>[]</c> follows an array's name for its items and <c>{}</c> a map's name
    /// for its values: <c>duration_ms</c>, <c>stats.mean</c>, <c>samples[]</c>, <c>weights{}</c>, <c>zones[].area</c>,
    /// <c>matrix[][]</c>. A recursive type is not entered again inside itself, and paths stop 16 records below the event;
    /// free-form JSON values have no paths.
    /// </summary>
    public ImmutableArray<string> DoubleFields { get; }

    /// <summary>Reads a payload into a boxed instance of <see cref="ClrType"/>; throws <see cref="EventFormatException"/>.</summary>
    public BoxedEventReader ReadBoxed { get; }

    /// <summary>Builds the descriptor of a generated event (called by the generated registry).</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static EventDescriptor Create<TEvent>(string? priority, string? source, string[] fields, string[] redactedFields, string[] redactableFields, string? kind = null, string[]? doubleFields = null)
        where TEvent : IEvent<TEvent>
        => new(TEvent.EventType, TEvent.SchemaVersion, priority, source, typeof(TEvent),
            fields.ToImmutableArray(), redactedFields.ToImmutableArray(), redactableFields.ToImmutableArray(), static utf8 => TEvent.Read(utf8), kind,
            doubleFields is null ? ImmutableArray<string>.Empty : doubleFields.ToImmutableArray());

    /// <summary>
    /// The signature event libraries compiled against an earlier Herald call: kept so they still load. Without a
    /// default for <paramref name="kind"/> it wins only over calls that pass every argument, which it serves the same.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static EventDescriptor Create<TEvent>(string? priority, string? source, string[] fields, string[] redactedFields, string[] redactableFields, string? kind)
        where TEvent : IEvent<TEvent>
        => Create<TEvent>(priority, source, fields, redactedFields, redactableFields, kind, doubleFields: null);

    /// <inheritdoc />
    public override string ToString() => $"{EventType} v{Version} ({ClrType.Name})";
}
