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
    public static string Utf8Literal(string json) => SymbolDisplay.FormatLiteral(json, quote: true) + "u8";

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

    public static string CSharpString(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>
    /// Escapes text for one line of an XML doc comment: markup characters, and every character C# reads as a line
    /// break (<c>\r</c>, <c>\n</c>, U+0085, U+2028, U+2029) as a character reference, so the text cannot end the comment.
    /// </summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")
        .Replace("\r", "&#xD;").Replace("\n", "&#xA;").Replace("\u0085", "&#x85;").Replace("\u2028", "&#x2028;").Replace("\u2029", "&#x2029;");

    /// <summary>The lines of <paramref name="text"/>, split at every line break C# recognizes (CR LF counts once).</summary>
    public static string[] Lines(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u0085', '\n')
        .Replace('\u2028', '\n').Replace('\u2029', '\n').Split('\n');
}
