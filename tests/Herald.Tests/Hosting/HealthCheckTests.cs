using Herald.Hosting;
using Herald.Tests.Runtime;
using Herald.Transports;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Herald.Tests.Runtime.PublisherTestKit;

namespace Herald.Tests.Hosting;

/// <summary>The health check's verdicts against a real publisher whose transport fails, recovers, or crashes.</summary>
public sealed class HealthCheckTests
{
    private static Task<HealthCheckResult> Check(HeraldHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("herald", check, failureStatus: null, tags: null) });

    [Fact]
    public async Task Healthy_when_events_flow()
    {
        TelemetryOptions options = Options();
        await using var publisher = TelemetryPublisher.Create(options, new RecordingTransport());
        var check = new HeraldHealthCheck(publisher, options);
        for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
        await publisher.FlushAsync();

        HealthCheckResult result = await Check(check);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(10L, result.Data["flushed"]);
        Assert.Equal(true, result.Data["transport.0.worker_alive"]);
    }

    [Fact]
    public async Task Degraded_while_sends_fail_then_healthy_once_they_succeed_and_nothing_more_is_dropped()
    {
        bool failing = true;
        var transport = new RecordingTransport { Script = _ => Volatile.Read(ref failing) ? SendResult.Transient("collector down") : null };
        TelemetryOptions options = Options(retryLimit: 0);
        await using var publisher = TelemetryPublisher.Create(options, transport);
        var check = new HeraldHealthCheck(publisher, options);

        for (int i = 0; i < 10; i++) publisher.Emit(Tick(i));
        await Eventually(() => publisher.TransportStatus.ConsecutiveSendFailures > 0, "a failed send");
        HealthCheckResult failingResult = await Check(check);
        Assert.Equal(HealthStatus.Degraded, failingResult.Status);
        Assert.Contains("failed sends in a row", failingResult.Description);

        Volatile.Write(ref failing, false);
        long n = 10;
        await Eventually(() =>
        {
            publisher.Emit(Tick(n++)); // the circuit lets a batch through once its cool-down has passed
            return publisher.TransportStatus is { ConsecutiveSendFailures: 0, PayloadsFlushedTotal: > 0 };
        }, "the transport to recover", timeoutMs: 20_000);
        await publisher.FlushAsync();
        await Check(check); // the drops of the outage are reported once...
        HealthCheckResult recovered = await Check(check); // ...and then no longer
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
    }

    [Fact]
    public async Task Unhealthy_once_the_worker_has_stopped_for_good()
    {
        var transport = new RecordingTransport { Throw = new InvalidOperationException("transport bug") };
        TelemetryOptions options = Options(restartLimit: 0);
        await using var publisher = TelemetryPublisher.Create(options, transport);
        var check = new HeraldHealthCheck(publisher, options);
        publisher.Emit(Tick(1));
        await Eventually(() => !publisher.TransportStatus.WorkerAlive, "the worker to stop");

        HealthCheckResult result = await Check(check);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("has stopped", result.Description);
        Assert.Equal(false, result.Data["transport.0.worker_alive"]);
    }

    [Fact]
    public async Task Telemetry_off_by_configuration_is_healthy()
    {
        TelemetryOptions options = Options() with { Enabled = false };
        await using var publisher = TelemetryPublisher.Create(options, new RecordingTransport());
        publisher.Emit(Tick(1));
        HealthCheckResult result = await Check(new HeraldHealthCheck(publisher, options));
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("off by configuration", result.Description);
    }
}
