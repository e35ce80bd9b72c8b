using System;
using System.Buffers.Text;

namespace Herald.Publishing;

/// <summary>
/// The time parts of an envelope — the Unix milliseconds in the id and the <c>timestamp</c> in seconds — formatted
/// once per clock value rather than per event: the coarse clock moves every 1–4 ms, thousands of events apart.
/// Used under the producer lock.
/// </summary>
internal sealed class EnvelopeStamp
{
    private readonly byte[] _millis = new byte[20];
    private readonly byte[] _seconds = new byte[24];
    private long _current = long.MinValue;
    private int _millisLength;
    private int _secondsLength;

    /// <summary>The Unix milliseconds the digits are for; formats compare it to know when to rebuild their frame.</summary>
    public long Current => _current;

    /// <summary>Unix milliseconds as digits, for the id.</summary>
    public ReadOnlySpan<byte> Millis => _millis.AsSpan(0, _millisLength);

    /// <summary>Unix seconds with up to three decimals (<c>1703001234.567</c>, trailing zeros trimmed), for <c>timestamp</c>.</summary>
    public ReadOnlySpan<byte> Seconds => _seconds.AsSpan(0, _secondsLength);

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
