// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System;
using System.Globalization;

namespace Herald.Configuration;

/// <summary>How a configuration value is typed.</summary>
internal enum ConfigValueKind
{
    Section,
    Text,
    Boolean,
    Integer,
    Number,
    Choice,
    Pipeline,
    TransportList,
    /// <summary>A mapping of names to scalar values (string, number, boolean), e.g. <c>resource</c>.</summary>
    Attributes,
}

/// <summary>The form a text value must have (<see cref="ConfigText.CheckForm"/>); <see cref="Any"/> accepts all text.</summary>
internal enum ConfigTextForm
{
    Any,
    FileMode,
    DirectoryMode,
    MetricName,
    PublicKeyPin,
    HostPort,
    HttpUrl,
    WebSocketUrl,
}

/// <summary>
/// One key of the <c>telemetry:</c> section: its type, allowed range, choices or form, and default. Written only in
/// <see cref="TelemetryConfigRules"/>; the file checker, the binder and the options validator all read it.
/// </summary>
internal sealed class ConfigRule
{
    public ConfigRule(string path, ConfigValueKind kind, string? defaultText = null, double min = double.NaN, double max = double.NaN,
        bool minExclusive = false, string[]? choices = null, ConfigTextForm form = ConfigTextForm.Any, bool connection = false,
        bool tlsOnly = false, ConfigRule? atMost = null, string? onlyFor = null)
    {
        OnlyFor = onlyFor;
        Path = path;
        Name = path.Substring(path.LastIndexOf('.') + 1);
        Kind = kind;
        DefaultText = defaultText;
        Min = min;
        Max = max;
        MinExclusive = minExclusive;
        Choices = choices ?? Array.Empty<string>();
        Form = form;
        IsConnectionKey = connection;
        TlsOnly = tlsOnly;
        AtMost = atMost;
    }

    /// <summary>The key below <c>telemetry.</c>, dotted: <c>transport.buffer.max_batch_size</c>.</summary>
    public string Path { get; }

    /// <summary>The last part of <see cref="Path"/>: <c>max_batch_size</c>.</summary>
    public string Name { get; }

    public ConfigValueKind Kind { get; }

    /// <summary>The default as configuration text (<c>512</c>, <c>true</c>, <c>drop_oldest</c>), or null when the key has none.</summary>
    public string? DefaultText { get; }

    public double Min { get; }

    public double Max { get; }

    public bool MinExclusive { get; }

    public string[] Choices { get; }

    /// <summary>For <see cref="ConfigValueKind.Text"/>: the form the text must have.</summary>
    public ConfigTextForm Form { get; }

    /// <summary>A key of one connection (<c>transport.*</c> and each item of <c>transports</c>), not shared by all transports.</summary>
    public bool IsConnectionKey { get; }

    /// <summary>Only allowed on a connection that uses TLS (<see cref="TelemetryConfigRules.UsesTls"/>).</summary>
    public bool TlsOnly { get; }

    /// <summary>The one transport type that reads this connection key; on any other type it is an error. Null: every type may have it.</summary>
    public string? OnlyFor { get; }

    /// <summary>A sibling key (given, or its default) this key's value may not exceed.</summary>
    public ConfigRule? AtMost { get; }

    /// <summary><see cref="DefaultText"/> as a number (NaN when there is none).</summary>
    public double DefaultNumber => DefaultText is { } text && ConfigText.TryParseNumber(text, out double value) ? value : double.NaN;

    /// <summary><see cref="DefaultText"/> as a whole number (0 when there is none).</summary>
    public long DefaultInteger => DefaultText is { } text && ConfigText.TryParseInteger(text, out long value) ? value : 0;

    /// <summary><see cref="DefaultText"/> as a boolean (false when there is none).</summary>
    public bool DefaultBoolean => DefaultText is { } text && ConfigText.TryParseBoolean(text, out bool value) && value;

    /// <summary>
    /// Why <paramref name="text"/> is not a value of this key, or null when it is. The one check of a single value: the
    /// file checker runs it on the text as written, the options validator on the value an option holds, as text.
    /// </summary>
    public string? Check(string text)
    {
        switch (Kind)
        {
            case ConfigValueKind.Boolean:
                return ConfigText.TryParseBoolean(text, out _) ? null : "must be true or false";
            case ConfigValueKind.Integer:
                return ConfigText.TryParseInteger(text, out long integer) ? CheckRange(integer) : "must be a whole number";
            case ConfigValueKind.Number:
                return ConfigText.TryParseNumber(text, out double number) ? CheckRange(number) : "must be a number";
            case ConfigValueKind.Choice:
                if (Array.IndexOf(Choices, text) >= 0) return null;
                string? near = ConfigText.ClosestMatch(text, Choices);
                return "must be one of " + string.Join(", ", Choices) + (near is null ? "" : $"; did you mean '{near}'?");
            case ConfigValueKind.Text:
                return ConfigText.CheckForm(Form, text);
            default:
                return null;
        }
    }

