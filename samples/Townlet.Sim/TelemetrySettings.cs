using Herald;
using Herald.Events;
using Microsoft.Extensions.Configuration;

namespace Townlet.Sim;

/// <summary>
/// Where the run's telemetry settings come from, lowest first: the embedded defaults (a JSONL file under
/// <c>./telemetry/</c>) unless a settings file is used — <c>--config FILE</c>, or <c>./telemetry.yaml</c> when it exists
/// (the seed-000 shape) — then <c>--telemetry:key=value</c>
/// overrides. Everything goes through the runtime's own checker: a bad key stops the run naming every problem.
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
        builder.AddCommandLine(args.TelemetryOverrides.ToArray());
        if (args.TelemetryOverrides.Count > 0) origin += " + " + string.Join(" ", args.TelemetryOverrides);
        return (TelemetryOptions.FromConfiguration(builder.Build().GetSection("telemetry"), HeraldEvents.Registry), origin);
    }

    /// <summary>Where the events go, in words: <c>file → /abs/path</c>, <c>http → URL</c>, ...</summary>
    public static string Describe(TelemetryOptions options) => string.Join(", ", options.Connections.Select(t => t.Type switch
    {
        "file" or "prometheus" => $"{t.Type} → {Path.GetFullPath(t.FilePath!)}",
        "stdout" => "stdout",
        _ => $"{t.Type} → {t.Endpoint}",
    }));
}
