// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System;
using System.Collections.Generic;
using System.Linq;

namespace Herald.Configuration;

/// <summary>One problem in a configuration: the full key, the value given, why it is wrong, and where (0 when unknown).</summary>
internal sealed class ConfigIssue
{
    public ConfigIssue(string key, string? value, string reason, int line, int column)
    {
        Key = key;
        Value = value;
        Reason = reason;
        Line = line;
        Column = column;
    }

    public string Key { get; }

    public string? Value { get; }

    public string Reason { get; }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>The event types a configuration may name, their kinds (<c>x-kind</c>) and their top-level fields.</summary>
internal interface IEventCatalog
{
    IEnumerable<string> EventTypes { get; }

    /// <summary>The event type's top-level fields in schema order, or null when no schema defines the type.</summary>
    IReadOnlyList<string>? FieldsOf(string eventType);

    /// <summary>The event type's <c>x-kind</c>, or null.</summary>
    string? KindOf(string eventType);

    /// <summary>Whether the field can be redacted (a string or free-form field among the first 64).</summary>
    bool IsRedactable(string eventType, string field);
}

/// <summary>A name in the configuration with the position it was written at, for errors found later.</summary>
internal sealed class ConfigName
{
    public ConfigName(string name, string key, int line, int column)
    {
        Name = name;
        Key = key;
        Line = line;
        Column = column;
    }

    public string Name { get; }

    /// <summary>The full key it was given under, e.g. <c>telemetry.transforms.pipeline[1].redact_fields.kinds[0]</c>.</summary>
    public string Key { get; }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>One entry of <c>transforms.pipeline</c>, checked for shape but not yet against the event types.</summary>
internal sealed class TransformSpec
{
    public TransformSpec(string name, string key)
    {
        Name = name;
        Key = key;
    }

    /// <summary><c>redact_fields</c>, <c>ensure_fields</c>, <c>schema_validator</c> or <c>snapshot_normalizer</c>.</summary>
    public string Name { get; }

    public string Key { get; }

    /// <summary>The kinds it applies to; empty means every kind (for <c>redact_fields</c>: every kind that has the field).</summary>
    public List<ConfigName> Kinds { get; } = new List<ConfigName>();

    /// <summary><c>redact_fields.fields</c>.</summary>
    public List<ConfigName> Fields { get; } = new List<ConfigName>();

    /// <summary><c>ensure_fields.required_fields_by_kind</c>: each kind with its fields.</summary>
    public List<KeyValuePair<ConfigName, List<ConfigName>>> RequiredFieldsByKind { get; } = new List<KeyValuePair<ConfigName, List<ConfigName>>>();
}

/// <summary>
/// Checks a <c>telemetry:</c> section against <see cref="TelemetryConfigRules"/> and, when event types are known,
/// the names its transforms use. Reports every problem, never just the first. The runtime runs it on files and
/// configuration sections at startup, on options built in code (rendered as a section), and the HER201 analyzer
/// at build time, so all of them say the same thing about the same settings.
/// </summary>
internal sealed class TelemetryConfigChecker
{
    private const string Root = "telemetry";
    private readonly List<ConfigIssue> _issues = new List<ConfigIssue>();
    private readonly bool _checkTypes;

    private TelemetryConfigChecker(bool checkTypes)
    {
        _checkTypes = checkTypes;
    }

    public List<ConfigIssue> Issues => _issues;

    /// <summary>The parsed <c>transforms.pipeline</c>, for the event check and the runtime's binding.</summary>
    public List<TransformSpec> Transforms { get; } = new List<TransformSpec>();

    /// <summary>Checks a whole document: its <c>telemetry:</c> mapping is checked, other top-level keys are the application's.</summary>
    public static TelemetryConfigChecker CheckDocument(ConfigNode document)
    {
        var checker = new TelemetryConfigChecker(checkTypes: true);
        if (document.Kind != ConfigNodeKind.Mapping)
        {
            checker.Report(Root, document, "the file must be a mapping with a 'telemetry' key");
            return checker;
        }
        ConfigEntry? section = document.Find(Root);
        if (section is null)
        {
            string? near = ConfigText.ClosestMatch(Root, document.Entries.Select(e => e.Key));
            checker._issues.Add(new ConfigIssue(Root, null, "missing section" + (near is null ? "" : $" (found '{near}': a typo?)"), 1, 1));
            return checker;
        }
        checker.CheckTelemetry(section.Value);
        return checker;
    }

