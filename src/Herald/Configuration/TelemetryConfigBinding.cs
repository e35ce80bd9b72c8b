using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using R = Herald.Configuration.TelemetryConfigRules;

namespace Herald.Configuration;

/// <summary>
/// Where each key of <see cref="TelemetryConfigRules"/> lives in <see cref="TelemetryOptions"/>, both ways, with values
/// as configuration text. <see cref="Bind"/> reads a checked section into options: a value that failed its check keeps
/// the default, so everything else can still be checked. <see cref="Render"/> writes options built in code as a section,
/// which the validator runs through the same checker as a file — one set of checks and messages for all three.
/// </summary>
internal static class TelemetryConfigBinding
{
    private static readonly Binding<TelemetryOptions>[] TelemetryKeys =
    {
        Boolean<TelemetryOptions>(R.Enabled, o => o.Enabled, (o, v) => o with { Enabled = v }),
        Text<TelemetryOptions>(R.Source, o => o.Source, (o, v) => o with { Source = v }),
        Number<TelemetryOptions>(R.ShutdownTimeoutSeconds, o => o.ShutdownTimeout.TotalSeconds, (o, v) => o with { ShutdownTimeout = TimeSpan.FromSeconds(v) }),
    };

    /// <summary>The keys of one connection: <c>transport.*</c> without a list, else each item of <c>transports</c>.</summary>
    private static readonly Binding<TransportOptions>[] ConnectionKeys =
    {
        Text<TransportOptions>(R.TransportType, t => t.Type, (t, v) => t with { Type = v }),
        Text<TransportOptions>(R.FilePath, t => t.FilePath, (t, v) => t with { FilePath = v }),
        Text<TransportOptions>(R.Endpoint, t => t.Endpoint, (t, v) => t with { Endpoint = v }),
        Boolean<TransportOptions>(R.EnableTls, t => t.EnableTls, (t, v) => t with { EnableTls = v }),
        Text<TransportOptions>(R.Format, t => t.Format, (t, v) => t with { Format = v }),
        Text<TransportOptions>(R.Encoding, t => t.Encoding, (t, v) => t with { Encoding = v }),
        Text<TransportOptions>(R.Compression, t => t.Compression, (t, v) => t with { Compression = v }),
        Text<TransportOptions>(R.AuthTokenEnv, t => t.AuthTokenEnv, (t, v) => t with { AuthTokenEnv = v }),
        Text<TransportOptions>(R.MetricPrefix, t => t.MetricPrefix, (t, v) => t with { MetricPrefix = v }),
        Text<TransportOptions>(R.TlsCaFile, t => t.TlsCaFile, (t, v) => t with { TlsCaFile = v }),
        Text<TransportOptions>(R.TlsPinSha256, t => t.TlsPinSha256, (t, v) => t with { TlsPinSha256 = v }),
        Number<TransportOptions>(R.SendTimeoutSeconds, t => t.SendTimeoutSeconds, (t, v) => t with { SendTimeoutSeconds = v }),
        Text<TransportOptions>(R.FileMode, t => t.FileMode, (t, v) => t with { FileMode = v }),
        Text<TransportOptions>(R.DirectoryMode, t => t.DirectoryMode, (t, v) => t with { DirectoryMode = v }),
        Integer<TransportOptions>(R.MaxFileBytes, t => t.MaxFileBytes, (t, v) => t with { MaxFileBytes = v }),
        Number<TransportOptions>(R.RotateIntervalSeconds, t => t.RotateIntervalSeconds, (t, v) => t with { RotateIntervalSeconds = v }),
        Integer<TransportOptions>(R.RetainedFiles, t => t.RetainedFiles, (t, v) => t with { RetainedFiles = (int)v }),
        Boolean<TransportOptions>(R.CompressRotated, t => t.CompressRotated, (t, v) => t with { CompressRotated = v }),
    };

    /// <summary>The <c>transport.*</c> keys every transport shares (besides <c>buffer</c> and <c>worker</c>).</summary>
    private static readonly Binding<TransportOptions>[] SharedTransportKeys =
    {
        Number<TransportOptions>(R.WorkerPollSeconds, t => t.WorkerPollSeconds, (t, v) => t with { WorkerPollSeconds = v }),
    };

    private static readonly Binding<BufferOptions>[] BufferKeys =
    {
        Integer<BufferOptions>(R.MaxBatchSize, b => b.MaxBatchSize, (b, v) => b with { MaxBatchSize = (int)v }),
        Integer<BufferOptions>(R.MaxBufferBytes, b => b.MaxBufferBytes, (b, v) => b with { MaxBufferBytes = (int)v }),
        OptionalInteger<BufferOptions>(R.MaxEventBytes, b => b.MaxEventBytes, (b, v) => b with { MaxEventBytes = (int)v }),
        Integer<BufferOptions>(R.FlushIntervalTicks, b => b.FlushIntervalTicks, (b, v) => b with { FlushIntervalTicks = (int)v }),
    };

