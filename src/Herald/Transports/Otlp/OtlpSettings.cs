using System;
using System.Collections.Generic;
using System.Globalization;
using Herald.Configuration;

namespace Herald.Transports.Otlp;

/// <summary>
/// The otlp transport's settings: its connection keys, and for each key the configuration did not set, the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> variables (the logs-specific one first). A malformed variable is a
/// <see cref="TelemetryConfigException"/> naming it; header values are secrets and are never quoted.
/// </summary>
internal sealed class OtlpSettings
{
    public const string LogsEndpointVariable = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string LogsCompressionVariable = "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION";
    public const string CompressionVariable = "OTEL_EXPORTER_OTLP_COMPRESSION";
    public const string LogsTimeoutVariable = "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT";
    public const string TimeoutVariable = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string LogsHeadersVariable = "OTEL_EXPORTER_OTLP_LOGS_HEADERS";
    public const string HeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string DefaultEndpoint = "http://localhost:4318/v1/logs";
    private const string LogsPath = "/v1/logs";

    private OtlpSettings(Uri endpoint, bool json, bool gzip, TimeSpan sendTimeout, List<KeyValuePair<string, string>> headers, string? token)
    {
        Endpoint = endpoint;
        Json = json;
        Gzip = gzip;
        SendTimeout = sendTimeout;
        Headers = headers;
        Token = token;
        var secrets = new List<string>();
        foreach (KeyValuePair<string, string> header in headers) secrets.Add(header.Value);
        if (token is not null) secrets.Add(token);
        Secrets = secrets.ToArray();
    }

    /// <summary>Where requests go: the full URL, <c>/v1/logs</c> included.</summary>
    public Uri Endpoint { get; }

    /// <summary>OTLP/JSON rather than protobuf.</summary>
    public bool Json { get; }

    public bool Gzip { get; }

    public TimeSpan SendTimeout { get; }

    /// <summary>Headers of every request (from the OTEL headers variable); their values are secrets.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The bearer token of <c>auth_token_env</c>, or null.</summary>
    public string? Token { get; }

    /// <summary>Every header value and the token: scrubbed from text the collector controls.</summary>
    public string[] Secrets { get; }

    /// <summary>Resolves the settings of one otlp connection.</summary>
    /// <exception cref="TelemetryConfigException">An OTEL_* variable is malformed.</exception>
    /// <exception cref="ArgumentException">The configured endpoint is not an http(s) URL, or the token variable is not set.</exception>
    public static OtlpSettings Resolve(TransportOptions options, Func<string, string?> environment)
    {
        Uri endpoint = options.Endpoint is { } configured ? WithLogsPath(HttpExchange.ParseEndpoint(configured))
            : Variable(environment, LogsEndpointVariable) is { } logs ? ParseUrl(logs, LogsEndpointVariable)
            : Variable(environment, EndpointVariable) is { } all ? WithLogsPath(ParseUrl(all, EndpointVariable))
            : new Uri(DefaultEndpoint);

        bool gzip = options.Compression == TelemetryConfigRules.Gzip;
        if (!options.CompressionSet && FirstSet(environment, LogsCompressionVariable, CompressionVariable) is { } compression)
        {
            string value = environment(compression)!.Trim();
            if (value != TelemetryConfigRules.Gzip && value != TelemetryConfigRules.Compression.DefaultText)
                throw Error(compression, value, $"must be {TelemetryConfigRules.Gzip} or {TelemetryConfigRules.Compression.DefaultText}");
            gzip = value == TelemetryConfigRules.Gzip;
        }

        TimeSpan timeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds);
        if (!options.SendTimeoutSet && FirstSet(environment, LogsTimeoutVariable, TimeoutVariable) is { } timeoutVariable)
        {
            string value = environment(timeoutVariable)!.Trim();
            double most = TelemetryConfigRules.SendTimeoutSeconds.Max * 1000;
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms <= 0 || ms > most)
                throw Error(timeoutVariable, value, $"must be a whole number of milliseconds, greater than 0 and at most {most.ToString(CultureInfo.InvariantCulture)}");
            timeout = TimeSpan.FromMilliseconds(ms);
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (FirstSet(environment, LogsHeadersVariable, HeadersVariable) is { } headersVariable)
        {
            foreach (KeyValuePair<string, string> header in ParseList(environment(headersVariable)!, headersVariable, secret: true))
            {
                // Not quoted: a header written "Authorization: Basic <base64>=" has the credential before its first '='.
                if (!IsToken(header.Key)) throw Error(headersVariable, null, $"the name of header {headers.Count + 1} is not an HTTP header name (a token: no spaces, ':' or other separators)");
                foreach (char c in header.Value)
                {
                    if (char.IsControl(c)) throw Error(headersVariable, null, $"the value of header '{header.Key}' holds a control character");
                }
                headers.Add(header);
            }
        }
        string? token = BearerToken.FromEnvironment(options.AuthTokenEnv);
        if (token is not null) headers.RemoveAll(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)); // auth_token_env wins
        bool json = options.Encoding == TelemetryConfigRules.JsonEncoding;
        return new OtlpSettings(endpoint, json, gzip, timeout, headers, token);
    }

    /// <summary>
    /// A W3C-baggage-like list, <c>key1=value1,key2=value2</c>: entries split at commas, each at its first <c>=</c>,
    /// keys and values trimmed and percent-decoded; empty entries are skipped.
    /// </summary>
    /// <exception cref="TelemetryConfigException">An entry has no <c>=</c> or an empty key (the value is not quoted when <paramref name="secret"/>).</exception>
    public static List<KeyValuePair<string, string>> ParseList(string text, string variable, bool secret)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (string entry in text.Split(','))
        {
            if (entry.Trim().Length == 0) continue;
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? "" : Uri.UnescapeDataString(entry.Substring(0, equals).Trim());
            if (key.Length == 0) throw Error(variable, secret ? null : text, "must be a list of key=value pairs separated by commas (values percent-encoded)");
            pairs.Add(new KeyValuePair<string, string>(key, Uri.UnescapeDataString(entry.Substring(equals + 1).Trim())));
        }
        return pairs;
    }

    /// <summary><paramref name="endpoint"/> with <c>/v1/logs</c> appended to its path, unless the path already ends with it.</summary>
    internal static Uri WithLogsPath(Uri endpoint)
    {
        string path = endpoint.AbsolutePath;
        if (path.EndsWith(LogsPath, StringComparison.Ordinal)) return endpoint;
        return new UriBuilder(endpoint) { Path = path.TrimEnd('/') + LogsPath }.Uri;
    }

    private static Uri ParseUrl(string value, string variable)
    {
        try
        {
            return HttpExchange.ParseEndpoint(value.Trim());
        }
        catch (ArgumentException)
        {
            throw Error(variable, value, "must be an http(s) URL");
        }
    }

    private static string? Variable(Func<string, string?> environment, string name) => environment(name) is { } value && value.Trim().Length > 0 ? value : null;

    private static string? FirstSet(Func<string, string?> environment, string specific, string general)
        => Variable(environment, specific) is not null ? specific : Variable(environment, general) is not null ? general : null;

    /// <summary>A malformed variable; <paramref name="value"/> null for one whose value is not shown (it may hold credentials).</summary>
    private static TelemetryConfigException Error(string variable, string? value, string reason)
        => new(new[] { new ConfigError(variable, value ?? "(set; not shown)", reason + " (environment variable)") });

    private static bool IsToken(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
        {
            if (c > '~' || c <= ' ' || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