    /// <summary>Checks the <c>telemetry:</c> mapping itself (an appsettings section, the value of the file's key, or options rendered as a section).</summary>
    /// <param name="telemetry">The section.</param>
    /// <param name="checkTypes">False when the transports are given as instances: connections have no <c>type</c>, so nothing a type requires is checked.</param>
    public static TelemetryConfigChecker CheckSection(ConfigNode telemetry, bool checkTypes = true)
    {
        var checker = new TelemetryConfigChecker(checkTypes);
        checker.CheckTelemetry(telemetry);
        return checker;
    }

    private void CheckTelemetry(ConfigNode telemetry)
    {
        if (telemetry.Kind == ConfigNodeKind.Scalar && telemetry.Value is null) return; // "telemetry:" with nothing: all defaults
        CheckMapping("", telemetry);
        ConfigNode? transport = Lookup(telemetry, TelemetryConfigRules.Transport.Name);
        ConfigNode? transports = Lookup(telemetry, TelemetryConfigRules.Transports.Name);
        if (transports is { Kind: ConfigNodeKind.Sequence })
        {
            for (int i = 0; i < transports.Items.Count; i++)
            {
                if (transports.Items[i].Kind == ConfigNodeKind.Mapping) CheckConnection(TelemetryConfigRules.ConnectionKey(inList: true, i), transports.Items[i]);
            }
            if (transport is { Kind: ConfigNodeKind.Mapping })
            {
                // One place per setting: with a list, the single transport's connection keys would be silently unused.
                string shared = string.Join(", ", TelemetryConfigRules.ChildKeys(TelemetryConfigRules.Transport.Path).Where(k => Array.IndexOf(TelemetryConfigRules.ConnectionKeys, k) < 0));
                foreach (ConfigEntry entry in transport.Entries)
                {
                    if (Array.IndexOf(TelemetryConfigRules.ConnectionKeys, entry.Key) >= 0)
                        _issues.Add(new ConfigIssue(TelemetryConfigRules.Key(TelemetryConfigRules.Transport) + "." + entry.Key, entry.Value.Kind == ConfigNodeKind.Scalar ? entry.Value.Value : null,
                            $"{TelemetryConfigRules.Key(TelemetryConfigRules.Transports)} is set, so connection keys belong on its items; {TelemetryConfigRules.Key(TelemetryConfigRules.Transport)} keeps only the shared {shared}",
                            entry.Line, entry.Column));
                }
            }
            return;
        }
        if (transport is not null) CheckConnection(TelemetryConfigRules.ConnectionKey(inList: false, 0), transport);
    }

    /// <summary>The rules between the keys of one connection: what its type requires, and TLS settings only with TLS.</summary>
    private void CheckConnection(string key, ConfigNode transport)
    {
        if (_checkTypes && Lookup(transport, TelemetryConfigRules.TransportType.Name) is { Kind: ConfigNodeKind.Scalar } type
            && TelemetryConfigRules.TransportOf(type.Value) is { Required: { } required } rule)
        {
            ConfigNode? value = Lookup(transport, required.Name);
            string? text = value is { Kind: ConfigNodeKind.Scalar } ? value.Value : null;
            // Missing: reported at the type that requires it, with no value (the type's own value would read as this key's).
            if (value is null)
            {
                if (!rule.RequiredOptional) _issues.Add(new ConfigIssue(key + "." + required.Name, null, rule.RequiredReason, type.Line, type.Column));
            }
            else if (value.Kind != ConfigNodeKind.Scalar || rule.CheckRequired(text) is not null) Report(key + "." + required.Name, value, rule.RequiredReason);
        }
        if (_checkTypes)
        {
            // A key only one type reads would be silently ignored on another (a json encoding on an http transport).
            string typeName = Lookup(transport, TelemetryConfigRules.TransportType.Name) is { Kind: ConfigNodeKind.Scalar, Value: { } given } ? given : TelemetryConfigRules.TransportType.DefaultText!;
            foreach (ConfigRule only in TelemetryConfigRules.All.Where(r => r.OnlyFor is not null && r.OnlyFor != typeName))
            {
                if (TelemetryConfigRules.TransportOf(typeName) is not null && Lookup(transport, only.Name) is { } set)
                    Report(key + "." + only.Name, set, TelemetryConfigRules.OnlyForReason(only.OnlyFor!));
            }
        }
        bool usesTls = TelemetryConfigRules.UsesTls(
            Lookup(transport, TelemetryConfigRules.EnableTls.Name) is { Kind: ConfigNodeKind.Scalar, Value: { } tls } && ConfigText.TryParseBoolean(tls, out bool on) && on,
            Lookup(transport, TelemetryConfigRules.Endpoint.Name) is { Kind: ConfigNodeKind.Scalar } endpoint ? endpoint.Value : null);
        foreach (ConfigRule tlsOnly in TelemetryConfigRules.All.Where(r => r.TlsOnly))
        {
            // Trust settings without TLS would leave the stream in plain text while looking secure.
            if (!usesTls && Lookup(transport, tlsOnly.Name) is { } set)
                Report(key + "." + tlsOnly.Name, set, TelemetryConfigRules.TlsOnlyReason);
        }
    }

