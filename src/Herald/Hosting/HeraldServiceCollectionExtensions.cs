using System;
using System.Linq;
using System.Diagnostics.Metrics;
using Herald;
using Herald.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Herald with a host.</summary>
public static class HeraldServiceCollectionExtensions
{
    /// <summary>
    /// Registers <c>IOptions&lt;TelemetryOptions&gt;</c> read from a <c>telemetry</c> section and checked when the host
    /// starts (<c>ValidateOnStart</c>), a <see cref="TelemetryPublisher"/> as <see cref="ITelemetrySink"/>, and a hosted
    /// service that owns the worker's lifetime: the publisher is created when the host starts, and flushed and closed
    /// within <c>shutdown_timeout_seconds</c> (or the host's shutdown timeout, if shorter) when the host stops.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="telemetry">The <c>telemetry</c> section, e.g. <c>configuration.GetSection("telemetry")</c>.</param>
    /// <param name="events">The project's event types (<c>HeraldEvents.Registry</c>), needed when transforms name kinds or fields.</param>
    /// <param name="configure">Changes to the options after they are read (e.g. a source name).</param>
    /// <remarks>An invalid section fails the host's start with an <see cref="OptionsValidationException"/> naming every bad key.</remarks>
    /// <exception cref="InvalidOperationException">AddHerald was already called on <paramref name="services"/>.</exception>
    public static IServiceCollection AddHerald(this IServiceCollection services, IConfiguration telemetry, EventRegistry? events = null,
        Func<TelemetryOptions, TelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(telemetry);
        return services.AddHeraldCore(() => TelemetryOptions.FromConfiguration(telemetry, events), configure);
    }

    /// <summary>Registers Herald with options built in code; see the configuration overload.</summary>
    public static IServiceCollection AddHerald(this IServiceCollection services, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        return services.AddHeraldCore(() => options, configure: null);
    }

    private static IServiceCollection AddHeraldCore(this IServiceCollection services, Func<TelemetryOptions> read, Func<TelemetryOptions, TelemetryOptions>? configure)
    {
        // A second call would be ignored (one publisher, one set of options per container): say so instead.
        if (services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(HeraldHostedService)))
            throw new InvalidOperationException("AddHerald was already called on this service collection: Herald registers one publisher with one set of options. Call it once.");
        services.AddOptions<TelemetryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidation>());
        services.TryAddSingleton<IOptionsFactory<TelemetryOptions>>(provider => new TelemetryOptionsFactory(read, configure,
            provider.GetServices<IConfigureOptions<TelemetryOptions>>(),
            provider.GetServices<IPostConfigureOptions<TelemetryOptions>>(),
            provider.GetServices<IValidateOptions<TelemetryOptions>>()));
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<TelemetryOptions>>().Value);
        services.TryAddSingleton(provider => TelemetryPublisher.Create(
            provider.GetRequiredService<TelemetryOptions>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("Herald"),
            provider.GetService<IMeterFactory>()));
        services.TryAddSingleton<ITelemetrySink>(provider => provider.GetRequiredService<TelemetryPublisher>());
        services.AddHostedService<HeraldHostedService>();
        return services;
    }
}
