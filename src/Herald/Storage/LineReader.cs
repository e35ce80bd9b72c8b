using System;
using System.IO;

namespace Herald.Storage;

/// <summary>
/// Reads a stream line by line into one reusable buffer, so a file of any size is read in constant memory
/// (bounded by its longest line). A line returned is valid until the next call.
/// </summary>
internal sealed class LineReader
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public LineReader(Stream stream) => _stream = stream;

    /// <summary>One-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Whether the line last returned ended at the end of the stream without a newline (a possibly torn line).</summary>
    public bool LastLineUnterminated { get; private set; }

    /// <summary>
    /// The next complete line (without its newline), or null when none is available yet. At the end of the stream a
    /// last line without a newline is returned only when <paramref name="takePartialLine"/> is true; otherwise it
    /// stays buffered, because a writer may still be appending to it.
    /// </summary>
    public ReadOnlyMemory<byte>? Next(bool takePartialLine)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, newline);
                _start += newline + 1;
                LineNumber++;
                LastLineUnterminated = false;
                return line;
            }
            if (!Fill())
            {
                if (!takePartialLine || _start == _end) return null;
                var rest = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
                _start = _end;
                LineNumber++;
                LastLineUnterminated = true;
                return rest;
            }
        }
    }

    /// <summary>
    /// After <see cref="Next"/> returned null: the bytes of a last line still waiting for its newline, without reading
    /// more; null when there are none.
    /// </summary>
    public ReadOnlyMemory<byte>? TakeUnterminated()
    {
        if (_start == _end) return null;
        var rest = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
        _start = _end;
        LineNumber++;
        LastLineUnterminated = true;
        return rest;
    }

    /// <summary>Reads more bytes; false at the (current) end of the stream.</summary>
    private bool Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        return read > 0;
    }
}
