using Herald.Hosting;
using Herald.Tests.Transports;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Hosting;

/// <summary>Credentials in an endpoint or a mistaken key never reach status, health output or configuration errors.</summary>
public sealed class SecretEchoTests
{
    [Fact]
    public async Task An_endpoints_user_info_stays_out_of_the_worker_error_and_the_health_check()
    {
        await using HttpCollector collector = await HttpCollector.StartAsync();
        collector.Delay = TimeSpan.FromSeconds(30); // never answers in time
        string endpoint = collector.Url.Replace("http://", "http://admin:hunter2@", StringComparison.Ordinal);
        TelemetryOptions options = Options(retryLimit: 0);
        options = options with { Transport = options.Transport with { Type = "http", Endpoint = endpoint, SendTimeoutSeconds = 0.3 } };
        var publisher = TelemetryPublisher.Create(options);
        var check = new HeraldHealthCheck(publisher, options);
        publisher.Emit(Tick(1));
        await Eventually(() => publisher.TransportStatus.WorkerError is not null, "a timed-out send");

        string error = publisher.TransportStatus.WorkerError!;
        Assert.Contains("timed out", error);
        Assert.DoesNotContain("hunter2", error);
        Assert.DoesNotContain("admin", error);
        HealthCheckResult degraded = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("herald", check, null, null) });
        Assert.DoesNotContain("hunter2", degraded.Description);

        await publisher.DisposeAsync();
        HealthCheckResult stopped = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("herald", check, null, null) });
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.StartsWith("Herald has stopped", stopped.Description);
    }

    [Fact]
    public void Configuration_errors_do_not_echo_credentials()
    {
        var options = new TelemetryOptions
        {
            Transport = new TransportOptions { Type = "http", Endpoint = "http://admin:hunter2@127.0.0.1:99999/ingest", AuthTokenEnv = "ghp_16C7e42F292c6912E7710c838347Ae178B4a" },
        };

        IReadOnlyList<ConfigError> errors = TelemetryOptionsValidator.Validate(options);
        Assert.Contains(errors, e => e.Key == "telemetry.transport.endpoint");
        Assert.Contains(errors, e => e.Key == "telemetry.transport.auth_token_env");
        string message = new TelemetryConfigException(errors).Message;
        Assert.DoesNotContain("hunter2", message);
        Assert.DoesNotContain("ghp_16C7e42F", message);
        Assert.Contains("(not shown: it looks like a token, not a variable name)", message);
    }
}
