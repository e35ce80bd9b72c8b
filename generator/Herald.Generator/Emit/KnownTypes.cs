using System.Linq;
using System.Text;
using Herald.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Herald.Generator.Emit;

/// <summary>Fully qualified names the emitted code uses, and how a <see cref="TypeRef"/> is spelled in C#.</summary>
internal static class KnownTypes
{
    public const string IEvent = "global::Herald.IEvent";
    public const string EventFormatException = "global::Herald.EventFormatException";
    public const string JsonOutput = "global::Herald.Serialization.JsonOutput";
    public const string JsonInput = "global::Herald.Serialization.JsonInput";
    public const string JsonStrings = "global::Herald.Serialization.JsonStrings";
    public const string EventEquality = "global::Herald.Serialization.EventEquality";
    public const string EventJson = "global::Herald.Serialization.EventJson";
    public const string EventValidation = "global::Herald.Serialization.EventValidation";
    public const string EventRegistry = "global::Herald.EventRegistry";
    public const string EventDescriptor = "global::Herald.EventDescriptor";
    public const string Utf8JsonReader = "global::System.Text.Json.Utf8JsonReader";
    public const string JsonTokenType = "global::System.Text.Json.JsonTokenType";
    public const string JsonSerializerOptions = "global::System.Text.Json.JsonSerializerOptions";
    public const string Utf8JsonWriter = "global::System.Text.Json.Utf8JsonWriter";
    public const string JsonException = "global::System.Text.Json.JsonException";
    public const string JsonConverterOf = "global::System.Text.Json.Serialization.JsonConverter";
    public const string JsonConverterAttribute = "global::System.Text.Json.Serialization.JsonConverterAttribute";
    public const string BufferWriter = "global::System.Buffers.IBufferWriter<byte>";
    public const string ReadOnlyByteSpan = "global::System.ReadOnlySpan<byte>";
    public const string HashCode = "global::System.HashCode";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCodeAttribute";
    public const string ImmutableArray = "global::System.Collections.Immutable.ImmutableArray";
    public const string ImmutableDictionary = "global::System.Collections.Immutable.ImmutableDictionary";
    public const string Obsolete = "global::System.ObsoleteAttribute";

    /// <summary>The C# type without the nullable marker.</summary>
    public static string Base(TypeRef type) => type.Kind switch
    {
        ValueKind.String => "string",
        ValueKind.Int64 => "long",
        ValueKind.Int32 => "int",
        ValueKind.Double => "double",
        ValueKind.Single => "float",
        ValueKind.Boolean => "bool",
        ValueKind.DateTimeOffset => "global::System.DateTimeOffset",
        ValueKind.Guid => "global::System.Guid",
        ValueKind.Object or ValueKind.Enum => type.TypeName!,
        ValueKind.Array => $"{ImmutableArray}<{Spell(type.Element!, type.Element!.AllowsNull)}>",
        ValueKind.Map => $"{ImmutableDictionary}<string, {Spell(type.Element!, type.Element!.AllowsNull)}>",
        _ => "global::System.Text.Json.JsonElement",
    };

    public static string Spell(TypeRef type, bool nullable) => nullable ? Base(type) + "?" : Base(type);

    public static string Spell(PropertyModel property) => Spell(property.Type, property.IsNullable);

    /// <summary>A C# <c>u8</c> literal holding <paramref name="json"/> (already valid JSON text).</summary>
    public static string Utf8Literal(string json) => CSharpString(json) + "u8";

    /// <summary>JSON string encoding (quotes included) with the same escaping rules as the runtime writer.</summary>
    public static string JsonString(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7F) sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// A regular C# string literal (quotes included) for any text: every character C# reads as a line break
    /// (<c>\r</c>, <c>\n</c>, U+0085, U+2028, U+2029) and every other control character is an escape.
    /// </summary>
    public static string CSharpString(string value) => EscapeLineBreaks(SymbolDisplay.FormatLiteral(value, quote: true));

    /// <summary>Whether C# ends a line (and so a comment or a string literal) at <paramref name="c"/>.</summary>
    public static bool IsLineBreak(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>Characters that cannot appear in C# source as they are inside a literal or a comment, as <c>\uXXXX</c> escapes.</summary>
    private static string EscapeLineBreaks(string text)
    {
        if (!text.Any(c => IsLineBreak(c) || char.IsControl(c))) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsLineBreak(c) || (char.IsControl(c) && c != '\t')) sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The body of a regular (non-verbatim) interpolated string for <paramref name="text"/>, whose holes are already
    /// written as <c>{expr}</c> (literal braces must come doubled): quotes, backslashes, line breaks and control characters escaped.
    /// </summary>
    public static string InterpolatedText(string text)
        => EscapeLineBreaks(text.Replace("\\", "\\\\").Replace("\"", "\\\""));

    /// <summary>Text for a <c>//</c> comment: line breaks (which would end it) and control characters as <c>\uXXXX</c>.</summary>
    public static string Comment(string text) => EscapeLineBreaks(text);

    /// <summary>
    /// Escapes text for an XML doc comment: markup characters as entities, line breaks (which would end the comment)
    /// as character references, and the characters XML cannot hold at all (other control characters, lone surrogates,
    /// U+FFFE, U+FFFF) as U+FFFD.
    /// </summary>
    public static string Xml(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                default:
                    if (IsLineBreak(c)) sb.Append("&#x").Append(((int)c).ToString("X", System.Globalization.CultureInfo.InvariantCulture)).Append(';');
                    else if ((c < 0x20 && c != '\t') || c is '\uFFFE' or '\uFFFF') sb.Append('\uFFFD');
                    else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) sb.Append(c).Append(text[++i]);
                    else if (char.IsSurrogate(c)) sb.Append('\uFFFD');
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Splits text into lines at every character C# or a reader would end a line at (<c>\r\n</c> counts once).</summary>
    public static string[] Lines(string text)
        => text.Replace("\r\n", "\n").Split('\r', '\n', '\u0085', '\u2028', '\u2029');
}
