using System;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Herald.Cli;

/// <summary>Parses <c>--since</c>/<c>--until</c>: an ISO 8601 time (UTC unless it says otherwise), unix seconds, or a duration ago (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>).</summary>
internal static class TimeArgument
{
    /// <summary>The option's parser: the time, or an error naming <paramref name="option"/>.</summary>
    public static DateTimeOffset? Parse(ArgumentResult result, string option)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParse(text, DateTimeOffset.UtcNow, out DateTimeOffset time)) return time;
        result.AddError($"{option} '{text}' is not a time: use ISO 8601 (2026-11-23T10:00:00Z), unix seconds (1795440193.5) or a duration ago (90s, 15m, 2h, 1d)");
        return null;
    }

    /// <summary>False for text that is none of the three, or a time outside 0001-01-01 .. 9999-12-31.</summary>
    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset time)
    {
        try
        {
            return TryParseUnchecked(text, now, out time);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
        {
            time = default;
            return false;
        }
    }

    private static bool TryParseUnchecked(string text, DateTimeOffset now, out DateTimeOffset time)
    {
        if (text.Length > 1 && "smhd".Contains(text[^1], StringComparison.Ordinal)
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && amount >= 0 && double.IsFinite(amount))
        {
            TimeSpan ago = text[^1] switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromDays(amount) };
            time = now - ago;
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            if (!double.IsFinite(seconds))
            {
                time = default;
                return false; // NaN or infinity is no time
            }
            time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