    /// <summary><c>transports</c>: a non-empty list of connections, each checked with the <c>transport.*</c> rules of its keys.</summary>
    private void CheckTransportList(string key, ConfigNode node)
    {
        if (node.Kind != ConfigNodeKind.Sequence || node.Items.Count == 0)
        {
            Report(key, node, TelemetryConfigRules.TransportListReason);
            return;
        }
        string typeName = TelemetryConfigRules.TransportType.Name;
        for (int i = 0; i < node.Items.Count; i++)
        {
            ConfigNode item = node.Items[i];
            string itemKey = TelemetryConfigRules.ConnectionKey(inList: true, i);
            if (item.Kind != ConfigNodeKind.Mapping)
            {
                Report(itemKey, item, TelemetryConfigRules.TransportItemReason);
                continue;
            }
            ConfigNode? type = item.Find(typeName)?.Value;
            if (type is null)
            {
                if (_checkTypes) Report(itemKey + "." + typeName, item, "required: one of " + string.Join(", ", TelemetryConfigRules.TransportTypes));
            }
            else if (type.Kind == ConfigNodeKind.Scalar && TelemetryConfigRules.TransportOf(type.Value) is { AllowedInList: false })
            {
                Report(itemKey + "." + typeName, type, TelemetryConfigRules.StubInListReason);
            }
            foreach (ConfigEntry entry in item.Entries)
            {
                if (Array.IndexOf(TelemetryConfigRules.ConnectionKeys, entry.Key) >= 0)
                {
                    CheckValue(TelemetryConfigRules.Rule(TelemetryConfigRules.Transport.Path + "." + entry.Key), entry.Value, itemKey + "." + entry.Key);
                    continue;
                }
                bool shared = TelemetryConfigRules.TryGetRule(TelemetryConfigRules.Transport.Path + "." + entry.Key, out _);
                string? near = shared ? null : ConfigText.ClosestMatch(entry.Key, TelemetryConfigRules.ConnectionKeys);
                _issues.Add(new ConfigIssue(itemKey + "." + entry.Key, entry.Value.Kind == ConfigNodeKind.Scalar ? entry.Value.Value : null,
                    shared ? $"shared by all transports: set it under {TelemetryConfigRules.Key(TelemetryConfigRules.Transport)}.{entry.Key}"
                    : "unknown key" + (near is null ? "; expected one of " + string.Join(", ", TelemetryConfigRules.ConnectionKeys) : $"; did you mean '{near}'?"),
                    entry.Line, entry.Column));
            }
        }
    }

