using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>
/// Builds <see cref="TelemetryOptions"/> for <c>IOptions&lt;TelemetryOptions&gt;</c>: read from the <c>telemetry</c> section
/// (or taken as given in code), changed by the caller's <c>configure</c>, then checked by every
/// <see cref="IValidateOptions{TOptions}"/> — <see cref="TelemetryOptionsValidation"/> among them. The options are an
/// immutable record, so they are built here rather than by configure actions on a blank instance; a section that
/// cannot be read fails with the same <see cref="OptionsValidationException"/> as one that reads but is invalid.
/// </summary>
internal sealed class TelemetryOptionsFactory(
    Func<TelemetryOptions> read,
    Func<TelemetryOptions, TelemetryOptions>? configure,
    IEnumerable<IConfigureOptions<TelemetryOptions>> setups,
    IEnumerable<IPostConfigureOptions<TelemetryOptions>> postConfigures,
    IEnumerable<IValidateOptions<TelemetryOptions>> validations)
    : OptionsFactory<TelemetryOptions>(setups, postConfigures, validations)
{
    protected override TelemetryOptions CreateInstance(string name)
    {
        TelemetryOptions options;
        try
        {
            options = read();
        }
        catch (TelemetryConfigException ex)
        {
            throw new OptionsValidationException(name, typeof(TelemetryOptions), ex.Errors.Select(e => e.ToString()));
        }
        return configure is null ? options : configure(options);
    }
}
