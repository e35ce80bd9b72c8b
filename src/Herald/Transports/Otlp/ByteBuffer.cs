using System;

namespace Herald.Transports.Otlp;

/// <summary>A reusable, growable byte buffer: written from the start after each <see cref="Reset"/>, grown by doubling, never shrunk.</summary>
internal sealed class ByteBuffer
{
    private byte[] _bytes;

    public ByteBuffer(int capacity = 64 * 1024)
    {
        _bytes = new byte[capacity];
    }

    /// <summary>Bytes written since the last <see cref="Reset"/>.</summary>
    public int Length { get; set; }

    /// <summary>The bytes written.</summary>
    public ReadOnlyMemory<byte> Written => new(_bytes, 0, Length);

    /// <summary>The whole backing array (for moves inside what was written).</summary>
    public byte[] Array => _bytes;

    public void Reset() => Length = 0;

    /// <summary>Room for <paramref name="size"/> more bytes at <see cref="Length"/>.</summary>
    public Span<byte> Reserve(int size)
    {
        if (_bytes.Length - Length < size)
        {
            byte[] grown = new byte[Math.Max(_bytes.Length * 2, Length + size)];
            _bytes.AsSpan(0, Length).CopyTo(grown);
            _bytes = grown;
        }
        return _bytes.AsSpan(Length, size);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    public void Write(byte value)
    {
        Reserve(1)[0] = value;
        Length++;
    }
}