    /// <summary>
    /// Checks the kinds and fields named by the transforms against the event types of the project. A kind names an event
    /// type (<c>loop.tick</c>) or every event type whose schema declares that <c>x-kind</c> (<c>snapshot</c>).
    /// </summary>
    public static List<ConfigIssue> CheckEvents(IEnumerable<TransformSpec> transforms, IEventCatalog catalog)
    {
        var issues = new List<ConfigIssue>();
        foreach (TransformSpec t in transforms)
        {
            var named = new List<KeyValuePair<ConfigName, List<string>>>();
            foreach (ConfigName kind in t.Kinds)
            {
                List<string> types = EventTypesOf(issues, catalog, kind);
                if (types.Count > 0) named.Add(new KeyValuePair<ConfigName, List<string>>(kind, types));
            }
            foreach (ConfigName field in t.Fields)
            {
                if (t.Kinds.Count == 0)
                {
                    List<string> having = catalog.EventTypes.Where(k => catalog.FieldsOf(k)!.Contains(field.Name)).ToList();
                    if (having.Count == 0)
                        issues.Add(Issue(field, "no event type has this field" + Suggestion(field.Name, catalog.EventTypes.SelectMany(k => catalog.FieldsOf(k)!))));
                    foreach (string type in having) CheckRedactable(issues, catalog, type, field);
                    continue;
                }
                foreach (KeyValuePair<ConfigName, List<string>> kind in named)
                {
                    // A kind that groups several event types needs the field in at least one of them; those without it are left as they are.
                    List<string> having = kind.Value.Where(k => catalog.FieldsOf(k)!.Contains(field.Name)).ToList();
                    if (having.Count == 0)
                    {
                        IEnumerable<string> fields = kind.Value.SelectMany(k => catalog.FieldsOf(k)!);
                        issues.Add(Issue(field, $"'{kind.Key.Name}' has no field '{field.Name}'" + Suggestion(field.Name, fields)));
                    }
                    foreach (string type in having) CheckRedactable(issues, catalog, type, field);
                }
            }
            foreach (KeyValuePair<ConfigName, List<ConfigName>> pair in t.RequiredFieldsByKind)
            {
                // Every event type of the kind must have each ensured field: one without it would be rejected every time.
                foreach (string type in EventTypesOf(issues, catalog, pair.Key))
                {
                    IReadOnlyList<string> fields = catalog.FieldsOf(type)!;
                    string of = type == pair.Key.Name ? "" : $" (of kind '{pair.Key.Name}')";
                    foreach (ConfigName field in pair.Value)
                    {
                        int index = IndexOf(fields, field.Name);
                        if (index < 0) issues.Add(Issue(field, $"'{type}'{of} has no field '{field.Name}'" + Suggestion(field.Name, fields)));
                        else if (index >= 64) issues.Add(Issue(field, $"'{type}.{field.Name}' is field {index + 1}; only the first 64 fields can be ensured"));
                    }
                }
            }
        }
        return issues;
    }

    /// <summary>The event types a kind names: the type of that name and every type declaring it as its <c>x-kind</c>.</summary>
    public static List<string> EventTypesOf(IEventCatalog catalog, string kind)
        => catalog.EventTypes.Where(type => type == kind || catalog.KindOf(type) == kind).ToList();

    private static List<string> EventTypesOf(List<ConfigIssue> issues, IEventCatalog catalog, ConfigName kind)
    {
        List<string> types = EventTypesOf(catalog, kind.Name);
        if (types.Count == 0)
        {
            IEnumerable<string> candidates = catalog.EventTypes.Concat(catalog.EventTypes.Select(catalog.KindOf).Where(k => k is not null).Select(k => k!));
            issues.Add(Issue(kind, "no schema defines this event type or x-kind" + Suggestion(kind.Name, candidates)));
        }
        return types;
    }

    private static void CheckRedactable(List<ConfigIssue> issues, IEventCatalog catalog, string type, ConfigName field)
    {
        if (!catalog.IsRedactable(type, field.Name))
            issues.Add(Issue(field, $"'{type}.{field.Name}' cannot be redacted: only string and free-form fields among the first 64 can"));
    }

    private static ConfigIssue Issue(ConfigName name, string reason) => new ConfigIssue(name.Key, name.Name, reason, name.Line, name.Column);

