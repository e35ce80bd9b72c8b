using System;
using System.ComponentModel;

namespace Herald;

/// <summary>
/// Put on every generated event type: its top-level JSON field names in schema order and those that can be redacted.
/// Lets build-time tools (the HER201 analyzer checking <c>telemetry.yaml</c>) see the fields without running code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class EventFieldsAttribute(string[] fields, string[] redactable) : Attribute
{
    /// <summary>Top-level JSON field names, in schema order.</summary>
    public string[] Fields { get; } = fields;

    /// <summary>Fields that <c>redact_fields</c> may name: string and free-form fields among the first 64.</summary>
    public string[] Redactable { get; } = redactable;

    /// <summary>The schema's <c>x-kind</c>: the group of events (e.g. <c>snapshot</c>) transforms may name instead of each event type.</summary>
    public string? Kind { get; init; }
}