    private static readonly Binding<WorkerOptions>[] WorkerKeys =
    {
        Choice<WorkerOptions, BackpressureMode>(R.Backpressure, w => w.Backpressure, (w, v) => w with { Backpressure = v }),
        Number<WorkerOptions>(R.BlockTimeoutSeconds, w => w.BlockTimeoutSeconds, (w, v) => w with { BlockTimeoutSeconds = v }),
        Integer<WorkerOptions>(R.RestartLimit, w => w.RestartLimit, (w, v) => w with { RestartLimit = (int)v }),
        Integer<WorkerOptions>(R.SendRetryLimit, w => w.SendRetryLimit, (w, v) => w with { SendRetryLimit = (int)v }),
    };

    private static readonly Binding<TransformsOptions>[] TransformsKeys =
    {
        Boolean<TransformsOptions>(R.SchemaRedaction, t => t.SchemaRedaction, (t, v) => t with { SchemaRedaction = v }),
        Boolean<TransformsOptions>(R.LegacyAliases, t => t.LegacyAliases, (t, v) => t with { LegacyAliases = v }),
    };

    /// <summary>The rules of every bound key, for the test that each value rule of the table has exactly one binding.</summary>
    internal static IEnumerable<ConfigRule> BoundRules
        => TelemetryKeys.Select(b => b.Rule).Concat(ConnectionKeys.Select(b => b.Rule)).Concat(SharedTransportKeys.Select(b => b.Rule))
            .Concat(BufferKeys.Select(b => b.Rule)).Concat(WorkerKeys.Select(b => b.Rule)).Concat(TransformsKeys.Select(b => b.Rule));

    /// <summary>Options from a checked <c>telemetry:</c> section: only keys that are present and valid override the defaults.</summary>
    public static TelemetryOptions Bind(ConfigNode? section, List<TransformSpec> transforms)
    {
        var options = new TelemetryOptions();
        if (section is not { Kind: ConfigNodeKind.Mapping }) return options;
        options = Apply(TelemetryKeys, options, section);

        ConfigNode? transport = Child(section, R.Transport);
        TransportOptions t = Apply(SharedTransportKeys, Apply(ConnectionKeys, options.Transport, transport), transport);
        t = t with
        {
            Buffer = Apply(BufferKeys, t.Buffer, Child(transport, R.Buffer)),
            Worker = Apply(WorkerKeys, t.Worker, Child(transport, R.Worker)),
        };
        ImmutableArray<TransportOptions> list = section.Find(R.Transports.Name)?.Value is { Kind: ConfigNodeKind.Sequence } items
            ? items.Items.Select(item => Apply(ConnectionKeys, new TransportOptions(), item)).ToImmutableArray()
            : ImmutableArray<TransportOptions>.Empty;
        TransformsOptions f = Apply(TransformsKeys, options.Transforms, Child(section, R.Transforms));
        return options with
        {
            Resource = BindAttributes(section.Find(R.Resource.Name)?.Value, options.Resource),
            Transport = t,
            Transports = list,
            Transforms = f with { Pipeline = transforms.Select(ToOptions).ToImmutableArray() },
        };
    }

    /// <summary>
    /// Options as a <c>telemetry:</c> section, for the checker. Without <paramref name="withTypes"/> (transports given as
    /// instances) connections have no <c>type</c>. With a <c>transports</c> list, <c>transport</c> holds only the shared keys.
    /// </summary>
    public static ConfigNode Render(TelemetryOptions options, bool withTypes)
    {
        ConfigNode section = ConfigNode.Mapping(0, 0);
        Write(TelemetryKeys, options, section);
        TransportOptions t = options.Transport ?? new TransportOptions();
        bool list = !options.Transports.IsDefaultOrEmpty;
        ConfigNode transport = Add(section, R.Transport.Name, ConfigNode.Mapping(0, 0));
        if (!list) WriteConnection(t, transport, withTypes);
        Write(SharedTransportKeys, t, transport);
        Write(BufferKeys, t.Buffer ?? new BufferOptions(), Add(transport, R.Buffer.Name, ConfigNode.Mapping(0, 0)));
        Write(WorkerKeys, t.Worker ?? new WorkerOptions(), Add(transport, R.Worker.Name, ConfigNode.Mapping(0, 0)));
        if (list)
        {
            ConfigNode items = Add(section, R.Transports.Name, ConfigNode.Sequence(0, 0));
            foreach (TransportOptions? item in options.Transports)
            {
                ConfigNode node = item is null ? ConfigNode.Scalar(null, 0, 0) : ConfigNode.Mapping(0, 0);
                if (item is not null) WriteConnection(item, node, withTypes);
                items.Items.Add(node);
            }
        }
        if (options.Resource is { IsEmpty: false } resource) section.Entries.Add(new ConfigEntry(R.Resource.Name, 0, 0, RenderAttributes(resource)));
        TransformsOptions transforms = options.Transforms ?? new TransformsOptions();
        ConfigNode f = Add(section, R.Transforms.Name, ConfigNode.Mapping(0, 0));
        Write(TransformsKeys, transforms, f);
        if (!transforms.Pipeline.IsDefaultOrEmpty)
        {
            ConfigNode pipeline = Add(f, R.Pipeline.Name, ConfigNode.Sequence(0, 0));
            foreach (TransformOptions? transform in transforms.Pipeline) pipeline.Items.Add(RenderTransform(transform));
        }
        return section;
    }

