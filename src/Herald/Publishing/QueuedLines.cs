using System;
using System.Buffers.Binary;

namespace Herald.Publishing;

/// <summary>
/// Envelopes serialized on <c>Emit</c> (class events, and struct events that hold references: <c>Emit</c> may not
/// keep anything of them), waiting in emit order behind the <see cref="EmitQueue"/>'s earlier entries. A byte ring
/// of length-prefixed lines; a line never wraps, the space it skips at the end is freed with it.
/// </summary>
internal sealed class QueuedLines(int capacity)
{
    private const int SkipMarker = -1;
    private readonly byte[] _ring = new byte[capacity];
    private readonly int _mask = capacity - 1;
    private QueuePositions _positions;

    /// <summary>Bytes kept free between producer and encoder, as <see cref="EmitQueue.Gap"/> entries are.</summary>
    private const int Gap = 256;

    /// <summary>
    /// The longest line the ring takes; a longer one is written straight into the buffer. Half the usable room, so a
    /// line fits into an empty ring wherever the head stands (it may have to skip up to its own length at the end).
    /// </summary>
    public int MaxLine => (_ring.Length - Gap) / 2 - sizeof(int);

    /// <summary>Producer side: copies the line in, or returns false when there is no room.</summary>
    public bool TryAdd(ReadOnlySpan<byte> line)
    {
        int needed = sizeof(int) + line.Length;
        long head = _positions.Head;
        int at = (int)(head & _mask);
        int toEnd = _ring.Length - at;
        int skip = toEnd < needed ? toEnd : 0;
        if (!_positions.HasRoom(skip + needed, _ring.Length - Gap)) return false;
        if (skip > 0)
        {
            if (toEnd >= sizeof(int)) BinaryPrimitives.WriteInt32LittleEndian(_ring.AsSpan(at), SkipMarker);
            at = 0;
        }
        BinaryPrimitives.WriteInt32LittleEndian(_ring.AsSpan(at), line.Length);
        line.CopyTo(_ring.AsSpan(at + sizeof(int)));
        _positions.Head = head + skip + needed;
        return true;
    }

    /// <summary>Encoder side: the oldest line, left on the ring.</summary>
    public ReadOnlySpan<byte> Oldest
    {
        get
        {
            int at = SkipToLine();
            int length = BinaryPrimitives.ReadInt32LittleEndian(_ring.AsSpan(at));
            return _ring.AsSpan(at + sizeof(int), length);
        }
    }

    /// <summary>Encoder side: takes the oldest line off the ring (its room is freed by <see cref="Publish"/>).</summary>
    public void RemoveOldest()
    {
        int at = SkipToLine();
        int length = BinaryPrimitives.ReadInt32LittleEndian(_ring.AsSpan(at));
        _positions.Taken += sizeof(int) + length;
    }

    /// <summary>Encoder side: frees the room of the lines taken so far.</summary>
    public void Publish() => _positions.Publish();

    /// <summary>Moves past the unused end of the ring when the oldest line starts at the beginning.</summary>
    private int SkipToLine()
    {
        long taken = _positions.Taken;
        int at = (int)(taken & _mask);
        int toEnd = _ring.Length - at;
        if (toEnd < sizeof(int) || BinaryPrimitives.ReadInt32LittleEndian(_ring.AsSpan(at)) == SkipMarker)
        {
            _positions.Taken = taken + toEnd;
            return 0;
        }
        return at;
    }
}
