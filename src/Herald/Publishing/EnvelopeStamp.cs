using System;
using System.Buffers.Text;

namespace Herald.Publishing;

/// <summary>
/// The time parts of an envelope — the Unix milliseconds in the id and the <c>timestamp</c> in seconds — formatted
/// once per clock value rather than per event: the coarse clock moves every 1–4 ms, thousands of events apart.
/// Each side that writes envelopes has its own (producers under the producer lock, the queue's encoder under the writer
/// lock), and with it each event type's envelope start for the current clock value (<see cref="EnvelopeFrame"/>).
/// </summary>
internal sealed class EnvelopeStamp
{
    private readonly byte[] _millis = new byte[20];
    private readonly byte[] _seconds = new byte[24];
    private long _current = long.MinValue;
    private int _millisLength;
    private int _secondsLength;
    private EnvelopeFrame?[] _frames = new EnvelopeFrame?[16];

    /// <summary>The Unix milliseconds the digits are for; an <see cref="EnvelopeFrame"/> built for another value is rebuilt.</summary>
    public long Current => _current;

    /// <summary>Unix milliseconds as digits, for the id.</summary>
    public ReadOnlySpan<byte> Millis => _millis.AsSpan(0, _millisLength);

    /// <summary>Unix seconds with up to three decimals (<c>1703001234.567</c>, trailing zeros trimmed), for <c>timestamp</c>.</summary>
    public ReadOnlySpan<byte> Seconds => _seconds.AsSpan(0, _secondsLength);

    /// <summary>
    /// This side's envelope start for the event type with index <paramref name="typeIndex"/>. A stamp serves the formats
    /// of one publisher (one format per event type), so the type identifies the format.
    /// </summary>
    public EnvelopeFrame FrameOf(int typeIndex)
    {
        EnvelopeFrame?[] frames = _frames;
        if ((uint)typeIndex < (uint)frames.Length && frames[typeIndex] is { } known) return known;
        return AddFrame(typeIndex);
    }

    private EnvelopeFrame AddFrame(int typeIndex)
    {
        if (typeIndex >= _frames.Length) Array.Resize(ref _frames, Math.Max(typeIndex + 1, _frames.Length * 2));
        return _frames[typeIndex] = new EnvelopeFrame();
    }

    public void Update(long unixMs)
    {
        if (unixMs == _current) return;
        _current = unixMs;
        Utf8Formatter.TryFormat(unixMs, _millis, out _millisLength);
        _secondsLength = FormatSeconds(unixMs, _seconds);
    }

    internal static int FormatSeconds(long unixMs, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(unixMs / 1000, destination, out int written);
        int millis = (int)(unixMs % 1000);
        if (millis == 0) return written;
        destination[written++] = (byte)'.';
        int digits = millis % 100 == 0 ? 1 : millis % 10 == 0 ? 2 : 3;
        int scaled = digits == 1 ? millis / 100 : digits == 2 ? millis / 10 : millis;
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[written + i] = (byte)('0' + scaled % 10);
            scaled /= 10;
        }
        return written + digits;
    }
}

/// <summary>
/// An envelope's bytes before the payload for one event type and clock value, with a place for the id's hex digits:
/// written per event as one copy instead of seven. Belongs to one <see cref="EnvelopeStamp"/>.
/// </summary>
internal sealed class EnvelopeFrame
{
    public byte[] Bytes = new byte[256];
    public int Length;
    public int HexOffset;

    /// <summary>The clock value the bytes were built for.</summary>
    public long Millis = long.MinValue;
}
