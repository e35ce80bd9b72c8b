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
    public static string ToJsonString<TEvent>(in TEvent value) where TEvent : IEvent<TEvent>
    {
        ArrayBufferWriter<byte> buffer = RentBuffer();
        TEvent.Write(buffer, in value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The payload as UTF-8 bytes (a new array).</summary>
    public static byte[] ToUtf8Bytes<TEvent>(in TEvent value) where TEvent : IEvent<TEvent>
    {
        ArrayBufferWriter<byte> buffer = RentBuffer();
        TEvent.Write(buffer, in value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the payload through a <see cref="Utf8JsonWriter"/> (used by the generated JsonConverter).</summary>
    public static void WriteTo<TEvent>(Utf8JsonWriter writer, in TEvent value) where TEvent : IEvent<TEvent>
    {
        ArrayBufferWriter<byte> buffer = RentBuffer();
        TEvent.Write(buffer, in value);
        writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
    }

    private static ArrayBufferWriter<byte> RentBuffer()
    {
        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        return buffer;
    }
}
