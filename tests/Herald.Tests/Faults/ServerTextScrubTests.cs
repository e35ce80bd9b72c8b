using Herald.Transports;

namespace Herald.Tests.Faults;

/// <summary>The scrubbing rules for text a server controls, one hostile input at a time.</summary>
public sealed class ServerTextScrubTests
{
    private const string Token = "tok3n-Value.42";

    [Theory]
    [InlineData("Unauthorized Bearer tok3n-Value.42", "Unauthorized Bearer [REDACTED]")]
    [InlineData("Unauthorized bearer abc.def-ghi", "Unauthorized bearer [REDACTED]")]
    [InlineData("revoked: TOK3N-VALUE.42 (expired)", "revoked: [REDACTED] (expired)")] // the configured token, any case
    [InlineData("bad Basic dXNlcjpwYXNz", "bad Basic [REDACTED]")]
    [InlineData("echo Authorization: Bearer xyz, then", "echo Authorization: [REDACTED], then")]
    [InlineData("Proxy-Authorization=raw-secret", "Proxy-Authorization=[REDACTED]")]
    [InlineData("GET /x?token=abc&page=2", "GET /x?token=[REDACTED]&page=2")]
    [InlineData("{\"access_token\": \"abc\",\"ok\":1}", "{\"access_token\": [REDACTED],\"ok\":1}")]
    [InlineData("x-api-key: k1 y", "x-api-key: [REDACTED] y")]
    [InlineData("Set-Cookie: session=abc; Path=/", "Set-Cookie: [REDACTED]; Path=/")]
    [InlineData("password='p w'", "password=[REDACTED]")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln end", "jwt [REDACTED] end")]
    [InlineData("Service Unavailable", "Service Unavailable")]
    [InlineData("Too Many Requests", "Too Many Requests")]
    [InlineData("error=invalid_token", "error=invalid_token")] // a word that is not a secret stays
    [InlineData("line\r\nX-Injected: 1\u001b[31m", "line  X-Injected: 1 [31m")]
    [InlineData("POST http://herald:hunter2@collector:8080/ingest failed", "POST http://[REDACTED]@collector:8080/ingest failed")] // a URL's user info
    [InlineData("wss://user@host/ws and https://h/x?to=a@b", "wss://[REDACTED]@host/ws and https://h/x?to=a@b")] // an @ after the host is no user info
    [InlineData("", "")]
    public void Secrets_become_REDACTED_and_the_rest_stays_readable(string text, string expected)
        => Assert.Equal(expected, ServerText.Scrub(text, Token));

    /// <summary>Errors are scrubbed by their transport, then again for status and logs: the second pass changes nothing.</summary>
    [Theory]
    [InlineData("HTTP 401 Unauthorized Bearer tok3n-Value.42: the collector refused it")]
    [InlineData("token=abc: rejected (Authorization: Basic dXNlcjpwYXNz) see http://a:b@h/x.")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln end")]
    public void Scrubbing_twice_changes_nothing(string text)
    {
        string once = ServerText.Scrub(text, Token);
        Assert.DoesNotContain("tok3n", once);
        Assert.Equal(once, ServerText.ForLog(once));
        Assert.Equal(once, ServerText.Scrub(once, Token));
    }

    [Fact]
    public void A_secret_placed_after_a_literal_REDACTED_is_still_redacted()
        => Assert.Equal("Bearer [REDACTED] x", ServerText.Scrub("Bearer [REDACTED]leak x", null));

    [Fact]
    public void The_percent_encoded_token_is_redacted_too()
        => Assert.Equal("u=[REDACTED]", ServerText.Scrub("u=a%2Bb%2Fc%3D", "a+b/c="));

    [Fact]
    public void Long_text_is_cut_to_200_characters_after_scrubbing_so_a_cut_never_exposes_part_of_a_token()
    {
        string text = new string('a', 195) + " " + Token + new string('b', 500);
        string scrubbed = ServerText.Scrub(text, Token);
        Assert.Equal(201, scrubbed.Length);
        Assert.EndsWith("a [RED…", scrubbed, StringComparison.Ordinal);
        Assert.DoesNotContain("tok3n", scrubbed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", ServerText.Scrub(null, Token));
    }

    [Fact]
    public void Hostile_megabyte_inputs_are_scrubbed_in_linear_time()
    {
        // Inputs that make a backtracking pattern explode; bounded by the test's own time limit, not timed.
        string words = string.Concat(Enumerable.Repeat("token_secret-", 100_000));
        Assert.Equal(200 + 1, ServerText.Scrub(words, Token).Length);
        Assert.StartsWith("Bearer [REDACTED]", ServerText.Scrub("Bearer " + new string('x', 1_000_000), null), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_for_the_runtimes_log_is_scrubbed_but_not_cut()
    {
        string text = "TLS handshake with 127.0.0.1:4317 failed: " + new string('x', 300) + " token=abc http://u:p@h/";
        string scrubbed = ServerText.ForLog(text);
        Assert.EndsWith(" token=[REDACTED] http://[REDACTED]@h/", scrubbed, StringComparison.Ordinal);
        Assert.Equal(text.Length - "abc".Length - "u:p".Length + 2 * "[REDACTED]".Length, scrubbed.Length);
        Assert.Equal("", ServerText.ForLog(null));
    }
}
