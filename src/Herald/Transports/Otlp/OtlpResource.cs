using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Herald.Configuration;

namespace Herald.Transports.Otlp;

/// <summary>
/// The resource and scope every otlp request carries, resolved once per transport: <c>telemetry.resource</c> over
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>service.name</c> by precedence (configured resource, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>telemetry.source</c>, <c>unknown_service:&lt;process&gt;</c>), and the
/// <c>telemetry.sdk.*</c> attributes; scope <c>Herald</c> at the assembly's version.
/// </summary>
internal sealed class OtlpResource
{
    public const string ServiceName = "service.name";
    public const string ResourceAttributesVariable = "OTEL_RESOURCE_ATTRIBUTES";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    private OtlpResource(List<Attribute> attributes)
    {
        Attributes = attributes;
    }

    /// <summary>In order: <c>service.name</c>, the other attributes by name, then <c>telemetry.sdk.*</c>.</summary>
    public IReadOnlyList<Attribute> Attributes { get; }

    public byte[] ScopeName { get; } = "Herald"u8.ToArray();

    /// <summary>The Herald assembly's informational version without its <c>+commit</c> suffix.</summary>
    public byte[] ScopeVersion { get; } = Encoding.UTF8.GetBytes(Version);

    public static string Version { get; } = HeraldVersion();

    /// <summary>Resolves the resource.</summary>
    /// <exception cref="TelemetryConfigException"><c>OTEL_RESOURCE_ATTRIBUTES</c> is not a <c>key=value,...</c> list.</exception>
    public static OtlpResource Resolve(ImmutableDictionary<string, object>? configured, string? source, Func<string, string?> environment)
    {
        var merged = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (environment(ResourceAttributesVariable) is { Length: > 0 } fromEnvironment)
        {
            foreach (KeyValuePair<string, string> pair in OtlpSettings.ParseList(fromEnvironment, ResourceAttributesVariable, secret: false)) merged[pair.Key] = pair.Value;
        }
        object? environmentService = merged.GetValueOrDefault(ServiceName);
        foreach (KeyValuePair<string, object> pair in configured ?? ImmutableDictionary<string, object>.Empty) merged[pair.Key] = Normalize(pair.Value);
        object service = configured?.GetValueOrDefault(ServiceName) is { } own ? Normalize(own)
            : environment(ServiceNameVariable) is { Length: > 0 } named ? named
            : environmentService ?? (source is { Length: > 0 } ? source : "unknown_service:" + ProcessName());
        merged.Remove(ServiceName);
        merged.Remove("telemetry.sdk.name");
        merged.Remove("telemetry.sdk.language");
        merged.Remove("telemetry.sdk.version");

        var attributes = new List<Attribute> { new(ServiceName, service) };
        foreach (KeyValuePair<string, object> pair in merged) attributes.Add(new Attribute(pair.Key, pair.Value));
        attributes.Add(new Attribute("telemetry.sdk.name", "herald"));
        attributes.Add(new Attribute("telemetry.sdk.language", "dotnet"));
        attributes.Add(new Attribute("telemetry.sdk.version", Version));
        return new OtlpResource(attributes);
    }

    /// <summary>A configured value as one of the four types an attribute keeps (string, long, double, bool).</summary>
    private static object Normalize(object value) => value switch
    {
        bool or long or double or string => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float number => (double)number,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string ProcessName()
    {
        try
        {
            using Process process = Process.GetCurrentProcess();
            return process.ProcessName;
        }
        catch (InvalidOperationException)
        {
            return "dotnet";
        }
    }

    private static string HeraldVersion()
    {
        string version = typeof(OtlpResource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(OtlpResource).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version.Substring(0, plus);
    }

    /// <summary>One resource attribute: its UTF-8 key and a string, long, double or bool value.</summary>
    public sealed class Attribute
    {
        public Attribute(string key, object value)
        {
            Name = key;
            Key = Encoding.UTF8.GetBytes(key);
            Value = value;
            Utf8String = value is string text ? Encoding.UTF8.GetBytes(text) : Array.Empty<byte>();
        }

        public string Name { get; }

        public byte[] Key { get; }

        public object Value { get; }

        /// <summary>The value's UTF-8 when it is a string.</summary>
        public byte[] Utf8String { get; }
    }
}