    /// <summary>
    /// A checked <c>resource</c> mapping as typed values: quoted text is a string; plain <c>true</c>/<c>false</c> a
    /// boolean, a whole number a <see cref="long"/>, another number a <see cref="double"/>, anything else a string.
    /// </summary>
    private static ImmutableDictionary<string, object> BindAttributes(ConfigNode? node, ImmutableDictionary<string, object> empty)
    {
        if (node is not { Kind: ConfigNodeKind.Mapping }) return empty;
        ImmutableDictionary<string, object>.Builder values = empty.ToBuilder();
        foreach (ConfigEntry entry in node.Entries)
        {
            if (entry.Key.Trim().Length == 0 || entry.Value is not { Kind: ConfigNodeKind.Scalar, Value: { } text }) continue;
            values[entry.Key] = entry.Value.Quoted ? text
                : text is "true" or "false" ? text == "true"
                : ConfigText.TryParseInteger(text, out long integer) ? integer
                : ConfigText.TryParseNumber(text, out double number) && double.IsFinite(number) ? number
                : text;
        }
        return values.ToImmutable();
    }

    /// <summary>Resource attributes as the file would write them; a value of another type renders as a mapping, which the checker refuses.</summary>
    private static ConfigNode RenderAttributes(ImmutableDictionary<string, object> attributes)
    {
        ConfigNode mapping = ConfigNode.Mapping(0, 0);
        foreach (KeyValuePair<string, object> pair in attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ConfigNode value = pair.Value switch
            {
                string text => ConfigNode.Scalar(text, 0, 0),
                bool flag => ConfigNode.Scalar(flag ? "true" : "false", 0, 0),
                long or int or short or sbyte or byte or ushort or uint => ConfigNode.Scalar(Convert.ToInt64(pair.Value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), 0, 0),
                double number when double.IsFinite(number) => ConfigNode.Scalar(Invariant(number), 0, 0),
                float number when float.IsFinite(number) => ConfigNode.Scalar(Invariant(number), 0, 0),
                null => ConfigNode.Scalar(null, 0, 0),
                _ => ConfigNode.Mapping(0, 0),
            };
            Add(mapping, pair.Key, value);
        }
        return mapping;
    }

    private static void WriteConnection(TransportOptions t, ConfigNode into, bool withTypes)
    {
        foreach (Binding<TransportOptions> binding in ConnectionKeys)
        {
            if (withTypes || binding.Rule != R.TransportType) Write(binding, t, into);
        }
    }

    /// <summary>One transform as the file would write it: <c>{redact_fields: {fields: [...], kinds: [...]}}</c>.</summary>
    private static ConfigNode RenderTransform(TransformOptions? transform)
    {
        if (transform is null) return ConfigNode.Scalar(null, 0, 0);
        TransformRule rule = RuleOf(transform);
        var parameters = ConfigNode.Mapping(0, 0);
        if (transform is RedactFieldsTransform redact && !redact.Fields.IsDefaultOrEmpty) Add(parameters, R.FieldsParameter, Names(redact.Fields));
        if (transform is EnsureFieldsTransform { RequiredFieldsByKind: { } byKind })
        {
            ConfigNode kinds = Add(parameters, R.RequiredFieldsByKindParameter, ConfigNode.Mapping(0, 0));
            foreach (KeyValuePair<string, ImmutableArray<string>> pair in byKind) Add(kinds, pair.Key, Names(pair.Value));
        }
        if (!transform.Kinds.IsDefaultOrEmpty) Add(parameters, R.KindsParameter, Names(transform.Kinds));
        var item = ConfigNode.Mapping(0, 0);
        Add(item, rule.Name, parameters);
        return item;
    }

    private static ConfigNode Names(ImmutableArray<string> names)
    {
        var list = ConfigNode.Sequence(0, 0);
        if (!names.IsDefault)
        {
            foreach (string? name in names) list.Items.Add(ConfigNode.Scalar(name, 0, 0));
        }
        return list;
    }

