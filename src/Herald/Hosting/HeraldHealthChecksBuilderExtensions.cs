using System.Collections.Generic;
using Herald;
using Herald.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Herald's health check to <c>services.AddHealthChecks()</c>.</summary>
public static class HeraldHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports the publisher registered by <c>AddHerald</c>: Unhealthy (or <paramref name="failureStatus"/>) when a
    /// transport's worker has stopped, Degraded while sends fail or events were dropped since the previous check, else
    /// Healthy; the counts are in the result's data (docs/hosting.md).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">What a stopped worker reports; Unhealthy when null.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>).</param>
    public static IHealthChecksBuilder AddHerald(this IHealthChecksBuilder builder, string name = "herald", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        System.ArgumentNullException.ThrowIfNull(builder);
        // One instance for the host's lifetime: "dropped since the previous check" needs the previous check's count.
        builder.Services.TryAddSingleton(provider => new HeraldHealthCheck(provider.GetRequiredService<TelemetryPublisher>(), provider.GetRequiredService<TelemetryOptions>()));
        return builder.Add(new HealthCheckRegistration(name, provider => provider.GetRequiredService<HeraldHealthCheck>(), failureStatus, tags));
    }
}
