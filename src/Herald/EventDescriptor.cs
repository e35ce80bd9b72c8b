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
        ImmutableArray<string> fields, ImmutableArray<string> redactedFields, ImmutableArray<string> redactableFields, BoxedEventReader read, string? kind)
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

    /// <summary>Reads a payload into a boxed instance of <see cref="ClrType"/>; throws <see cref="EventFormatException"/>.</summary>
    public BoxedEventReader ReadBoxed { get; }

    /// <summary>Builds the descriptor of a generated event (called by the generated registry).</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static EventDescriptor Create<TEvent>(string? priority, string? source, string[] fields, string[] redactedFields, string[] redactableFields, string? kind = null)
        where TEvent : IEvent<TEvent>
        => new(TEvent.EventType, TEvent.SchemaVersion, priority, source, typeof(TEvent),
            fields.ToImmutableArray(), redactedFields.ToImmutableArray(), redactableFields.ToImmutableArray(), static utf8 => TEvent.Read(utf8), kind);

    /// <inheritdoc />
    public override string ToString() => $"{EventType} v{Version} ({ClrType.Name})";
}
