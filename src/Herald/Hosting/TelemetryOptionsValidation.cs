using System.Linq;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>
/// <see cref="IValidateOptions{TOptions}"/> over the configuration rule table: the keys, values and reasons are the ones
/// <see cref="TelemetryOptionsValidator"/>, a <c>telemetry.yaml</c> and the HER201 analyzer report, every one at once.
/// </summary>
internal sealed class TelemetryOptionsValidation : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = TelemetryOptionsValidator.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
    }
}
