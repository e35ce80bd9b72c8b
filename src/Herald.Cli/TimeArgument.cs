using System;
using System.Globalization;

namespace Herald.Cli;

/// <summary>Parses <c>--since</c>/<c>--until</c>: an ISO 8601 time (UTC unless it says otherwise), unix seconds, or a duration ago (<c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>).</summary>
internal static class TimeArgument
{
    public static DateTimeOffset Parse(string option, string text, DateTimeOffset now)
    {
        if (text.Length > 1 && "smhd".Contains(text[^1], StringComparison.Ordinal)
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && amount >= 0)
        {
            TimeSpan ago = text[^1] switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromDays(amount) };
            return now - ago;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)) return time;
        throw new CliException($"{option} '{text}' is not a time: use ISO 8601 (2026-11-23T10:00:00Z), unix seconds (1795440193.5) or a duration ago (90s, 15m, 2h, 1d)");
    }
}
