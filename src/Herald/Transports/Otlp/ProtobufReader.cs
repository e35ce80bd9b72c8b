using System;
using System.Buffers.Binary;

namespace Herald.Transports.Otlp;

/// <summary>
/// Reads protobuf fields in order: tags, varints, fixed64 values and length-delimited contents; skips the other wire
/// types. A truncated or malformed input throws <see cref="FormatException"/>.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    /// <summary>The next field's number and wire type; false at the end of the input.</summary>
    public bool Next(out int field, out int wire)
    {
        field = wire = 0;
        if (_at >= _data.Length) return false;
        ulong tag = Varint();
        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        if (field == 0) throw new FormatException("field number 0");
        return true;
    }

    public ulong Varint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_at >= _data.Length) throw new FormatException("truncated varint");
            byte b = _data[_at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("varint too long");
    }

    public ulong Fixed64()
    {
        if (_data.Length - _at < 8) throw new FormatException("truncated fixed64");
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_at));
        _at += 8;
        return value;
    }

    public ReadOnlySpan<byte> LengthDelimited()
    {
        ulong length = Varint();
        if (length > (ulong)(_data.Length - _at)) throw new FormatException("truncated field");
        ReadOnlySpan<byte> content = _data.Slice(_at, (int)length);
        _at += (int)length;
        return content;
    }

    public void Skip(int wire)
    {
        switch (wire)
        {
            case 0: Varint(); break;
            case 1: _at += 8; break;
            case 2: LengthDelimited(); break;
            case 5: _at += 4; break;
            default: throw new FormatException("unsupported wire type " + wire);
        }
        if (_at > _data.Length) throw new FormatException("truncated field");
    }
}
