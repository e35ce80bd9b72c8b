using System;
using Herald;
using Herald.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Logging;

/// <summary>Routes a host's <see cref="ILogger"/> logs through Herald as <c>app.event</c> events.</summary>
public static class HeraldLoggingBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="HeraldLoggerProvider"/>: every log from <see cref="LogLevel.Information"/> up becomes an
    /// <c>app.event</c> emitted to the host's <see cref="ITelemetrySink"/> (<c>services.AddHerald(...)</c>), resolved on the
    /// first log. Herald's own logs (categories <c>Herald</c>, <c>Herald.*</c>) are never fed back.
    /// </summary>
    public static ILoggingBuilder AddHerald(this ILoggingBuilder builder) => builder.AddHerald(static _ => { });

    /// <summary>Adds <see cref="HeraldLoggerProvider"/> with options (the minimum level); see the other overload.</summary>
    public static ILoggingBuilder AddHerald(this ILoggingBuilder builder, Action<HeraldLoggerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new HeraldLoggerOptions();
        configure(options);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, HeraldLoggerProvider>(
            services => new HeraldLoggerProvider(() => services.GetService<ITelemetrySink>(), options)));
        return builder;
    }
}
