using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Herald.Tests;

/// <summary>
/// Builds random instances of generated events from their shape (reflection over the generated types),
/// so property tests cover every event without a hand-written generator each. Strings mix escapes,
/// control characters, non-ASCII and surrogate pairs; doubles mix short decimals, arbitrary bit patterns
/// and non-finite values.
/// </summary>
internal sealed class RandomValues
{
    private static readonly string[] StringPieces =
    {
        "a", "agent_17", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0001", "\u001f", "\u007f",
        "é", "Ω", "漢字", "😀", "\u2028", "<tag>", "&", "'", "+", "0", "-1",
    };

    private readonly Random _rng;
    private readonly bool _populated;
    private readonly NullabilityInfoContext _nullability = new();

    private readonly bool _nonFinite;

    /// <param name="seed">Seed for reproducible values.</param>
    /// <param name="populated">No nulls and no empty collections: every code path of the writer runs.</param>
    /// <param name="nonFinite">Hostile values: doubles and floats may be NaN or infinite (which the writer leaves out, writes as null
    /// or refuses), strings may hold lone surrogates (written as U+FFFD), <c>&lt;/script&gt;</c> or thousands of characters.</param>
    public RandomValues(int seed, bool populated = false, bool nonFinite = false)
    {
        _rng = new Random(seed);
        _populated = populated;
        _nonFinite = nonFinite;
    }

    private int Count(int depth) => depth > 4 ? 0 : _populated ? 1 + _rng.Next(3) : _rng.Next(4);

    private bool MakeNull() => !_populated && _rng.Next(4) == 0;

    public T Create<T>() => (T)CreateObject(typeof(T), depth: 0);

