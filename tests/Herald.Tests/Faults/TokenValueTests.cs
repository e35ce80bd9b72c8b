using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Faults;

/// <summary>
/// A token a header cannot carry (a trailing newline from a secrets file, a space) fails at startup naming the
/// variable, before a header API can reject it with an exception that quotes the value.
/// </summary>
public sealed class TokenValueTests
{
    [Theory]
    [InlineData("http", "http://127.0.0.1:9/ingest", "secretvalue\n")]
    [InlineData("http", "http://127.0.0.1:9/ingest", "secret value")]
    [InlineData("websocket", "ws://127.0.0.1:9/ws", "secretvalue\r\nX-Injected: 1")]
    [InlineData("websocket", "ws://127.0.0.1:9/ws", "sécretvalue")]
    public void A_token_with_whitespace_control_or_non_ASCII_characters_fails_Create_without_echoing_it(string type, string endpoint, string token)
    {
        string variable = "HERALD_FAULT_BAD_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, token);
        try
        {
            TelemetryOptions options = Options();
            options = options with { Transport = options.Transport with { Type = type, Endpoint = endpoint, AuthTokenEnv = variable } };
            var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
            ConfigError error = Assert.Single(ex.Errors);
            Assert.StartsWith("telemetry.transport", error.Key, StringComparison.Ordinal);
            Assert.Contains($"{variable} (auth_token_env) holds a character a bearer token cannot have", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("value", ex.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
