using System;

namespace Herald.Configuration;

/// <summary>
/// The enums that stand for a choice key's values (<see cref="BackpressureMode"/> for <c>backpressure</c>): a member is
/// the choice's name without underscores, case aside (<c>DropOldest</c> is <c>drop_oldest</c>). The choices themselves
/// are written only in <see cref="TelemetryConfigRules"/>; a test holds each such enum to its rule.
/// </summary>
internal static class ConfigChoices
{
    /// <summary>The member that stands for <paramref name="text"/>, one of <paramref name="rule"/>'s choices.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> is not one of the choices.</exception>
    public static TEnum Parse<TEnum>(ConfigRule rule, string text) where TEnum : struct, Enum
    {
        if (Array.IndexOf(rule.Choices, text) < 0 || !Enum.TryParse(Compact(text), ignoreCase: true, out TEnum value) || !Enum.IsDefined(value))
            throw new ArgumentException($"{rule.Name} '{text}' is not one of {string.Join(", ", rule.Choices)}.", nameof(text));
        return value;
    }

    /// <summary>The choice <paramref name="value"/> stands for, or null for a value that is no member (<c>(BackpressureMode)42</c>).</summary>
    public static string? Text<TEnum>(ConfigRule rule, TEnum value) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) return null;
        string name = value.ToString();
        foreach (string choice in rule.Choices)
        {
            if (string.Equals(Compact(choice), name, StringComparison.OrdinalIgnoreCase)) return choice;
        }
        return null;
    }

    private static string Compact(string choice) => choice.Replace("_", "", StringComparison.Ordinal);
}