    private static TransformRule RuleOf(TransformOptions transform) => transform switch
    {
        RedactFieldsTransform => R.RedactFields,
        EnsureFieldsTransform => R.EnsureFields,
        SchemaValidatorTransform => R.SchemaValidator,
        _ => R.SnapshotNormalizer,
    };

    private static TransformOptions ToOptions(TransformSpec spec)
    {
        ImmutableArray<string> kinds = spec.Kinds.Select(k => k.Name).ToImmutableArray();
        TransformRule? rule = R.TransformOf(spec.Name);
        if (rule == R.RedactFields) return new RedactFieldsTransform(spec.Fields.Select(f => f.Name).ToImmutableArray()) { Kinds = kinds };
        if (rule == R.EnsureFields)
        {
            return new EnsureFieldsTransform(spec.RequiredFieldsByKind.ToImmutableDictionary(p => p.Key.Name, p => p.Value.Select(f => f.Name).ToImmutableArray(), StringComparer.Ordinal))
            {
                Kinds = kinds,
            };
        }
        if (rule == R.SchemaValidator) return new SchemaValidatorTransform { Kinds = kinds };
        return new SnapshotNormalizerTransform { Kinds = kinds };
    }

    private static T Apply<T>(Binding<T>[] bindings, T target, ConfigNode? section)
    {
        if (section is not { Kind: ConfigNodeKind.Mapping }) return target;
        foreach (Binding<T> binding in bindings)
        {
            if (section.Find(binding.Rule.Name)?.Value is { Kind: ConfigNodeKind.Scalar, Value: { } text } && binding.Rule.Check(text) is null)
                target = binding.Write(target, text);
        }
        return target;
    }

    private static void Write<T>(Binding<T>[] bindings, T source, ConfigNode into)
    {
        foreach (Binding<T> binding in bindings) Write(binding, source, into);
    }

    private static void Write<T>(Binding<T> binding, T source, ConfigNode into)
    {
        if (binding.Read(source) is { } text) Add(into, binding.Rule.Name, ConfigNode.Scalar(text, 0, 0));
    }

    private static ConfigNode? Child(ConfigNode? section, ConfigRule rule)
        => section is { Kind: ConfigNodeKind.Mapping } && section.Find(rule.Name)?.Value is { Kind: ConfigNodeKind.Mapping } child ? child : null;

    private static ConfigNode Add(ConfigNode mapping, string key, ConfigNode value)
    {
        mapping.Entries.Add(new ConfigEntry(key, 0, 0, value));
        return value;
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static Binding<T> Boolean<T>(ConfigRule rule, Func<T, bool> get, Func<T, bool, T> set)
        => new(rule, o => get(o) ? "true" : "false", (o, text) => ConfigText.TryParseBoolean(text, out bool v) ? set(o, v) : o);

    private static Binding<T> Integer<T>(ConfigRule rule, Func<T, long> get, Func<T, long, T> set)
        => new(rule, o => get(o).ToString(CultureInfo.InvariantCulture), (o, text) => ConfigText.TryParseInteger(text, out long v) ? set(o, v) : o);

    private static Binding<T> OptionalInteger<T>(ConfigRule rule, Func<T, long?> get, Func<T, long, T> set)
        => new(rule, o => get(o)?.ToString(CultureInfo.InvariantCulture), (o, text) => ConfigText.TryParseInteger(text, out long v) ? set(o, v) : o);

    private static Binding<T> Number<T>(ConfigRule rule, Func<T, double> get, Func<T, double, T> set)
        => new(rule, o => Invariant(get(o)), (o, text) => ConfigText.TryParseNumber(text, out double v) ? set(o, v) : o);

    private static Binding<T> Text<T>(ConfigRule rule, Func<T, string?> get, Func<T, string, T> set)
        => new(rule, get, set);

    /// <summary>An enum option: its member's choice, or its number when it is no member (so the checker names the key).</summary>
    private static Binding<T> Choice<T, TEnum>(ConfigRule rule, Func<T, TEnum> get, Func<T, TEnum, T> set) where TEnum : struct, Enum
        => new(rule, o => ConfigChoices.Text(rule, get(o)) ?? get(o).ToString("D"), (o, text) => set(o, ConfigChoices.Parse<TEnum>(rule, text)));

    /// <summary>One key: how to read it from an options record as text, and how to write checked text into one.</summary>
    private sealed class Binding<T>(ConfigRule rule, Func<T, string?> read, Func<T, string, T> write)
    {
        public ConfigRule Rule { get; } = rule;

        public string? Read(T source) => read(source);

        public T Write(T target, string text) => write(target, text);
    }
}
