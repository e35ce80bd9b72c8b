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
        string? file = args.ConfigFile ?? (File.Exists("telemetry.yaml") ? "telemetry.yaml" : null);
        IConfigurationRoot root = Build(file, args, embeddedDefaults: file is null);
        // The embedded defaults name one transport; a transports list from the environment or the command line
        // replaces them instead of clashing with them.
        bool listGiven = root.GetSection("telemetry:transports").GetChildren().Any();
        if (file is null && listGiven) root = Build(file, args, embeddedDefaults: false);

        string origin = file is not null ? Path.GetFullPath(file) : listGiven ? "no file" : "embedded defaults";
        IEnumerable<string> fromEnvironment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("TELEMETRY__", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal);
        if (fromEnvironment.Any()) origin += " + environment " + string.Join(" ", fromEnvironment);
        if (args.TelemetryOverrides.Count > 0) origin += " + " + string.Join(" ", args.TelemetryOverrides);
        return (TelemetryOptions.FromConfiguration(root.GetSection("telemetry"), events: null), origin);
    }

    private static IConfigurationRoot Build(string? file, SimArguments args, bool embeddedDefaults)
    {
        var builder = new ConfigurationBuilder();
        if (embeddedDefaults)
        {
            builder.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["telemetry:transport:type"] = "file",
                ["telemetry:transport:file_path"] = DefaultFile,
            });
        }
        if (file is not null) builder.AddTelemetryFile(file);
        // All variables, as a generic host adds them: only TELEMETRY__* land in the telemetry section read below.
        builder.AddEnvironmentVariables();
        builder.AddCommandLine(args.TelemetryOverrides.ToArray());
        return builder.Build();
    }

    /// <summary>Where the events go, in words: <c>file → /abs/path</c>, <c>http → URL</c>, ...</summary>
    public static string Describe(TelemetryOptions options) => options.IsStub ? "stub (nothing is sent)" : string.Join(", ", options.Connections.Select(t => t.Type switch
    {
        "file" or "prometheus" => $"{t.Type} → {Path.GetFullPath(t.FilePath!)}",
        "stdout" => "stdout",
        _ => $"{t.Type} → {t.Endpoint}",
    }));
}
