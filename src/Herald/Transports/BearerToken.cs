using System;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>The bearer token of <c>auth_token_env</c>: read once from the environment, never written anywhere else.</summary>
internal static class BearerToken
{
    /// <summary>The token, or null when no variable is configured.</summary>
    /// <exception cref="ArgumentException">
    /// A variable is configured but not set, or holds something other than visible ASCII (a trailing newline, a space):
    /// the message names the variable, never the value — a header API rejecting the value would quote it.
    /// </exception>
    public static string? FromEnvironment(string? variable)
    {
        if (variable is not { Length: > 0 }) return null;
        string? token = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(token)) throw new ArgumentException($"the environment variable {variable} ({TelemetryConfigRules.AuthTokenEnv.Name}) is not set.", nameof(variable));
        foreach (char c in token)
        {
            if (c is < '!' or > '~')
                throw new ArgumentException($"the environment variable {variable} ({TelemetryConfigRules.AuthTokenEnv.Name}) holds a character a bearer token cannot have (whitespace, a control character or non-ASCII).", nameof(variable));
        }
        return token;
    }
}
