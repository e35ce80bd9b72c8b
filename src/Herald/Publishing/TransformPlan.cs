using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Herald.Publishing;

/// <summary>
/// <c>telemetry.transforms</c> resolved once at startup into per-event-type masks and flags, so on the emit path a
/// transform costs a mask test: redaction is done by the generated writer, <c>ensure_fields</c> is one AND against
/// the event's present-fields mask, <c>schema_validator</c> calls the generated <c>Validate</c>.
/// </summary>
internal sealed class TransformPlan
{
    private readonly TransformsOptions _options;
    private readonly Dictionary<string, ForEvent> _byKind = new(StringComparer.Ordinal);

    public TransformPlan(TransformsOptions options, EventRegistry? events)
    {
        _options = options;
        ImmutableArray<TransformOptions> pipeline = options.Pipeline.IsDefault ? ImmutableArray<TransformOptions>.Empty : options.Pipeline;
        if (events is not null)
        {
            foreach (EventDescriptor e in events.All) _byKind[e.EventType] = Resolve(pipeline, e.EventType, e.Kind, e.Fields, Mask(e.Fields, e.RedactedFields));
        }
    }

    /// <summary>What happens to events of <typeparamref name="TEvent"/>.</summary>
    public ForEvent For<TEvent>() where TEvent : IEvent<TEvent>
    {
        if (_byKind.TryGetValue(TEvent.EventType, out ForEvent? known)) return known with { CheckNumbers = TEvent.HasFiniteChecks };
        // A type outside the registry: its fields are unknown, so only its schema redactions and the transforms
        // that name no fields reach it (the config check requires a registry for transforms that name any).
        ImmutableArray<TransformOptions> pipeline = _options.Pipeline.IsDefault ? ImmutableArray<TransformOptions>.Empty : _options.Pipeline;
        return Resolve(pipeline, TEvent.EventType, kind: null, ImmutableArray<string>.Empty, TEvent.SchemaRedactions) with { CheckNumbers = TEvent.HasFiniteChecks };
    }

    /// <summary>A transform's kind names the event type itself or its schema's <c>x-kind</c>.</summary>
    private ForEvent Resolve(ImmutableArray<TransformOptions> pipeline, string eventType, string? kind, ImmutableArray<string> fields, ulong schemaRedactions)
    {
        ulong redactions = _options.SchemaRedaction ? schemaRedactions : 0;
        ulong ensure = 0;
        bool validate = false, sortKeys = false;
        foreach (TransformOptions t in pipeline)
        {
            bool applies = t.Kinds.IsDefaultOrEmpty || t.Kinds.Contains(eventType) || (kind is not null && t.Kinds.Contains(kind));
            switch (t)
            {
                case RedactFieldsTransform redact when applies:
                    redactions |= Mask(fields, redact.Fields);
                    break;
                case EnsureFieldsTransform ensureFields:
                    if (ensureFields.RequiredFieldsByKind.TryGetValue(eventType, out ImmutableArray<string> required)) ensure |= Mask(fields, required);
                    if (kind is not null && ensureFields.RequiredFieldsByKind.TryGetValue(kind, out ImmutableArray<string> ofKind)) ensure |= Mask(fields, ofKind);
                    break;
                case SchemaValidatorTransform when applies:
                    validate = true;
                    break;
                case SnapshotNormalizerTransform when applies:
                    sortKeys = true;
                    break;
            }
        }
        return new ForEvent(redactions, ensure, validate, sortKeys, fields) { LegacyAliases = _options.LegacyAliases };
    }

    /// <summary>Bit i for each name that is field i (the first 64 fields; the config check refuses the rest).</summary>
    private static ulong Mask(ImmutableArray<string> fields, IEnumerable<string> names)
    {
        ulong mask = 0;
        foreach (string name in names)
        {
            int index = fields.IndexOf(name);
            if (index is >= 0 and < 64) mask |= 1UL << index;
        }
        return mask;
    }

    /// <summary>The resolved transforms of one event type.</summary>
    internal sealed record ForEvent(ulong Redactions, ulong RequiredFields, bool Validate, bool SortKeys, ImmutableArray<string> Fields)
    {
        /// <summary>
        /// The type has numbers that must be finite to be written (<see cref="IEvent{TSelf}.HasFiniteChecks"/>): not a
        /// transform, but rejected the same way, so a NaN is counted with its reason instead of breaking the line.
        /// </summary>
        public bool CheckNumbers { get; init; }

        /// <summary><c>legacy_aliases</c>: fields are also written under their first <c>x-aliases</c> name.</summary>
        public bool LegacyAliases { get; init; }

        /// <summary>Whether any transform or the number check may reject the event.</summary>
        public bool MayReject => RequiredFields != 0 || Validate || CheckNumbers;

        /// <summary>Null when the event passes; otherwise why it is rejected.</summary>
        public string? Check<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent>
        {
            if (RequiredFields != 0)
            {
                ulong missing = RequiredFields & ~TEvent.PresentFields(in evt);
                if (missing != 0) return $"{TEvent.EventType}: ensure_fields: '{Fields[System.Numerics.BitOperations.TrailingZeroCount(missing)]}' is missing";
            }
            if (CheckNumbers && TEvent.NonFiniteNumber(in evt) is { } nonFinite) return $"{TEvent.EventType}: {nonFinite}";
            return Validate && TEvent.Validate(in evt) is { } violation ? $"{TEvent.EventType}: schema_validator: {violation}" : null;
        }
    }
}
