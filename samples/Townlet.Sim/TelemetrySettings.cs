using Herald;
using Herald.Events;
using Microsoft.Extensions.Configuration;

namespace Townlet.Sim;

/// <summary>
/// Where the run's telemetry settings come from, lowest first: the embedded defaults (a JSONL file under
/// <c>./telemetry/</c>) unless a settings file is used — <c>--config FILE</c>, or <c>./telemetry.yaml</c> when it exists —
/// then <c>TELEMETRY__KEY__SUBKEY=value</c> environment variables, then <c>--telemetry:key=value</c> overrides.
/// Everything goes through the runtime's own checker: a bad key stops the run naming every problem. The event types
/// transforms may name are the registered ones: the canonical events and the town's own (world.snapshot, world.diff).
/// </summary>
internal static class TelemetrySettings
{
    public const string DefaultFile = "telemetry/events.jsonl";

    public static (TelemetryOptions Options, string Origin) Load(SimArguments args)
    {
        var builder = new ConfigurationBuilder();
        string? file = args.ConfigFile ?? (File.Exists("telemetry.yaml") ? "telemetry.yaml" : null);
        string origin;
        if (file is null)
        {
            builder.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["telemetry:transport:type"] = "file",
                ["telemetry:transport:file_path"] = DefaultFile,
            });
            origin = "embedded defaults";
        }
        else
        {
            builder.AddTelemetryFile(file);
            origin = Path.GetFullPath(file);
        }
        // All variables, as a generic host adds them: only TELEMETRY__* land in the telemetry section read below.
        builder.AddEnvironmentVariables();
        IEnumerable<string> fromEnvironment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("TELEMETRY__", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal);
        if (fromEnvironment.Any()) origin += " + environment " + string.Join(" ", fromEnvironment);
        builder.AddCommandLine(args.TelemetryOverrides.ToArray());
        if (args.TelemetryOverrides.Count > 0) origin += " + " + string.Join(" ", args.TelemetryOverrides);
        IConfigurationRoot root = builder.Build();
        return (TelemetryOptions.FromConfiguration(root.GetSection("telemetry"), events: null), origin);
    }

    /// <summary>Where the events go, in words: <c>file → /abs/path</c>, <c>http → URL</c>, ...</summary>
    public static string Describe(TelemetryOptions options) => options.IsStub ? "stub (nothing is sent)" : string.Join(", ", options.Connections.Select(t => t.Type switch
    {
        "file" or "prometheus" => $"{t.Type} → {Path.GetFullPath(t.FilePath!)}",
        "stdout" => "stdout",
        _ => $"{t.Type} → {t.Endpoint}",
    }));
}
