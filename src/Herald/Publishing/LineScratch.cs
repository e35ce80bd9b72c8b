using System;
using System.Buffers;

namespace Herald.Publishing;

/// <summary>
/// Where a producer serializes an event it may not keep (a class, a struct holding references) before the line is
/// queued: a growable buffer bounded by <see cref="EventSizeLimit"/>. It keeps what envelopes up to <c>max_event_bytes</c>
/// need (so steady large events allocate nothing), and lets go of more — a string reserved at its worst-case escaped
/// size — after the event.
/// </summary>
internal sealed class LineScratch(EventSizeLimit limit) : IBufferWriter<byte>
{
    private const int InitialSize = 4096;
    private byte[] _buffer = new byte[InitialSize];
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public int WrittenCount => _written;

    /// <summary>Starts a new line; drops a buffer that an oversized event grew.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > limit.MaxEventBytes) _buffer = new byte[InitialSize];
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException("Envelopes are written through GetSpan.");

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < needed)
        {
            limit.CheckRequest(_written, needed);
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max((long)_written + needed, 2L * _buffer.Length), Array.MaxLength));
        }
        return _buffer.AsSpan(_written);
    }
}
