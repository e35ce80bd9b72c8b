// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace Herald.Configuration;

/// <summary>
/// How configuration text is read: booleans, numbers, and the forms of text values (<see cref="ConfigTextForm"/>) —
/// what the checker accepts is exactly what the transports parse — plus the "did you mean" match for typos.
/// </summary>
internal static class ConfigText
{
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true": value = true; return true;
            case "false": value = false; return true;
            default: value = false; return false;
        }
    }

    public static bool TryParseInteger(string text, out long value)
        => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && !double.IsInfinity(value);

    /// <summary>Why <paramref name="text"/> does not have <paramref name="form"/>, or null when it has.</summary>
    public static string? CheckForm(ConfigTextForm form, string text)
    {
        switch (form)
        {
            case ConfigTextForm.FileMode:
            case ConfigTextForm.DirectoryMode:
                if (!TryParseOctalMode(text, out int mode)) return "must be an octal permission string of 3 or 4 digits, at most 0777 (e.g. \"0640\")";
                if (form == ConfigTextForm.DirectoryMode) return (mode & 0x1C0) == 0x1C0 ? null : "must give the owner read, write and search (0700 at least)";
                return (mode & 0x180) == 0x180 ? null : "must give the owner read and write (0600 at least)";
            case ConfigTextForm.MetricName:
                return IsMetricName(text) ? null : "must be a Prometheus metric name: letters, digits, '_' and ':', not starting with a digit";
            case ConfigTextForm.PublicKeyPin:
                return IsPublicKeyPin(text) ? null
                    : "must be the SHA-256 of the certificate's public key (SubjectPublicKeyInfo): 64 hex digits (colons allowed) or sha256//BASE64, as curl's --pinnedpubkey";
            case ConfigTextForm.HostPort:
                return TryParseHostPort(text, out _, out _) ? null : "must be host:port";
            case ConfigTextForm.HttpUrl:
                return IsUrl(text, "http", "https") ? null : "must be an http(s) URL";
            case ConfigTextForm.WebSocketUrl:
                return IsUrl(text, "ws", "wss") ? null : "must be a ws(s) URL";
            default:
                return null;
        }
    }

    /// <summary>Reads 3 or 4 octal digits (<c>640</c>, <c>0640</c>) of permission bits only (at most 0777).</summary>
    public static bool TryParseOctalMode(string? text, out int mode)
    {
        mode = 0;
        if (text is null || text.Length < 3 || text.Length > 4) return false;
        int value = 0;
        foreach (char c in text)
        {
            if (c < '0' || c > '7') return false;
            value = value * 8 + (c - '0');
        }
        if (value > 0x1FF) return false;
        mode = value;
        return true;
    }

    /// <summary><c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsMetricName(string name)
    {
        if (name.Length == 0 || IsAsciiDigit(name[0])) return false;
        foreach (char c in name)
        {
            if (!(IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':')) return false;
        }
        return true;
    }

    /// <summary><c>host:port</c> (the host may be a bracketed IPv6 address), port 1–65535.</summary>
    public static bool TryParseHostPort(string? endpoint, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = endpoint?.LastIndexOf(':') ?? -1;
        if (endpoint is null || colon <= 0) return false;
        if (!int.TryParse(endpoint.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535) return false;
        host = endpoint.Substring(0, colon).Trim('[', ']');
        return true;
    }

    /// <summary>An absolute URL with one of <paramref name="schemes"/>.</summary>
    public static bool IsUrl(string? text, params string[] schemes)
        => Uri.TryCreate(text, UriKind.Absolute, out Uri? url) && Array.IndexOf(schemes, url.Scheme) >= 0;

    /// <summary>A SHA-256 as 64 hex digits (colons allowed) or <c>sha256//</c> and the 32 bytes in base64.</summary>
    public static bool IsPublicKeyPin(string pin)
    {
        string text = pin.Trim();
        const string Prefix = "sha256//";
        if (text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Convert.FromBase64String(text.Substring(Prefix.Length)).Length == 32;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        string hex = text.Replace(":", "");
        if (hex.Length != 64) return false;
        foreach (char c in hex)
        {
            if (!(IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
        }
        return true;
    }

    /// <summary>The candidate closest to <paramref name="text"/> by edit distance, when it is close enough to be a typo.</summary>
    public static string? ClosestMatch(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = EditDistance(text, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, text.Length / 3) ? best : null;
    }

    private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }
}
