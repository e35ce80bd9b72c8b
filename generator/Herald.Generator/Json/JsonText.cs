using System.Text;
using Herald.Generator.Emit;

namespace Herald.Generator.Json;

/// <summary>A parsed value written back as compact JSON text (numbers keep their literal text), e.g. for doc comments.</summary>
internal static class JsonText
{
    public static string Compact(JsonNode node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                for (int i = 0; i < o.Members.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(KnownTypes.JsonString(o.Members[i].Name)).Append(':');
                    Append(sb, o.Members[i].Value);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (int i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Append(sb, a.Items[i]);
                }
                sb.Append(']');
                break;
            case JsonString s: sb.Append(KnownTypes.JsonString(s.Value)); break;
            case JsonNumber n: sb.Append(n.Text); break;
            case JsonBool b: sb.Append(b.Value ? "true" : "false"); break;
            default: sb.Append("null"); break;
        }
    }
}