    private object CreateObject(Type type, int depth)
    {
        object instance = Activator.CreateInstance(type)!;
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null) continue; // const fields are get-only
            NullabilityInfo info = _nullability.Create(property);
            bool nullable = info.WriteState == NullabilityState.Nullable || Nullable.GetUnderlyingType(property.PropertyType) is not null;
            if (nullable && MakeNull())
            {
                property.SetValue(instance, null);
                continue;
            }
            Type valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            bool elementNullable = info.GenericTypeArguments.LastOrDefault()?.ReadState == NullabilityState.Nullable;
            property.SetValue(instance, CreateValue(valueType, depth + 1, elementNullable));
        }
        return instance;
    }

    private object? CreateValue(Type type, int depth, bool elementNullable = false)
    {
        if (type == typeof(string)) return String();
        if (type == typeof(long)) return _rng.Next(3) switch { 0 => _rng.NextInt64(-1000, 1000), 1 => long.MaxValue - _rng.Next(10), _ => _rng.NextInt64() * (_rng.Next(2) == 0 ? 1 : -1) };
        if (type == typeof(int)) return _rng.Next(2) == 0 ? _rng.Next(-1000, 1000) : _rng.Next(int.MinValue, int.MaxValue);
        if (type == typeof(double)) return Double();
        if (type == typeof(float)) return Single();
        if (type == typeof(bool)) return _rng.Next(2) == 0;
        if (type == typeof(Guid)) return new Guid(Bytes(16));
        if (type == typeof(DateTimeOffset))
        {
            long ticks = _rng.NextInt64(DateTimeOffset.UnixEpoch.Ticks, new DateTime(2200, 1, 1).Ticks);
            if (_rng.Next(2) == 0) ticks -= ticks % TimeSpan.TicksPerSecond;
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(_rng.Next(-14 * 60, 14 * 60 + 1)));
        }
        if (type.IsEnum)
        {
            Array values = Enum.GetValues(type);
            return values.GetValue(_rng.Next(values.Length));
        }
        // Hostile runs check payloads against the schema files, whose free-form fields are mostly "type": "object";
        // the generated type (JsonElement) cannot say so, so those runs give objects only.
        if (type == typeof(JsonElement)) return JsonSerializer.SerializeToElement(_nonFinite ? RandomObject(depth) : RandomJson(depth));
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            Type element = type.GetGenericArguments()[0];
            IList items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            int count = Count(depth);
            for (int i = 0; i < count; i++) items.Add(Element(element, depth, elementNullable));
            return typeof(ImmutableArray).GetMethods().First(m => m.Name == nameof(ImmutableArray.CreateRange) && m.GetParameters().Length == 1)
                .MakeGenericMethod(element).Invoke(null, new object[] { items });
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableDictionary<,>))
        {
            Type valueType = type.GetGenericArguments()[1];
            var builder = typeof(ImmutableDictionary).GetMethods().First(m => m.Name == nameof(ImmutableDictionary.CreateBuilder) && m.GetParameters().Length == 0)
                .MakeGenericMethod(typeof(string), valueType).Invoke(null, null)!;
            MethodInfo add = builder.GetType().GetMethod("set_Item")!;
            int count = Count(depth);
            for (int i = 0; i < count; i++) add.Invoke(builder, new[] { String(), Element(valueType, depth, elementNullable) });
            return builder.GetType().GetMethod("ToImmutable")!.Invoke(builder, null);
        }
        return CreateObject(type, depth);
    }

    private object? Element(Type type, int depth, bool nullable)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if ((nullable || underlying is not null) && MakeNull()) return null;
        return CreateValue(underlying ?? type, depth + 1);
    }

    private static readonly string[] HostilePieces = { "\uD800", "\uDC00", "\uDBFF\uDFFF", "</script>", "\u2029", "\u0000", "\uFEFF" };

    public string String()
    {
        var sb = new StringBuilder();
        int pieces = _rng.Next(6);
        for (int i = 0; i < pieces; i++)
        {
            sb.Append(_nonFinite && _rng.Next(3) == 0 ? HostilePieces[_rng.Next(HostilePieces.Length)] : StringPieces[_rng.Next(StringPieces.Length)]);
        }
        if (_nonFinite && _rng.Next(100) == 0) sb.Append('x', 5000).Append("\uD83D");
        return sb.ToString();
    }

    public double Double() => _rng.Next(6) switch
    {
        0 => _rng.Next(0, 10_000_000) / 1000.0,            // millisecond-style short decimals
        1 => Math.Round(_rng.NextDouble() * 100, _rng.Next(7)),
        2 => -_rng.Next(0, 1000) / 100.0,
        3 => FiniteBits(),
        4 when _nonFinite => _rng.Next(5) switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => double.NegativeInfinity, 3 => -0.0, _ => double.Epsilon },
        4 => _rng.Next(4) switch { 0 => double.MaxValue, 1 => double.MinValue, 2 => -0.0, _ => double.Epsilon },
        _ => _rng.NextDouble() * Math.Pow(10, _rng.Next(-8, 20)),
    };

    /// <summary>A float; a double beyond the float range would narrow to an infinity, so it is clamped unless non-finite values are wanted.</summary>
    public float Single()
    {
        float value = (float)Double();
        return float.IsFinite(value) || _nonFinite ? value : (value > 0 ? float.MaxValue : float.MinValue);
    }

    private double FiniteBits()
    {
        while (true)
        {
            double d = BitConverter.Int64BitsToDouble(_rng.NextInt64());
            if (double.IsFinite(d)) return d;
        }
    }

    private byte[] Bytes(int n)
    {
        var bytes = new byte[n];
        _rng.NextBytes(bytes);
        return bytes;
    }

    private object? RandomJson(int depth) => (_rng.Next(depth > 3 ? 4 : 6)) switch
    {
        0 => null,
        1 => _rng.Next(2) == 0,
        2 => _rng.Next(-100, 100) / 4.0,
        3 => String(),
        4 => Enumerable.Range(0, _rng.Next(3)).Select(_ => RandomJson(depth + 1)).ToList(),
        _ => RandomObject(depth),
    };

    private Dictionary<string, object?> RandomObject(int depth) => Enumerable.Range(0, _rng.Next(3)).ToDictionary(i => "k" + i + String(), _ => RandomJson(depth + 1));
}
