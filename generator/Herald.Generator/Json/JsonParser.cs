using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Herald.Generator.Model;

namespace Herald.Generator.Json;

/// <summary>
/// A strict RFC 8259 parser that records where every value starts and ends. The generator cannot rely on
/// System.Text.Json being loadable in every compiler host, and diagnostics need exact lines and columns.
/// Duplicate keys are an error: a schema that says two things about one property says nothing reliable.
/// </summary>
internal sealed class JsonParser
{
    private const int MaxDepth = 128;
    private readonly string _text;
    private int _pos;
    private int _line;
    private int _lineStart;
    private int _depth;

    private JsonParser(string text) => _text = text;

    /// <summary>Parses a whole document; on failure returns null with the message and where it happened.</summary>
    public static JsonNode? TryParse(string text, out string? error, out SourceSpan errorSpan)
    {
        var parser = new JsonParser(text);
        try
        {
            parser.SkipWhitespace();
            JsonNode root = parser.ParseValue();
            parser.SkipWhitespace();
            if (parser._pos < text.Length) throw parser.Error("unexpected content after the end of the document");
            error = null;
            errorSpan = SourceSpan.Empty;
            return root;
        }
        catch (ParseException ex)
        {
            error = ex.Message;
            errorSpan = ex.Span;
            return null;
        }
    }

    private JsonNode ParseValue()
    {
        if (_pos >= _text.Length) throw Error("unexpected end of file, expected a value");
        char c = _text[_pos];
        switch (c)
        {
            case '{': return ParseObject();
            case '[': return ParseArray();
            case '"':
            {
                var (start, line, col) = Mark();
                string value = ParseStringLiteral();
                return new JsonString(SpanFrom(start, line, col), value);
            }
            case 't': return ParseKeyword("true", s => new JsonBool(s, true));
            case 'f': return ParseKeyword("false", s => new JsonBool(s, false));
            case 'n': return ParseKeyword("null", s => new JsonNull(s));
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
                throw Error($"unexpected character '{Printable(c)}', expected a value");
        }
    }

    private JsonNode ParseObject()
    {
        var (start, line, col) = Mark();
        if (++_depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth} levels");
        _pos++; // {
        var members = ImmutableArray.CreateBuilder<JsonMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            _depth--;
            return new JsonObject(SpanFrom(start, line, col), members.ToImmutable().ToEquatableArrayFast());
        }
        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"') throw Error("expected a property name in double quotes");
            var (nameStart, nameLine, nameCol) = Mark();
            string name = ParseStringLiteral();
            SourceSpan nameSpan = SpanFrom(nameStart, nameLine, nameCol);
            if (!seen.Add(name)) throw new ParseException($"duplicate property \"{name}\"", nameSpan);
            SkipWhitespace();
            if (Peek() != ':') throw Error("expected ':' after the property name");
            _pos++;
            SkipWhitespace();
            JsonNode value = ParseValue();
            members.Add(new JsonMember(name, nameSpan, value));
            SkipWhitespace();
            char next = Peek();
            if (next == ',') { _pos++; continue; }
            if (next == '}') { _pos++; break; }
            throw Error("expected ',' or '}' after a property value");
        }
        _depth--;
        return new JsonObject(SpanFrom(start, line, col), members.ToImmutable().ToEquatableArrayFast());
    }

    private JsonNode ParseArray()
    {
        var (start, line, col) = Mark();
        if (++_depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth} levels");
        _pos++; // [
        var items = ImmutableArray.CreateBuilder<JsonNode>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            _depth--;
            return new JsonArray(SpanFrom(start, line, col), items.ToImmutable().ToEquatableArrayFast());
        }
        while (true)
        {
            SkipWhitespace();
            items.Add(ParseValue());
            SkipWhitespace();
            char next = Peek();
            if (next == ',') { _pos++; continue; }
            if (next == ']') { _pos++; break; }
            throw Error("expected ',' or ']' after an array element");
        }
        _depth--;
        return new JsonArray(SpanFrom(start, line, col), items.ToImmutable().ToEquatableArrayFast());
    }

    private JsonNode ParseKeyword(string keyword, Func<SourceSpan, JsonNode> create)
    {
        var (start, line, col) = Mark();
        if (string.CompareOrdinal(_text, _pos, keyword, 0, keyword.Length) != 0) throw Error("unexpected characters, expected a value");
        _pos += keyword.Length;
        return create(SpanFrom(start, line, col));
    }

    private JsonNode ParseNumber()
    {
        var (start, line, col) = Mark();
        if (Peek() == '-') _pos++;
        if (Peek() == '0') _pos++;
        else if (IsDigit(Peek())) while (IsDigit(Peek())) _pos++;
        else throw Error("invalid number");
        if (Peek() == '.')
        {
            _pos++;
            if (!IsDigit(Peek())) throw Error("invalid number: expected a digit after '.'");
            while (IsDigit(Peek())) _pos++;
        }
        if (Peek() == 'e' || Peek() == 'E')
        {
            _pos++;
            if (Peek() == '+' || Peek() == '-') _pos++;
            if (!IsDigit(Peek())) throw Error("invalid number: expected a digit in the exponent");
            while (IsDigit(Peek())) _pos++;
        }
        return new JsonNumber(SpanFrom(start, line, col), _text.Substring(start, _pos - start));
    }

    private string ParseStringLiteral()
    {
        _pos++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw Error("unterminated string");
            char c = _text[_pos];
            if (c == '"') { _pos++; return sb.ToString(); }
            if (c < 0x20)
            {
                if (c == '\n') throw Error("unterminated string (line break inside a string)");
                throw Error($"control character U+{(int)c:X4} must be escaped inside a string");
            }
            if (c != '\\') { sb.Append(c); _pos++; continue; }
            _pos++;
            char e = Peek();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 >= _text.Length
                        || !int.TryParse(_text.Substring(_pos + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("invalid \\u escape: expected four hex digits");
                    }
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default: throw Error($"invalid escape '\\{Printable(e)}'");
            }
            _pos++;
        }
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n') { _pos++; _line++; _lineStart = _pos; }
            else if (c == ' ' || c == '\t' || c == '\r') _pos++;
            else if (c == '\uFEFF' && _pos == 0) _pos++;
            else break;
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private (int Start, int Line, int Column) Mark() => (_pos, _line, _pos - _lineStart);

    // Values never span lines except objects and arrays; those end after SkipWhitespace kept _line current.
    private SourceSpan SpanFrom(int start, int line, int column)
        => new(start, _pos - start, line, column, _line, _pos - _lineStart);

    private ParseException Error(string message)
        => new(message, new SourceSpan(_pos, _pos < _text.Length ? 1 : 0, _line, _pos - _lineStart, _line, _pos - _lineStart + (_pos < _text.Length ? 1 : 0)));

    private static string Printable(char c) => c < 0x20 ? $"U+{(int)c:X4}" : c.ToString();

    private sealed class ParseException : Exception
    {
        public ParseException(string message, SourceSpan span) : base(message) => Span = span;

        public SourceSpan Span { get; }
    }
}

internal static class ImmutableArrayExtensions
{
    public static EquatableArray<T> ToEquatableArrayFast<T>(this ImmutableArray<T> items) where T : IEquatable<T> => new(items);
}
