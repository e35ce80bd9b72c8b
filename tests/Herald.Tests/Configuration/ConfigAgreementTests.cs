using System.Globalization;
using Herald.Configuration;
using Herald.Transports;
using Microsoft.Extensions.Configuration;

namespace Herald.Tests.Configuration;

/// <summary>
/// A YAML file, an <see cref="IConfiguration"/> section and options built in code give the same options, or the same
/// errors (key, value, reason), for every key of the rule table and every transport type's requirement. The values
/// tried are derived from the table (in range, just out of range, another choice, a malformed form), so a new key is
/// covered as soon as it has a row and a setter below.
/// </summary>
public sealed class ConfigAgreementTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-agree-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>How code sets each key: written here by hand, independently of the runtime's binder.</summary>
    private static readonly Dictionary<string, Func<TelemetryOptions, string, TelemetryOptions>> InCode = new()
    {
        ["enabled"] = (o, v) => o with { Enabled = bool.Parse(v) },
        ["source"] = (o, v) => o with { Source = v },
        ["shutdown_timeout_seconds"] = (o, v) => o with { ShutdownTimeout = TimeSpan.FromSeconds(Number(v)) },
        ["transport.type"] = (o, v) => Connection(o, t => t with { Type = v }),
        ["transport.file_path"] = (o, v) => Connection(o, t => t with { FilePath = v }),
        ["transport.endpoint"] = (o, v) => Connection(o, t => t with { Endpoint = v }),
        ["transport.enable_tls"] = (o, v) => Connection(o, t => t with { EnableTls = bool.Parse(v) }),
        ["transport.format"] = (o, v) => Connection(o, t => t with { Format = v }),
        ["transport.encoding"] = (o, v) => Connection(o, t => t with { Encoding = v }),
        ["transport.compression"] = (o, v) => Connection(o, t => t with { Compression = v }),
        ["transport.auth_token_env"] = (o, v) => Connection(o, t => t with { AuthTokenEnv = v }),
        ["transport.metric_prefix"] = (o, v) => Connection(o, t => t with { MetricPrefix = v }),
        ["transport.tls_ca_file"] = (o, v) => Connection(o, t => t with { TlsCaFile = v }),
        ["transport.tls_pin_sha256"] = (o, v) => Connection(o, t => t with { TlsPinSha256 = v }),
        ["transport.send_timeout_seconds"] = (o, v) => Connection(o, t => t with { SendTimeoutSeconds = Number(v) }),
        ["transport.file_mode"] = (o, v) => Connection(o, t => t with { FileMode = v }),
        ["transport.directory_mode"] = (o, v) => Connection(o, t => t with { DirectoryMode = v }),
        ["transport.max_file_bytes"] = (o, v) => Connection(o, t => t with { MaxFileBytes = long.Parse(v, CultureInfo.InvariantCulture) }),
        ["transport.rotate_interval_seconds"] = (o, v) => Connection(o, t => t with { RotateIntervalSeconds = Number(v) }),
        ["transport.retained_files"] = (o, v) => Connection(o, t => t with { RetainedFiles = Int(v) }),
        ["transport.compress_rotated"] = (o, v) => Connection(o, t => t with { CompressRotated = bool.Parse(v) }),
        ["transport.worker_poll_seconds"] = (o, v) => Connection(o, t => t with { WorkerPollSeconds = Number(v) }),
        ["transport.buffer.max_batch_size"] = (o, v) => Connection(o, t => t with { Buffer = t.Buffer with { MaxBatchSize = Int(v) } }),
        ["transport.buffer.max_buffer_bytes"] = (o, v) => Connection(o, t => t with { Buffer = t.Buffer with { MaxBufferBytes = Int(v) } }),
        ["transport.buffer.max_event_bytes"] = (o, v) => Connection(o, t => t with { Buffer = t.Buffer with { MaxEventBytes = Int(v) } }),
        ["transport.buffer.flush_interval_ticks"] = (o, v) => Connection(o, t => t with { Buffer = t.Buffer with { FlushIntervalTicks = Int(v) } }),
        ["transport.worker.backpressure"] = (o, v) => Connection(o, t => t with
        {
            Worker = t.Worker with
            {
                Backpressure = v switch
                {
                    "drop_oldest" => BackpressureMode.DropOldest,
                    "block" => BackpressureMode.Block,
                    "fan_out" => BackpressureMode.FanOut,
                    _ => (BackpressureMode)Int(v),
                },
            },
        }),
        ["transport.worker.block_timeout_seconds"] = (o, v) => Connection(o, t => t with { Worker = t.Worker with { BlockTimeoutSeconds = Number(v) } }),
        ["transport.worker.restart_limit"] = (o, v) => Connection(o, t => t with { Worker = t.Worker with { RestartLimit = Int(v) } }),
        ["transport.worker.send_retry_limit"] = (o, v) => Connection(o, t => t with { Worker = t.Worker with { SendRetryLimit = Int(v) } }),
        ["transforms.schema_redaction"] = (o, v) => o with { Transforms = o.Transforms with { SchemaRedaction = bool.Parse(v) } },
        ["transforms.legacy_aliases"] = (o, v) => o with { Transforms = o.Transforms with { LegacyAliases = bool.Parse(v) } },
    };

    private static IEnumerable<ConfigRule> ValueRules => TelemetryConfigRules.All.Where(r => r.Kind
        is ConfigValueKind.Text or ConfigValueKind.Boolean or ConfigValueKind.Integer or ConfigValueKind.Number or ConfigValueKind.Choice);

    /// <summary>One setting to try: its keys and values, and whether code can express it (a number cannot be "lots").</summary>
    public sealed record Case(string Name, (string Path, string Value)[] Settings, bool InCode = true)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases()
    {
        var cases = new TheoryData<Case>();
        foreach (ConfigRule rule in ValueRules)
        {
            (string Path, string Value)[] context = rule.TlsOnly ? [(TelemetryConfigRules.EnableTls.Path, "true")] : [];
            cases.Add(new Case($"{rule.Path} valid", [.. context, (rule.Path, Valid(rule))]));
            if (Invalid(rule) is { } invalid) cases.Add(new Case($"{rule.Path} invalid", [.. context, (rule.Path, invalid.Value)], invalid.InCode));
            if (rule.TlsOnly) cases.Add(new Case($"{rule.Path} without TLS", [(rule.Path, Valid(rule))]));
            if (rule.AtMost is { } limit)
            {
                string above = (long.Parse(limit.DefaultText!, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                cases.Add(new Case($"{rule.Path} above {limit.Name}", [(rule.Path, above)]));
            }
        }
        foreach (TransportRule transport in TelemetryConfigRules.TransportRules.Where(t => t.Required is not null))
        {
            string type = TelemetryConfigRules.TransportType.Path, required = transport.Required!.Path;
            cases.Add(new Case($"{transport.Type} without {transport.Required.Name}", [(type, transport.Type)]));
            cases.Add(new Case($"{transport.Type} with a blank {transport.Required.Name}", [(type, transport.Type), (required, " ")]));
            if (transport.RequiredForm != ConfigTextForm.Any)
                cases.Add(new Case($"{transport.Type} with a malformed {transport.Required.Name}", [(type, transport.Type), (required, "not an endpoint")]));
        }
        cases.Add(new Case("an unset token variable", [(TelemetryConfigRules.AuthTokenEnv.Path, "HERALD_AGREEMENT_UNSET_" + Guid.NewGuid().ToString("N"))]));
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void File_section_and_code_agree(Case test)
    {
        string variable = "HERALD_AGREEMENT_TOKEN_" + Guid.NewGuid().ToString("N");
        (string Path, string Value)[] settings = test.Settings
            .Select(s => s.Path == TelemetryConfigRules.AuthTokenEnv.Path && s.Value == "TOKEN_VARIABLE" ? (s.Path, variable) : s).ToArray();
        Environment.SetEnvironmentVariable(variable, "secret-token");
        try
        {
            string fromYaml = Outcome(() => TelemetryOptions.FromFile(WriteYaml(settings)));
            string fromSection = Outcome(() => TelemetryOptions.FromConfiguration(new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("telemetry:" + s.Path.Replace('.', ':'), s.Value)))
                .Build().GetSection("telemetry")));
            Assert.Equal(fromYaml, fromSection);
            if (!test.InCode) return;
            TelemetryOptions built = settings.Aggregate(new TelemetryOptions(), (o, s) => InCode[s.Path](o, s.Value));
            string fromCode = Outcome(() =>
            {
                TelemetryOptionsValidator.ThrowIfInvalid(built);
                return built;
            });
            Assert.Equal(fromYaml, fromCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Every_value_rule_has_a_setter_here_and_exactly_one_binding()
    {
        string[] paths = ValueRules.Select(r => r.Path).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(paths, InCode.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(paths, TelemetryConfigBinding.BoundRules.Select(r => r.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Options_built_in_code_start_at_the_table_defaults()
    {
        ConfigNode rendered = TelemetryConfigBinding.Render(new TelemetryOptions(), withTypes: true);
        foreach (ConfigRule rule in ValueRules.Where(r => r.DefaultText is not null))
        {
            string? text = Find(rendered, rule.Path.Split('.'));
            // Nullable options whose default the runtime applies when they are not set.
            if (rule == TelemetryConfigRules.MetricPrefix || rule == TelemetryConfigRules.MaxEventBytes || rule == TelemetryConfigRules.Encoding) Assert.Null(text);
            else Assert.True(rule.DefaultText == text, $"{rule.Path}: table {rule.DefaultText}, options {text}");
        }
    }

    [Fact]
    public void Each_enum_bound_to_a_choice_key_has_one_member_per_choice()
    {
        AssertMatches<BackpressureMode>(TelemetryConfigRules.Backpressure);
        AssertMatches<HttpBatchFormat>(TelemetryConfigRules.Format);

        static void AssertMatches<TEnum>(ConfigRule rule) where TEnum : struct, Enum
        {
            Assert.Equal(Enum.GetValues<TEnum>().Order(), rule.Choices.Select(c => ConfigChoices.Parse<TEnum>(rule, c)).Order());
            Assert.All(Enum.GetValues<TEnum>(), v => Assert.NotNull(ConfigChoices.Text(rule, v)));
        }
    }

    private static string Valid(ConfigRule rule)
    {
        switch (rule.Kind)
        {
            case ConfigValueKind.Boolean:
                return rule.DefaultBoolean ? "false" : "true";
            case ConfigValueKind.Integer:
            case ConfigValueKind.Number:
                string value = (rule.Min + 2).ToString(CultureInfo.InvariantCulture);
                return value == rule.DefaultText ? (rule.Min + 3).ToString(CultureInfo.InvariantCulture) : value;
            case ConfigValueKind.Choice:
                // Another choice that needs no other key (a transport type that requires none).
                return rule.Choices.First(c => c != rule.DefaultText && TelemetryConfigRules.TransportOf(c)?.Required is null);
            default:
                return rule.Form switch
                {
                    ConfigTextForm.FileMode => "0600",
                    ConfigTextForm.DirectoryMode => "0700",
                    ConfigTextForm.MetricName => "game_metrics",
                    ConfigTextForm.PublicKeyPin => new string('a', 64),
                    _ when rule == TelemetryConfigRules.AuthTokenEnv => "TOKEN_VARIABLE",
                    _ => "some/value.txt",
                };
        }
    }

    private static (string Value, bool InCode)? Invalid(ConfigRule rule) => rule.Kind switch
    {
        ConfigValueKind.Boolean => ("maybe", false),
        ConfigValueKind.Integer or ConfigValueKind.Number => ((rule.MinExclusive ? rule.Min : rule.Min - 1).ToString(CultureInfo.InvariantCulture), true),
        ConfigValueKind.Choice => (rule == TelemetryConfigRules.Backpressure ? "42" : "nope", true),
        _ => rule.Form switch
        {
            ConfigTextForm.FileMode => ("0999", true),
            ConfigTextForm.DirectoryMode => ("0600", true),
            ConfigTextForm.MetricName => ("9lives", true),
            ConfigTextForm.PublicKeyPin => ("AB:CD", true),
            _ => null,
        },
    };

    /// <summary>The options' settings, or each error as <c>key = value: reason</c> (no location: only files have one), sorted.</summary>
    private static string Outcome(Func<TelemetryOptions> read)
    {
        try
        {
            TelemetryOptions o = read();
            return $"ok: {o.Enabled} {o.Source} {o.ShutdownTimeout} {o.Transport} {o.Transforms.SchemaRedaction} {o.Transforms.LegacyAliases}";
        }
        catch (TelemetryConfigException ex)
        {
            return string.Join("\n", ex.Errors.Select(e => $"{e.Key} = {e.Value}: {e.Reason}").Order(StringComparer.Ordinal));
        }
    }

    private string WriteYaml((string Path, string Value)[] settings)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (path, value) in settings)
        {
            string[] parts = path.Split('.');
            SortedDictionary<string, object> at = root;
            foreach (string part in parts[..^1])
            {
                if (!at.TryGetValue(part, out object? child)) at[part] = child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                at = (SortedDictionary<string, object>)child;
            }
            at[parts[^1]] = value;
        }
        var yaml = new System.Text.StringBuilder("telemetry:\n");
        Append(root, "  ");
        string file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(file, yaml.ToString());
        return file;

        void Append(SortedDictionary<string, object> mapping, string indent)
        {
            foreach (var (key, value) in mapping)
            {
                if (value is SortedDictionary<string, object> child)
                {
                    yaml.Append(indent).Append(key).Append(":\n");
                    Append(child, indent + "  ");
                }
                else
                {
                    yaml.Append(indent).Append(key).Append(": \"").Append(value).Append("\"\n");
                }
            }
        }
    }

    private static string? Find(ConfigNode node, string[] path)
    {
        foreach (string part in path) node = node.Find(part)?.Value ?? ConfigNode.Scalar(null, 0, 0);
        return node.Value;
    }

    private static TelemetryOptions Connection(TelemetryOptions o, Func<TransportOptions, TransportOptions> change) => o with { Transport = change(o.Transport) };

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
