using System;
using System.Text;

namespace Herald.Transports.Otlp;

/// <summary>
/// A log record's severity: from the payload's top-level string field <c>severity</c> when it has one
/// (trace 1, debug 5, info 9, warn/warning 13, error 17, fatal/critical 21; its text kept as <c>severity_text</c>),
/// else from the schema's <c>x-priority</c> (low → INFO 9, medium → INFO2 10, high → WARN 13, critical → ERROR 17;
/// the priority as the text), else INFO 9 without text.
/// </summary>
internal static class OtlpSeverity
{
    public const int Info = 9;

    /// <summary>The number of a payload's <c>severity</c> text (ASCII case ignored), or 0 when it names none.</summary>
    public static int FromText(ReadOnlySpan<byte> text)
    {
        Span<byte> lower = stackalloc byte[8];
        if (text.Length > lower.Length) return 0;
        for (int i = 0; i < text.Length; i++) lower[i] = text[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(text[i] | 0x20) : text[i];
        ReadOnlySpan<byte> t = lower.Slice(0, text.Length);
        if (t.SequenceEqual("trace"u8)) return 1;
        if (t.SequenceEqual("debug"u8)) return 5;
        if (t.SequenceEqual("info"u8)) return 9;
        if (t.SequenceEqual("warn"u8) || t.SequenceEqual("warning"u8)) return 13;
        if (t.SequenceEqual("error"u8)) return 17;
        if (t.SequenceEqual("fatal"u8) || t.SequenceEqual("critical"u8)) return 21;
        return 0;
    }

    /// <summary>The number of a schema <c>x-priority</c>; INFO for none or an unknown one.</summary>
    public static int FromPriority(string? priority) => priority switch
    {
        "low" => 9,
        "medium" => 10,
        "high" => 13,
        "critical" => 17,
        _ => Info,
    };

    /// <summary>The priority's UTF-8, the severity text of events without a <c>severity</c> field (empty for none).</summary>
    public static byte[] PriorityText(string? priority) => priority is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(priority);
}