    /// <summary>Why <paramref name="value"/> is out of range, or null when it is allowed.</summary>
    public string? CheckRange(double value)
    {
        bool belowMin = MinExclusive ? !(value > Min) : !(value >= Min);
        if (!belowMin && value <= Max) return null;
        string low = MinExclusive ? "greater than " + Format(Min) : "at least " + Format(Min);
        return $"must be {low} and at most {Format(Max)}";
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The transports the runtime creates by name (<c>type</c>); the factory opens one per kind.</summary>
internal enum TransportKind
{
    Stdout,
    File,
    Tcp,
    Http,
    WebSocket,
    Prometheus,
    Otlp,
    Stub,
}

/// <summary>
/// One transport <c>type</c>: the key it requires (and the form of its value), whether it may be one of several
/// transports, and, for transports that create files, the modes they use when <c>file_mode</c> / <c>directory_mode</c>
/// are not set.
/// </summary>
internal sealed class TransportRule
{
    public TransportRule(string type, TransportKind kind, ConfigRule? required = null, ConfigTextForm requiredForm = ConfigTextForm.Any,
        string? requiredReason = null, bool allowedInList = true, string? defaultFileMode = null, string? defaultDirectoryMode = null,
        bool requiredOptional = false)
    {
        RequiredOptional = requiredOptional;
        Type = type;
        Kind = kind;
        Required = required;
        RequiredForm = requiredForm;
        RequiredReason = requiredReason ?? "";
        AllowedInList = allowedInList;
        DefaultFileMode = defaultFileMode;
        DefaultDirectoryMode = defaultDirectoryMode;
    }

    /// <summary>The value of <c>type</c>.</summary>
    public string Type { get; }

    public TransportKind Kind { get; }

    /// <summary>The connection key this transport cannot run without, or null.</summary>
    public ConfigRule? Required { get; }

    /// <summary>
    /// <see cref="Required"/> may be left out (the transport has a default for it); when it is given, it must have
    /// <see cref="RequiredForm"/>, and <see cref="RequiredReason"/> says what it must be.
    /// </summary>
    public bool RequiredOptional { get; }

    /// <summary>The form <see cref="Required"/>'s value must have.</summary>
    public ConfigTextForm RequiredForm { get; }

    /// <summary>The error when <see cref="Required"/> is missing, blank or not of <see cref="RequiredForm"/>.</summary>
    public string RequiredReason { get; }

    /// <summary>False for the stub, which replaces every transport and so cannot be one of several.</summary>
    public bool AllowedInList { get; }

    /// <summary>Octal mode of files the transport creates when <c>file_mode</c> is not set; null for transports that create none.</summary>
    public string? DefaultFileMode { get; }

    /// <summary>Octal mode of directories the transport creates when <c>directory_mode</c> is not set.</summary>
    public string? DefaultDirectoryMode { get; }

    /// <summary>Why <paramref name="value"/> does not meet the requirement, or null (also when there is no requirement).</summary>
    public string? CheckRequired(string? value)
    {
        if (Required is null) return null;
        if (value is null || value.Trim().Length == 0) return RequiredReason;
        return ConfigText.CheckForm(RequiredForm, value) is null ? null : RequiredReason;
    }
}

/// <summary>One transform of <c>transforms.pipeline</c>: its name, the parameters it takes and the one it requires.</summary>
internal sealed class TransformRule
{
    public TransformRule(string name, string[] parameters, string? required = null, string? requiredReason = null,
        string? refused = null, string? refusedReason = null)
    {
        Name = name;
        Parameters = parameters;
        RequiredParameter = required;
        RequiredReason = requiredReason ?? "";
        RefusedParameter = refused;
        RefusedReason = refusedReason ?? "";
    }

    public string Name { get; }

    public string[] Parameters { get; }

    public string? RequiredParameter { get; }

    public string RequiredReason { get; }

    /// <summary>A parameter other tools take that Herald refuses with an explanation, or null.</summary>
    public string? RefusedParameter { get; }

    public string RefusedReason { get; }
}
