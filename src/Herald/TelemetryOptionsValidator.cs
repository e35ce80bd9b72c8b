using System;
using System.Collections.Generic;
using System.Linq;
using Herald.Configuration;

namespace Herald;

/// <summary>
/// Checks <see cref="TelemetryOptions"/> built in code (files and configuration sections are checked while they are
/// read) and reports every invalid value at once. The options are written out as a <c>telemetry:</c> section and run
/// through the same checker and rule table as a file and the HER201 analyzer, so the keys, values and reasons are the
/// ones a file with the same settings gets.
/// </summary>
public static class TelemetryOptionsValidator
{
    /// <summary>Transport types this runtime can create by name.</summary>
    public static IReadOnlyList<string> TransportTypes => TelemetryConfigRules.TransportTypes;

    /// <summary>All problems, empty when the options are valid.</summary>
    /// <param name="options">The options.</param>
    /// <param name="checkTransport">False when a transport instance is supplied in code, so <c>type</c> is not used.</param>
    public static IReadOnlyList<ConfigError> Validate(TelemetryOptions options, bool checkTransport = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        TelemetryConfigChecker checker = TelemetryConfigChecker.CheckSection(TelemetryConfigBinding.Render(options, checkTransport), checkTransport);
        List<ConfigIssue> issues = checker.Issues;
        AddRuntimeIssues(issues, options, checker.Transforms);
        return issues.Select(i => new ConfigError(i.Key, i.Value, i.Reason)).ToList();
    }

    /// <summary>Throws <see cref="TelemetryConfigException"/> naming every invalid value.</summary>
    public static void ThrowIfInvalid(TelemetryOptions options, bool checkTransport = true)
    {
        IReadOnlyList<ConfigError> errors = Validate(options, checkTransport);
        if (errors.Count > 0) throw new TelemetryConfigException(errors);
    }

    /// <summary>
    /// What only the running process can tell, added to the checker's issues: whether each <c>auth_token_env</c> variable
    /// is set (only when telemetry is enabled: no connection is opened otherwise), and whether the event kinds and fields
    /// the transforms name exist among the project's event types.
    /// </summary>
    internal static void AddRuntimeIssues(List<ConfigIssue> issues, TelemetryOptions options, List<TransformSpec> transforms)
    {
        bool list = !options.Transports.IsDefaultOrEmpty;
        for (int i = 0; options.Enabled && i < options.Connections.Length; i++)
        {
            // The value named is the variable, never the secret it holds.
            if (options.Connections[i]?.AuthTokenEnv is { } variable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
                issues.Add(new ConfigIssue(TelemetryConfigRules.ConnectionKey(list, i) + "." + TelemetryConfigRules.AuthTokenEnv.Name, variable, TelemetryConfigRules.AuthTokenUnsetReason, 0, 0));
        }

        bool namesEvents = transforms.Any(s => s.Kinds.Count > 0 || s.Fields.Count > 0 || s.RequiredFieldsByKind.Count > 0);
        if (!namesEvents) return;
        EventRegistry? events;
        try
        {
            events = EventRegistration.ForOptions(options.Events);
        }
        catch (TelemetryConfigException ex)
        {
            issues.AddRange(ex.Errors.Select(e => new ConfigIssue(e.Key, e.Value, e.Reason, 0, 0)));
            return;
        }
        if (events is null)
        {
            issues.Add(new ConfigIssue(TelemetryConfigRules.Key(TelemetryConfigRules.Pipeline), null,
                "names event kinds or fields, but no event types are known: add schemas to the project (its generated events register themselves), or set TelemetryOptions.Events", 0, 0));
            return;
        }
        issues.AddRange(TelemetryConfigChecker.CheckEvents(transforms, new RegistryCatalog(events)));
    }
}
