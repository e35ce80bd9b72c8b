using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace Herald.Transports;

/// <summary>
/// Makes text a peer controls (reason phrases, close descriptions, exception messages that may quote a response) fit
/// for errors, status and logs: the configured token and anything shaped like a credential become
/// <see cref="Redacted"/>, control characters become spaces, and at most <see cref="MaxLength"/> characters remain.
/// </summary>
internal static class ServerText
{
    /// <summary>What replaces a secret.</summary>
    public const string Redacted = "[REDACTED]";

    /// <summary>Characters kept (an ellipsis marks a cut).</summary>
    public const int MaxLength = 200;

    private const string Schemes = "bearer|basic|digest|negotiate|ntlm";
    private const string SecretKeys = "authorization|token|secret|password|passwd|api[_-]?key|cookie|session|credential";

    // Linear time whatever the input (NonBacktracking): the text comes from a peer that may be hostile.
    private static readonly Regex Credential = new(
        $@"(?<key>\b[\w-]*(?:{SecretKeys})[\w-]*[""']?\s*[:=]\s*)(?:(?:{Schemes})\s+)?(?:""[^""]*""?|'[^']*'?|[^\s""',;&]+)" +
        $@"|\b(?<scheme>{Schemes})\s+[^\s""',;]+" +
        @"|\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*" + // a JWT, whatever surrounds it
        @"|(?<url>\b[a-z][a-z0-9+.-]*://)[^\s/?#@""']+@", // a URL's user info (scheme://user:password@host)
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>
    /// <paramref name="text"/> without <paramref name="token"/> (also percent-encoded, any case), without credentials
    /// (<c>Bearer xyz</c>, <c>Basic xyz</c>, <c>Authorization: xyz</c>, <c>token=xyz</c>, <c>"api_key":"xyz"</c>, JWTs, the user
    /// info of <c>scheme://user:password@host</c>),
    /// on one line, cut to <see cref="MaxLength"/> characters. Empty for null.
    /// </summary>
    public static string Scrub(string? text, string? token) => ScrubAll(text, token is null ? Array.Empty<string>() : new[] { token });

    /// <summary>As <see cref="Scrub(string?, string?)"/>, with several secrets (a token and header values).</summary>
    public static string ScrubAll(string? text, IReadOnlyList<string> secrets) => ScrubAll(text, secrets, MaxLength);

    /// <summary>
    /// What the runtime's own log messages carry of an error (a worker's, a transport's): credentials and URL user info
    /// redacted, on one line, not cut — an error already scrubbed by its transport (and cut) comes through unchanged.
    /// </summary>
    public static string ForLog(string? text) => ScrubAll(text, Array.Empty<string>(), int.MaxValue);

    private static string ScrubAll(string? text, IReadOnlyList<string> secrets, int maxLength)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text.Length);
        foreach (char c in text) builder.Append(char.IsControl(c) ? ' ' : c);
        string scrubbed = builder.ToString();
        foreach (string token in secrets)
        {
            if (token.Length == 0) continue;
            scrubbed = scrubbed.Replace(token, Redacted, StringComparison.OrdinalIgnoreCase);
            string encoded = Uri.EscapeDataString(token);
            if (encoded != token) scrubbed = scrubbed.Replace(encoded, Redacted, StringComparison.OrdinalIgnoreCase);
        }
        scrubbed = Credential.Replace(scrubbed, match =>
            match.Groups["key"].Success ? match.Groups["key"].Value + Secret(match.Value[match.Groups["key"].Length..])
            : match.Groups["scheme"].Success ? match.Groups["scheme"].Value + " " + Secret(match.Value[match.Groups["scheme"].Length..].TrimStart())
            : match.Groups["url"].Success ? match.Groups["url"].Value + Redacted + "@"
            : Redacted);
        if (scrubbed.Length <= maxLength) return scrubbed;
        int cut = char.IsHighSurrogate(scrubbed[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(scrubbed.AsSpan(0, cut), "…");
    }

    /// <summary>
    /// An endpoint for an error or a status: <c>scheme://host:port</c> (<see cref="UriPartial.Authority"/>) or with its path
    /// (<see cref="UriPartial.Path"/>), never its user info — <c>http://user:password@host</c> is a valid endpoint.
    /// </summary>
    public static string Endpoint(Uri endpoint, UriPartial part)
    {
        var bare = new UriBuilder(endpoint) { UserName = "", Password = "", Query = "", Fragment = "" };
        if (part != UriPartial.Path) bare.Path = "";
        return bare.Uri.GetLeftPart(part);
    }

    /// <summary>
    /// What replaces a matched secret: <see cref="Redacted"/>, or the match itself when it is an earlier scrub's
    /// <see cref="Redacted"/> followed by punctuation only — so scrubbing twice changes nothing (<c>Bearer [REDACTED]: ...</c>).
    /// </summary>
    private static string Secret(string matched) =>
        matched.StartsWith(Redacted, StringComparison.Ordinal) && !matched.AsSpan(Redacted.Length).ContainsAnyExcept(Punctuation) ? matched : Redacted;

    private static readonly System.Buffers.SearchValues<char> Punctuation = System.Buffers.SearchValues.Create(":.)]}>");

    /// <summary>An exception as <c>Type: scrubbed message</c>.</summary>
    public static string Describe(Exception exception, string? token) => exception.GetType().Name + ": " + Scrub(exception.Message, token);

    /// <summary>An exception as <c>Type: scrubbed message</c>, without any of <paramref name="secrets"/>.</summary>
    public static string DescribeAll(Exception exception, IReadOnlyList<string> secrets) => exception.GetType().Name + ": " + ScrubAll(exception.Message, secrets);
}
