using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Herald.Generator.Schema;

/// <summary>
/// Schema names to C# names. The rule (documented in docs/schema-dialect.md): split on every character
/// that is not an ASCII letter or digit, upper-case the first letter of each piece, keep the rest as
/// written, join; a name that would start with a digit gets a leading underscore.
/// <c>loop.failure</c> → <c>LoopFailure</c>, <c>duration_ms</c> → <c>DurationMs</c>, <c>p99</c> → <c>P99</c>.
/// </summary>
internal static class Naming
{
    public static string ToPascalCase(string name)
    {
        var sb = new StringBuilder(name.Length);
        bool startOfPiece = true;
        foreach (char c in name)
        {
            bool isAsciiLetterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!isAsciiLetterOrDigit)
            {
                startOfPiece = true;
                continue;
            }
            sb.Append(startOfPiece && c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
            startOfPiece = false;
        }
        if (sb.Length > 0 && sb[0] >= '0' && sb[0] <= '9') sb.Insert(0, '_');
        return sb.ToString();
    }

    public static bool IsValidIdentifier(string name)
        => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
           && name is not ("var" or "dynamic" or "field" or "value");
}
