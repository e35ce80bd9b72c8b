using System;
using Herald;
using Herald.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Herald with a host.</summary>
public static class HeraldServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="TelemetryPublisher"/> as <see cref="ITelemetrySink"/>, configured from a <c>telemetry</c>
    /// section, and a hosted service that owns the worker's lifetime: it is created when the host starts and flushed
    /// and closed within <c>shutdown_timeout_seconds</c> when the host stops.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="telemetry">The <c>telemetry</c> section, e.g. <c>configuration.GetSection("telemetry")</c>.</param>
    /// <param name="events">The project's event types (<c>HeraldEvents.Registry</c>), needed when transforms name kinds or fields.</param>
    /// <param name="configure">Changes to the options after they are read (e.g. a source name).</param>
    /// <exception cref="TelemetryConfigException">Here, at registration: the section is invalid; every bad key is named.</exception>
    public static IServiceCollection AddHerald(this IServiceCollection services, IConfiguration telemetry, EventRegistry? events = null,
        Func<TelemetryOptions, TelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(telemetry);
        TelemetryOptions options = TelemetryOptions.FromConfiguration(telemetry, events);
        if (configure is not null) options = configure(options);
        TelemetryOptionsValidator.ThrowIfInvalid(options);
        return services.AddHerald(options);
    }

    /// <summary>Registers Herald with options built in code; see the configuration overload.</summary>
    public static IServiceCollection AddHerald(this IServiceCollection services, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        TelemetryOptionsValidator.ThrowIfInvalid(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(provider => TelemetryPublisher.Create(
            provider.GetRequiredService<TelemetryOptions>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("Herald")));
        services.TryAddSingleton<ITelemetrySink>(provider => provider.GetRequiredService<TelemetryPublisher>());
        services.AddHostedService<HeraldHostedService>();
        return services;
    }
}
