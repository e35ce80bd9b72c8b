using System;
using Herald;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds Herald to a <see cref="IHostApplicationBuilder"/> (<c>Host.CreateApplicationBuilder</c>, <c>WebApplication.CreateBuilder</c>).</summary>
public static class HeraldHostApplicationBuilderExtensions
{
    /// <summary>
    /// <c>builder.Services.AddHerald(builder.Configuration.GetSection(sectionName), ...)</c>: the options from the
    /// builder's configuration (appsettings, environment variables such as <c>telemetry__transport__type</c>, command
    /// line), checked when the host starts, the publisher as <see cref="ITelemetrySink"/>, and its hosted service.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="events">The project's event types (<c>HeraldEvents.Registry</c>), needed when transforms name kinds or fields.</param>
    /// <param name="sectionName">The configuration section (default <c>telemetry</c>).</param>
    /// <param name="configure">Changes to the options after they are read.</param>
    public static IHostApplicationBuilder AddHerald(this IHostApplicationBuilder builder, EventRegistry? events = null, string sectionName = "telemetry",
        Func<TelemetryOptions, TelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);
        builder.Services.AddHerald(builder.Configuration.GetSection(sectionName), events, configure);
        return builder;
    }
}
