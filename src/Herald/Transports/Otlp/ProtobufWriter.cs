using System;
using System.Buffers.Binary;

namespace Herald.Transports.Otlp;

/// <summary>
/// Writes canonical protobuf into a reusable buffer, allocating nothing once the buffer has grown to the largest
/// request: varints, fixed64/32, length-delimited bytes, and nested messages (<see cref="Begin"/> reserves the length
/// prefix, <see cref="End"/> writes it, moving the content when the length needs another size than reserved, so every
/// length is the shortest varint). Fields are written in the order the caller writes them.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;
    private readonly ByteBuffer _buffer = new();
    private int[] _starts = new int[64];   // where each open message's content begins
    private int[] _reserved = new int[64]; // how many bytes its length prefix was given
    private int _depth;

    /// <summary>What was written since <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.Written;

    public int Length => _buffer.Length;

    public void Reset()
    {
        _buffer.Reset();
        _depth = 0;
    }

    /// <summary>A varint field (uint32, uint64, int64 as two's complement, bool, enum).</summary>
    public void WriteVarint(int field, ulong value)
    {
        WriteRawVarint((ulong)(field << 3 | Varint));
        WriteRawVarint(value);
    }

    public void WriteFixed64(int field, ulong value)
    {
        WriteRawVarint((ulong)(field << 3 | Fixed64));
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Reserve(8), value);
        _buffer.Length += 8;
    }

    public void WriteDouble(int field, double value) => WriteFixed64(field, (ulong)BitConverter.DoubleToInt64Bits(value));

    public void WriteFixed32(int field, uint value)
    {
        WriteRawVarint((ulong)(field << 3 | Fixed32));
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Reserve(4), value);
        _buffer.Length += 4;
    }

    /// <summary>A length-delimited field: a string's UTF-8, bytes, or an already encoded message.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteRawVarint((ulong)(field << 3 | LengthDelimited));
        WriteRawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Bytes copied as they are (a field encoded earlier, tag included).</summary>
    public void WriteRaw(ReadOnlySpan<byte> encoded) => _buffer.Write(encoded);

    /// <summary>Room for <paramref name="size"/> bytes of content inside the open field; <see cref="Advance"/> says how many were used.</summary>
    public Span<byte> GetSpan(int size) => _buffer.Reserve(size);

    public void Advance(int count) => _buffer.Length += count;

    /// <summary>
    /// Opens a length-delimited field (a nested message, or a string written with <see cref="GetSpan"/>);
    /// <paramref name="expected"/> bytes are kept for its length (1 for up to 127 bytes of content, 3 for up to 2 MiB).
    /// </summary>
    public void Begin(int field, int expected = 1)
    {
        WriteRawVarint((ulong)(field << 3 | LengthDelimited));
        if (_depth == _starts.Length)
        {
            System.Array.Resize(ref _starts, _depth * 2);
            System.Array.Resize(ref _reserved, _depth * 2);
        }
        _buffer.Reserve(expected);
        _buffer.Length += expected;
        _starts[_depth] = _buffer.Length;
        _reserved[_depth] = expected;
        _depth++;
    }

    /// <summary>Closes the innermost open field, writing its length as the shortest varint.</summary>
    public void End()
    {
        _depth--;
        int start = _starts[_depth], reserved = _reserved[_depth];
        int length = _buffer.Length - start;
        int size = VarintSize((ulong)length);
        if (size != reserved)
        {
            _buffer.Reserve(Math.Max(0, size - reserved));
            byte[] bytes = _buffer.Array;
            System.Array.Copy(bytes, start, bytes, start - reserved + size, length);
            _buffer.Length += size - reserved;
        }
        WriteVarintAt(_buffer.Array.AsSpan(start - reserved), (ulong)length);
    }

    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    private void WriteRawVarint(ulong value)
    {
        int size = WriteVarintAt(_buffer.Reserve(10), value);
        _buffer.Length += size;
    }

    private static int WriteVarintAt(Span<byte> into, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            into[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        into[i++] = (byte)value;
        return i;
    }
}
