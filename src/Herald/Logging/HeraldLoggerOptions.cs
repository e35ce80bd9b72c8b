using Microsoft.Extensions.Logging;

namespace Herald.Logging;

/// <summary>What <see cref="HeraldLoggerProvider"/> turns into <c>app.event</c> events.</summary>
public sealed class HeraldLoggerOptions
{
    /// <summary>
    /// The least level emitted (default <see cref="LogLevel.Information"/>). The host's logging filters apply as well,
    /// under the provider alias <c>Herald</c> (<c>Logging:Herald:LogLevel</c>).
    /// </summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Information;
}
