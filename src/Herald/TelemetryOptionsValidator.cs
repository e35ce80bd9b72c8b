using System.Collections.Generic;
using System.Globalization;

namespace Herald;

/// <summary>Checks <see cref="TelemetryOptions"/> and reports every invalid value at once.</summary>
public static class TelemetryOptionsValidator
{
    /// <summary>Transport types this runtime can create by name.</summary>
    public static readonly IReadOnlyList<string> TransportTypes = new[] { "stdout", "file" };

    /// <summary>All problems, empty when the options are valid.</summary>
    public static IReadOnlyList<ConfigError> Validate(TelemetryOptions options, bool checkTransport = true)
    {
        var errors = new List<ConfigError>();
        TransportOptions t = options.Transport;
        const string Prefix = "telemetry.transport.";
        if (checkTransport)
        {
            if (!((IList<string>)TransportTypes).Contains(t.Type))
                errors.Add(new ConfigError(Prefix + "type", t.Type, "unknown transport type; expected one of " + string.Join(", ", TransportTypes)));
            if (t.Type == "file" && string.IsNullOrWhiteSpace(t.FilePath))
                errors.Add(new ConfigError(Prefix + "file_path", t.FilePath, "required for the file transport"));
        }
        Positive(errors, Prefix + "worker_poll_seconds", t.WorkerPollSeconds, max: 3600);
        Range(errors, Prefix + "buffer.max_batch_size", t.Buffer.MaxBatchSize, 1, 1_000_000);
        Range(errors, Prefix + "buffer.max_buffer_bytes", t.Buffer.MaxBufferBytes, 8 * 1024, 1 << 30);
        Range(errors, Prefix + "buffer.flush_interval_ticks", t.Buffer.FlushIntervalTicks, 0, int.MaxValue);
        Positive(errors, Prefix + "worker.block_timeout_seconds", t.Worker.BlockTimeoutSeconds, max: 3600);
        Range(errors, Prefix + "worker.restart_limit", t.Worker.RestartLimit, 0, 1000);
        Range(errors, Prefix + "worker.send_retry_limit", t.Worker.SendRetryLimit, 0, 1000);
        if (options.ShutdownTimeout < System.TimeSpan.Zero)
            errors.Add(new ConfigError("telemetry.shutdown_timeout_seconds", options.ShutdownTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), "must not be negative"));
        return errors;
    }

    /// <summary>Throws <see cref="TelemetryConfigException"/> naming every invalid value.</summary>
    public static void ThrowIfInvalid(TelemetryOptions options, bool checkTransport = true)
    {
        IReadOnlyList<ConfigError> errors = Validate(options, checkTransport);
        if (errors.Count > 0) throw new TelemetryConfigException(errors);
    }

    private static void Range(List<ConfigError> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            errors.Add(new ConfigError(key, value.ToString(CultureInfo.InvariantCulture), $"must be between {min} and {max}"));
    }

    private static void Positive(List<ConfigError> errors, string key, double value, double max)
    {
        if (!(value > 0 && value <= max))
            errors.Add(new ConfigError(key, value.ToString(CultureInfo.InvariantCulture), $"must be greater than 0 and at most {max}"));
    }
}
