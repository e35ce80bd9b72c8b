using System;
using System.Buffers;

namespace Herald;

/// <summary>
/// The contract every generated event implements. Members are static abstract so generic code
/// (<c>Emit&lt;TEvent&gt;</c>, transports, the registry) reaches the serializer without boxing or virtual calls.
/// </summary>
/// <typeparam name="TSelf">The generated event type itself.</typeparam>
public interface IEvent<TSelf> where TSelf : IEvent<TSelf>
{
    /// <summary>The event type string, e.g. <c>loop.tick</c> (the schema's <c>x-event</c>).</summary>
    static abstract string EventType { get; }

    /// <summary>The event type as UTF-8 bytes, for writers that never touch UTF-16.</summary>
    static abstract ReadOnlySpan<byte> EventTypeUtf8 { get; }

    /// <summary>The schema's <c>x-version</c>, or <c>"1.0"</c> when the schema gives none.</summary>
    static abstract string SchemaVersion { get; }

    /// <summary>The schema's <c>x-source</c> (the envelope's <c>source</c>), or null when the schema gives none.</summary>
    static abstract string? SchemaSource { get; }

    /// <summary>Writes the payload as compact UTF-8 JSON. Allocates nothing when <paramref name="output"/> has room.</summary>
    static abstract void Write(IBufferWriter<byte> output, in TSelf value);

    /// <summary>Writes the payload into a writer that is already open, e.g. inside an envelope.</summary>
    /// <param name="json">The open writer.</param>
    /// <param name="value">The event.</param>
    /// <param name="redactions">Top-level fields (bit i = field i in schema order) written as <c>"[REDACTED]"</c>
    /// instead of their value; only string and free-form fields can be masked, other bits are ignored.</param>
    static abstract void WritePayload(ref Serialization.JsonOutput json, in TSelf value, ulong redactions);

    /// <summary>The top-level fields the schema marks <c>x-redact</c>, as a mask for <see cref="WritePayload"/>.</summary>
    static abstract ulong SchemaRedactions { get; }

    /// <summary>Top-level fields (bit i = field i in schema order, first 64) that hold a value, not null.</summary>
    static abstract ulong PresentFields(in TSelf value);

    /// <summary>Checks the schema's constraints; null when valid, else the first violation as <c>"$.path: reason"</c>.</summary>
    static abstract string? Validate(in TSelf value);

    /// <summary>
    /// Whether <see cref="NonFiniteNumber"/> has anything to check: the type holds a double or float that is always
    /// written and not nullable, or sits in an array or map. False lets the publisher skip the check.
    /// </summary>
    static abstract bool HasFiniteChecks { get; }

    /// <summary>
    /// The first NaN or infinity that <see cref="Write"/> cannot write, as <c>"$.path is NaN"</c>; null when none. Optional
    /// fields are left out and nullable ones written as <c>null</c> instead, so they never count.
    /// </summary>
    static abstract string? NonFiniteNumber(in TSelf value);

    /// <summary>Reads a payload written by <see cref="Write"/> or any producer that follows the schema.</summary>
    /// <exception cref="EventFormatException">The input is not a valid payload; no other exception type escapes.</exception>
    static abstract TSelf Read(ReadOnlySpan<byte> utf8);
}
