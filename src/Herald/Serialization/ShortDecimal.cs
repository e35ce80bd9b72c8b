using System;

namespace Herald.Serialization;

/// <summary>
/// The fast path for doubles that are short decimals (at most six fractional digits: millisecond
/// durations, percentages, most ratios). The BCL's shortest round-trip formatting costs 40+ ns per value;
/// this costs a multiply, a divide and integer printing, and writes exactly the bytes the BCL would.
/// </summary>
/// <remarks>
/// Why it is exact: for |v| in [1e-4, 2^32) let r = round(v·10⁶). Division by 10⁶ is correctly rounded, so
/// r/10⁶ == v holds exactly when the decimal r·10⁻⁶ parses back to v. Below 2^32 a double's spacing is under
/// 10⁻⁶, so no other decimal with six or fewer fractional digits parses to v — hence the digits (trailing
/// zeros removed) are the shortest round-trip digits. The BCL prints plain (non-exponent) notation for
/// every value in that range. Anything else falls back to the BCL.
/// </remarks>
internal static class ShortDecimal
{
    private const double Scale = 1_000_000d;
    private const double Min = 1e-4;
    private const double Max = 4294967296d; // 2^32

    public static bool TryFormat(double value, Span<byte> destination, out int written)
    {
        double magnitude = Math.Abs(value);
        // Also rejects NaN (every comparison with NaN is false) and zero (the BCL prints "-0" for negative zero).
        if (!(magnitude >= Min && magnitude < Max))
        {
            written = 0;
            return false;
        }
        double scaled = Math.Round(magnitude * Scale);
        if (scaled / Scale != magnitude)
        {
            written = 0;
            return false;
        }

        ulong units = (ulong)scaled;
        ulong integer = units / 1_000_000;
        uint fraction = (uint)(units - integer * 1_000_000);
        int pos = 0;
        if (value < 0) destination[pos++] = (byte)'-';
        pos += WriteDigits(integer, destination.Slice(pos));
        if (fraction != 0)
        {
            destination[pos++] = (byte)'.';
            int digits = 6;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            for (int i = digits - 1; i >= 0; i--)
            {
                destination[pos + i] = (byte)('0' + fraction % 10);
                fraction /= 10;
            }
            pos += digits;
        }
        written = pos;
        return true;
    }

    private static int WriteDigits(ulong value, Span<byte> destination)
    {
        int count = 1;
        for (ulong v = value; v >= 10; v /= 10) count++;
        for (int i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
        return count;
    }
}
