using System;
using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.Json;

namespace Herald.Serialization;

/// <summary>Bridges generated serializers to strings and to <see cref="Utf8JsonWriter"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The payload as a compact JSON string.</summary>
    /// <exception cref="ArgumentException">A value has no JSON form (a NaN or infinity where the schema needs a number); the message names its path.</exception>
    public static string ToJsonString<TEvent>(in TEvent value) where TEvent : IEvent<TEvent>
        => Encoding.UTF8.GetString(WriteToBuffer(in value).WrittenSpan);

    /// <summary>The payload as UTF-8 bytes (a new array).</summary>
    /// <exception cref="ArgumentException">As for <see cref="ToJsonString{TEvent}"/>.</exception>
    public static byte[] ToUtf8Bytes<TEvent>(in TEvent value) where TEvent : IEvent<TEvent>
        => WriteToBuffer(in value).WrittenSpan.ToArray();

    /// <summary>Writes the payload through a <see cref="Utf8JsonWriter"/> (used by the generated JsonConverter).</summary>
    /// <exception cref="ArgumentException">As for <see cref="ToJsonString{TEvent}"/>.</exception>
    public static void WriteTo<TEvent>(Utf8JsonWriter writer, in TEvent value) where TEvent : IEvent<TEvent>
        => writer.WriteRawValue(WriteToBuffer(in value).WrittenSpan, skipInputValidation: true);

    /// <summary>
    /// A generated event's <c>ToString</c>: its JSON, or, for a value the writer refuses, the event type and why — a
    /// <c>ToString</c> that throws would break logging and debuggers.
    /// </summary>
    public static string ToDisplayString<TEvent>(in TEvent value) where TEvent : IEvent<TEvent>
    {
        try
        {
            return ToJsonString(in value);
        }
        catch (ArgumentException ex)
        {
            return $"{TEvent.EventType} (no JSON form: {ex.Message})";
        }
    }

    private static ArrayBufferWriter<byte> WriteToBuffer<TEvent>(in TEvent value) where TEvent : IEvent<TEvent>
    {
        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        try
        {
            TEvent.Write(buffer, in value);
        }
        catch (ArgumentException ex) when (TEvent.NonFiniteNumber(in value) is { } where)
        {
            throw new ArgumentException($"{TEvent.EventType}: {where}, which JSON cannot express as a number.", nameof(value), ex);
        }
        return buffer;
    }
}
