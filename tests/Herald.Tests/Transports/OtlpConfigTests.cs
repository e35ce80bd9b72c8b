using Herald.Transports;
using Herald.Transports.Otlp;

namespace Herald.Tests.Transports;

/// <summary>The otlp keys in the checker (file and code), and the OTEL_* variables: precedence and malformed values.</summary>
public sealed class OtlpConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-otlp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<ConfigError> FileErrors(string yaml)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, "telemetry:\n" + yaml);
        try
        {
            TelemetryOptions.FromFile(path);
            return [];
        }
        catch (TelemetryConfigException ex)
        {
            return ex.Errors;
        }
    }

    private TelemetryOptions Read(string yaml)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, "telemetry:\n" + yaml);
        return TelemetryOptions.FromFile(path);
    }

    [Fact]
    public void Otlp_needs_no_endpoint_and_takes_an_encoding()
    {
        TelemetryOptions options = Read("  transport:\n    type: otlp\n    encoding: json\n");
        Assert.Equal(("otlp", "json", (string?)null), (options.Transport.Type, options.Transport.Encoding, options.Transport.Endpoint));
        Assert.Empty(FileErrors("  transports:\n    - {type: otlp, endpoint: 'https://collector:4318', encoding: protobuf}\n    - {type: file, file_path: x.jsonl}\n"));
    }

    [Fact]
    public void Encoding_is_refused_on_other_transports_and_must_be_a_choice()
    {
        ConfigError onHttp = Assert.Single(FileErrors("  transport:\n    type: http\n    endpoint: http://x\n    encoding: json\n"));
        Assert.Equal(("telemetry.transport.encoding", "json"), (onHttp.Key, onHttp.Value));
        Assert.Contains("only used by the otlp transport", onHttp.Reason, StringComparison.Ordinal);
        ConfigError inList = Assert.Single(FileErrors("  transports:\n    - {type: stdout, encoding: protobuf}\n"));
        Assert.Equal("telemetry.transports[0].encoding", inList.Key);
        ConfigError bad = Assert.Single(FileErrors("  transport:\n    type: otlp\n    encoding: xml\n"));
        Assert.StartsWith("must be one of protobuf, json", bad.Reason, StringComparison.Ordinal);

        // The same from code.
        var code = new TelemetryOptions { Transport = new TransportOptions { Type = "stdout", Encoding = "json" } };
        Assert.Equal("telemetry.transport.encoding", Assert.Single(TelemetryOptionsValidator.Validate(code)).Key);
    }

    [Fact]
    public void A_given_endpoint_must_be_an_http_url()
    {
        ConfigError error = Assert.Single(FileErrors("  transport:\n    type: otlp\n    endpoint: ftp://collector\n"));
        Assert.Equal(("telemetry.transport.endpoint", "ftp://collector"), (error.Key, error.Value));
        Assert.Contains("http(s) URL", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_values_keep_their_types()
    {
        TelemetryOptions options = Read("  resource:\n    service.name: game\n    service.version: \"1.0\"\n    build: 42\n    ratio: 0.5\n    beta: true\n    quoted_true: 'true'\n");
        Assert.Equal("game", options.Resource["service.name"]);
        Assert.Equal("1.0", options.Resource["service.version"]);
        Assert.Equal(42L, options.Resource["build"]);
        Assert.Equal(0.5, options.Resource["ratio"]);
        Assert.Equal(true, options.Resource["beta"]);
        Assert.Equal("true", options.Resource["quoted_true"]);
    }

    [Fact]
    public void Resource_must_map_names_to_scalars()
    {
        Assert.Equal("telemetry.resource", Assert.Single(FileErrors("  resource: [a, b]\n")).Key);
        ConfigError nested = Assert.Single(FileErrors("  resource:\n    team: {a: 1}\n"));
        Assert.Equal("telemetry.resource.team", nested.Key);
        Assert.Equal("telemetry.resource.none", Assert.Single(FileErrors("  resource:\n    none:\n")).Key);
        var code = new TelemetryOptions { Resource = new TelemetryOptions().Resource.Add("when", DateTime.UnixEpoch) };
        Assert.Equal("telemetry.resource.when", Assert.Single(TelemetryOptionsValidator.Validate(code)).Key);
        Assert.Empty(TelemetryOptionsValidator.Validate(new TelemetryOptions { Resource = new TelemetryOptions().Resource.Add("n", 3).Add("d", 1.5).Add("b", false) }));
    }

    private static OtlpSettings Settings(TransportOptions options, Dictionary<string, string> env) => OtlpSettings.Resolve(options, k => env.GetValueOrDefault(k));

    [Fact]
    public void Endpoint_precedence()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://logs:4318/custom/path",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://all:4318/",
        };
        var otlp = new TransportOptions { Type = "otlp" };
        Assert.Equal("http://config:4318/v1/logs", Settings(otlp with { Endpoint = "http://config:4318" }, env).Endpoint.ToString());
        Assert.Equal("https://config/base/v1/logs", Settings(otlp with { Endpoint = "https://config/base/" }, env).Endpoint.ToString());
        Assert.Equal("http://config/v1/logs", Settings(otlp with { Endpoint = "http://config/v1/logs" }, env).Endpoint.ToString());
        Assert.Equal("http://logs:4318/custom/path", Settings(otlp, env).Endpoint.ToString()); // as it is
        env.Remove("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT");
        Assert.Equal("http://all:4318/v1/logs", Settings(otlp, env).Endpoint.ToString());
        env.Clear();
        Assert.Equal("http://localhost:4318/v1/logs", Settings(otlp, env).Endpoint.ToString());
    }

    [Fact]
    public void Compression_and_timeout_come_from_the_environment_only_when_not_configured()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_COMPRESSION"] = "gzip",
            ["OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"] = "2500",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "bad but unused",
        };
        var otlp = new TransportOptions { Type = "otlp" };
        OtlpSettings fromEnvironment = Settings(otlp, env);
        Assert.Equal((true, TimeSpan.FromMilliseconds(2500)), (fromEnvironment.Gzip, fromEnvironment.SendTimeout));
        OtlpSettings configured = Settings(otlp with { Compression = "none", SendTimeoutSeconds = 3 }, env);
        Assert.Equal((false, TimeSpan.FromSeconds(3)), (configured.Gzip, configured.SendTimeout));

        // Set in a file counts as set; left out does not.
        TelemetryOptions file = Read("  transport:\n    type: otlp\n    compression: none\n");
        Assert.False(Settings(file.Transport, env).Gzip);
        Assert.True(Settings(Read("  transport:\n    type: otlp\n").Transport, env).Gzip);
        env["OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"] = "none";
        Assert.False(Settings(otlp, env).Gzip);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url", "must be an http(s) URL")]
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "ftp://x", "must be an http(s) URL")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "ten", "milliseconds")]
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "0", "milliseconds")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "-5", "milliseconds")]
    [InlineData("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli", "must be gzip or none")]
    [InlineData("OTEL_RESOURCE_ATTRIBUTES", "novalue", "key=value")]
    public void Malformed_variables_name_the_variable(string variable, string value, string reason)
    {
        var env = new Dictionary<string, string> { [variable] = value };
        var ex = Assert.Throws<TelemetryConfigException>(() => new OtlpTransport(new TransportOptions { Type = "otlp" }, new TelemetryOptions(), k => env.GetValueOrDefault(k)));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal((variable, value), (error.Key, error.Value));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-api-key" + "=" + "s3cr3t,broken")]
    [InlineData("bad header=s3cr3t")]
    [InlineData("x-key=s3cr3t%0Aevil")]
    public void Malformed_headers_name_the_variable_never_the_values(string headers)
    {
        var env = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = headers };
        var ex = Assert.Throws<TelemetryConfigException>(() => Settings(new TransportOptions { Type = "otlp" }, env));
        ConfigError error = Assert.Single(ex.Errors);
        Assert.Equal(("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "(set; not shown)"), (error.Key, error.Value));
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>The startup path with the process environment itself (run alone: the variables are process-wide).</summary>
[CollectionDefinition(nameof(OtlpEnvironmentCollection), DisableParallelization = true)]
public sealed class OtlpEnvironmentCollection;

[Collection(nameof(OtlpEnvironmentCollection))]
public sealed class OtlpEnvironmentTests
{
    [Fact]
    public void A_bad_variable_fails_publisher_creation()
    {
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_TIMEOUT", "soon");
        try
        {
            var options = new TelemetryOptions { Transport = new TransportOptions { Type = "otlp" } };
            var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryPublisher.Create(options));
            Assert.Equal("OTEL_EXPORTER_OTLP_TIMEOUT", Assert.Single(ex.Errors).Key);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_TIMEOUT", null);
        }
    }

    [Fact]
    public async Task The_factory_reads_the_process_environment()
    {
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/");
        try
        {
            ITransport transport = TransportFactory.Create(new TransportOptions { Type = "otlp" }, "telemetry.transport", new TelemetryOptions());
            Assert.Equal("http://127.0.0.1:9/v1/logs", Assert.IsType<OtlpTransport>(transport).Endpoint.ToString());
            await transport.DisposeAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
        }
    }
}