    private static string Suggestion(string text, IEnumerable<string> candidates)
        => ConfigText.ClosestMatch(text, candidates.Distinct()) is { } near ? $"; did you mean '{near}'?" : "";

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == item) return i;
        }
        return -1;
    }

    private void CheckMapping(string path, ConfigNode node)
    {
        string key = Key(path);
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            Report(key, node, "must be a mapping of keys");
            return;
        }
        List<string> allowed = TelemetryConfigRules.ChildKeys(path);
        foreach (ConfigEntry entry in node.Entries)
        {
            string childPath = path.Length == 0 ? entry.Key : path + "." + entry.Key;
            if (!TelemetryConfigRules.TryGetRule(childPath, out ConfigRule rule))
            {
                string? near = ConfigText.ClosestMatch(entry.Key, allowed);
                _issues.Add(new ConfigIssue(Key(childPath), entry.Value.Kind == ConfigNodeKind.Scalar ? entry.Value.Value : null,
                    "unknown key" + (near is null ? "; expected one of " + string.Join(", ", allowed) : $"; did you mean '{near}'?"), entry.Line, entry.Column));
                continue;
            }
            if (CheckValue(rule, entry.Value) && rule.AtMost is { } limit) CheckAtMost(rule, entry.Value, limit, node);
        }
    }

    /// <summary>A value that may not exceed a sibling key's (given and valid, or else its default).</summary>
    private void CheckAtMost(ConfigRule rule, ConfigNode value, ConfigRule limit, ConfigNode section)
    {
        string? limitText = limit.DefaultText;
        if (section.Find(limit.Name)?.Value is { } given)
        {
            if (given.Kind != ConfigNodeKind.Scalar || given.Value is null || limit.Check(given.Value) is not null) return; // reported there
            limitText = given.Value;
        }
        if (limitText is null || !ConfigText.TryParseNumber(limitText, out double most)) return;
        if (ConfigText.TryParseNumber(value.Value!, out double number) && number > most)
            Report(Key(rule.Path), value, $"must be at most {limit.Name} ({limitText})");
    }

    /// <summary>Checks one value; true when it is a valid scalar of the key.</summary>
    private bool CheckValue(ConfigRule rule, ConfigNode node, string? keyOverride = null)
    {
        string key = keyOverride ?? Key(rule.Path);
        if (rule.Kind == ConfigValueKind.Section)
        {
            if (node.Kind == ConfigNodeKind.Scalar && node.Value is null) return false; // an empty section: defaults
            CheckMapping(rule.Path, node);
            return false;
        }
        if (rule.Kind == ConfigValueKind.Pipeline)
        {
            CheckPipeline(key, node);
            return false;
        }
        if (rule.Kind == ConfigValueKind.TransportList)
        {
            CheckTransportList(key, node);
            return false;
        }
        if (rule.Kind == ConfigValueKind.Attributes)
        {
            CheckAttributes(key, node);
            return false;
        }
        if (node.Kind != ConfigNodeKind.Scalar)
        {
            Report(key, node, "must be a single value, not " + (node.Kind == ConfigNodeKind.Mapping ? "a mapping" : "a list"));
            return false;
        }
        if (node.Value is null)
        {
            Report(key, node, "has no value");
            return false;
        }
        if (rule.Check(node.Value) is { } why)
        {
            Report(key, node, why);
            return false;
        }
        return true;
    }

    /// <summary><c>resource</c>: names to one scalar value each (the value's type is read from how it is written).</summary>
    private void CheckAttributes(string key, ConfigNode node)
    {
        if (node.Kind == ConfigNodeKind.Scalar && node.Value is null) return; // "resource:" with nothing
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            Report(key, node, TelemetryConfigRules.ResourceReason);
            return;
        }
        foreach (ConfigEntry entry in node.Entries)
        {
            string entryKey = key + "." + entry.Key;
            if (entry.Key.Trim().Length == 0) _issues.Add(new ConfigIssue(entryKey, null, "an attribute name must not be blank", entry.Line, entry.Column));
            else if (entry.Value.Kind != ConfigNodeKind.Scalar || entry.Value.Value is null) Report(entryKey, entry.Value, TelemetryConfigRules.ResourceValueReason);
        }
    }

    private void CheckPipeline(string key, ConfigNode node)
    {
        if (node.Kind == ConfigNodeKind.Scalar && node.Value is null) return;
        if (node.Kind != ConfigNodeKind.Sequence)
        {
            Report(key, node, "must be a list of transforms");
            return;
        }
        for (int i = 0; i < node.Items.Count; i++)
        {
            ConfigNode item = node.Items[i];
            string itemKey = key + "[" + i + "]";
            if (item.Kind == ConfigNodeKind.Scalar)
            {
                CheckTransform(itemKey, item.Value ?? "", item, parameters: null);
            }
            else if (item.Kind == ConfigNodeKind.Mapping && item.Entries.Count == 1)
            {
                ConfigEntry entry = item.Entries[0];
                CheckTransform(itemKey, entry.Key, ConfigNode.Scalar(entry.Key, entry.Line, entry.Column), entry.Value);
            }
            else
            {
                Report(itemKey, item, "must be a transform name, or one 'name: {parameters}' entry");
            }
        }
    }

    private void CheckTransform(string key, string name, ConfigNode nameNode, ConfigNode? parameters)
    {
        if (TelemetryConfigRules.TransformOf(name) is not { } rule)
        {
            string? near = ConfigText.ClosestMatch(name, TelemetryConfigRules.TransformNames);
            Report(key, nameNode, "unknown transform; expected one of " + string.Join(", ", TelemetryConfigRules.TransformNames) + (near is null ? "" : $"; did you mean '{near}'?"));
            return;
        }
        string baseKey = key + "." + name;
        var spec = new TransformSpec(name, baseKey);
        bool hasParameters = parameters is not null && !(parameters.Kind == ConfigNodeKind.Scalar && parameters.Value is null);
        if (hasParameters && parameters!.Kind != ConfigNodeKind.Mapping)
        {
            Report(baseKey, parameters, "parameters must be a mapping, e.g. {fields: [a], kinds: [b]}");
            return;
        }
        if (hasParameters)
        {
            foreach (ConfigEntry p in parameters!.Entries)
            {
                string pKey = baseKey + "." + p.Key;
                if (p.Key == rule.RefusedParameter)
                    _issues.Add(new ConfigIssue(pKey, null, rule.RefusedReason, p.Line, p.Column));
                else if (Array.IndexOf(rule.Parameters, p.Key) < 0)
                    _issues.Add(new ConfigIssue(pKey, null, "unknown parameter; expected " + string.Join(" or ", rule.Parameters), p.Line, p.Column));
                else if (p.Key == TelemetryConfigRules.KindsParameter) Names(pKey, p.Value, spec.Kinds, allowEmpty: false);
                else if (p.Key == TelemetryConfigRules.FieldsParameter) Names(pKey, p.Value, spec.Fields, allowEmpty: false);
                else RequiredByKind(pKey, p.Value, spec);
            }
        }
        if (rule.RequiredParameter is { } required && (!hasParameters || parameters!.Find(required) is null))
            Report(baseKey + "." + required, parameters ?? nameNode, rule.RequiredReason);
        Transforms.Add(spec);
    }

    private void RequiredByKind(string key, ConfigNode node, TransformSpec spec)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            Report(key, node, "must map event types to lists of fields");
            return;
        }
        foreach (ConfigEntry entry in node.Entries)
        {
            var fields = new List<ConfigName>();
            Names(key + "." + entry.Key, entry.Value, fields, allowEmpty: false);
            spec.RequiredFieldsByKind.Add(new KeyValuePair<ConfigName, List<ConfigName>>(new ConfigName(entry.Key, key + "." + entry.Key, entry.Line, entry.Column), fields));
        }
    }

    private void Names(string key, ConfigNode node, List<ConfigName> into, bool allowEmpty)
    {
        if (node.Kind != ConfigNodeKind.Sequence)
        {
            Report(key, node, "must be a list of names, e.g. [a, b]");
            return;
        }
        if (node.Items.Count == 0 && !allowEmpty) Report(key, node, "must not be empty");
        for (int i = 0; i < node.Items.Count; i++)
        {
            ConfigNode item = node.Items[i];
            string itemKey = key + "[" + i + "]";
            if (item.Kind != ConfigNodeKind.Scalar || string.IsNullOrEmpty(item.Value)) Report(itemKey, item, "must be a name");
            else into.Add(new ConfigName(item.Value!, itemKey, item.Line, item.Column));
        }
    }

    private static ConfigNode? Lookup(ConfigNode node, string key) => node.Kind == ConfigNodeKind.Mapping ? node.Find(key)?.Value : null;

    private static string Key(string path) => path.Length == 0 ? Root : Root + "." + path;

    private void Report(string key, ConfigNode node, string reason)
        => _issues.Add(new ConfigIssue(key, node.Kind == ConfigNodeKind.Scalar ? node.Value : node.Describe(), reason, node.Line, node.Column));
}
