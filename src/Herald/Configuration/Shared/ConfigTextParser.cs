// Shared with the HER201 analyzer (netstandard2.0): plain C#, no records, no APIs newer than netstandard2.0.
using System;
using System.Globalization;
using System.Text;

namespace Herald.Configuration;

/// <summary>A configuration file that cannot be parsed, with the 1-based position of the problem.</summary>
internal sealed class ConfigSyntaxException : Exception
{
    public ConfigSyntaxException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>
/// Reads configuration text into <see cref="ConfigNode"/>s with exact positions: JSON, and the YAML that
/// configuration files use — block mappings and sequences, flow <c>{...}</c> and <c>[...]</c> (so JSON is
/// read by the same code), plain, single- and double-quoted scalars, comments, a leading <c>---</c>.
/// Anchors, aliases, tags, block scalars (<c>|</c>, <c>&gt;</c>) and multiple documents are refused with a
/// clear error rather than half-read. Written by hand (no YAML library) so the runtime and the analyzer,
/// which runs inside the compiler, share one reader with the same positions.
/// </summary>
internal sealed class ConfigTextParser
{
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private ConfigTextParser(string text)
    {
        _text = text;
        if (_text.Length > 0 && _text[0] == '\uFEFF') _pos = _lineStart = 1;
    }

    /// <summary>Parses a whole document; an empty document is an empty mapping.</summary>
    /// <exception cref="ConfigSyntaxException">The text is not valid configuration.</exception>
    public static ConfigNode Parse(string text)
    {
        var parser = new ConfigTextParser(text);
        return parser.ParseDocument();
    }

    private int Column => _pos - _lineStart + 1;

    private char Current => _pos < _text.Length ? _text[_pos] : '\0';

    private bool AtEnd => _pos >= _text.Length;

    private ConfigNode ParseDocument()
    {
        if (!SkipToContent()) return ConfigNode.Mapping(1, 1);
        if (StartsWith("---") && IsBlankOrComment(_pos + 3))
        {
            SkipRestOfLine();
            if (!SkipToContent()) return ConfigNode.Mapping(1, 1);
        }
        ConfigNode root;
        if (Current == '{' || Current == '[')
        {
            root = ParseFlow();
            SkipInlineSpace();
            ExpectEndOfLine();
        }
        else
        {
            if (Column != 1) throw Error("the document must start at the first column");
            root = ParseBlock(0);
        }
        if (SkipToContent())
        {
            if (StartsWith("---") || StartsWith("...")) throw Error("only one document per file is supported");
            throw Error("unexpected content; check the indentation");
        }
        return root;
    }

    /// <summary>A block mapping or sequence whose first content is at the current position.</summary>
    private ConfigNode ParseBlock(int indent)
    {
        return IsSequenceDash() ? ParseBlockSequence(indent) : ParseBlockMapping(indent);
    }

    private ConfigNode ParseBlockMapping(int indent)
    {
        var map = ConfigNode.Mapping(_line, Column);
        while (true)
        {
            int keyLine = _line, keyColumn = Column;
            if (IsSequenceDash()) throw Error("a list item where a 'key: value' was expected");
            string key = ParseKey();
            if (map.Find(key) is not null) throw new ConfigSyntaxException($"duplicate key '{key}'", keyLine, keyColumn);
            SkipInlineSpace();
            ConfigNode value;
            if (IsBlankOrComment(_pos))
            {
                value = ParseNestedBlock(indent, keyLine, keyColumn, allowSameIndentSequence: true);
            }
            else
            {
                value = ParseInlineValue();
            }
            map.Entries.Add(new ConfigEntry(key, keyLine, keyColumn, value));

            int before = _pos, beforeLine = _line, beforeLineStart = _lineStart;
            if (!SkipToContent()) return map;
            int column = Column - 1;
            bool documentMarker = column == 0 && (StartsWith("---") || StartsWith("..."));
            if (column == indent && !IsSequenceDash() && !documentMarker) continue;
            if (column > indent && !documentMarker) throw Error("unexpected indentation");
            _pos = before;
            _line = beforeLine;
            _lineStart = beforeLineStart;
            return map;
        }
    }

    private ConfigNode ParseBlockSequence(int indent)
    {
        var list = ConfigNode.Sequence(_line, Column);
        while (true)
        {
            int dashLine = _line, dashColumn = Column;
            _pos++; // '-'
            SkipInlineSpace();
            ConfigNode item;
            if (IsBlankOrComment(_pos))
            {
                item = ParseNestedBlock(indent, dashLine, dashColumn, allowSameIndentSequence: false);
            }
            else if (IsSequenceDash())
            {
                throw Error("nested inline lists ('- - x') are not supported; put the inner list on its own lines");
            }
            else if (LooksLikeKey())
            {
                item = ParseBlockMapping(Column - 1);
            }
            else
            {
                item = ParseInlineValue();
            }
            list.Items.Add(item);

            int before = _pos, beforeLine = _line, beforeLineStart = _lineStart;
            if (!SkipToContent()) return list;
            int column = Column - 1;
            if (column == indent && IsSequenceDash()) continue;
            if (column > indent) throw Error("unexpected indentation");
            _pos = before;
            _line = beforeLine;
            _lineStart = beforeLineStart;
            return list;
        }
    }

    /// <summary>The value of a key or dash with nothing after it on its line: an indented block, or null.</summary>
    private ConfigNode ParseNestedBlock(int indent, int ownerLine, int ownerColumn, bool allowSameIndentSequence)
    {
        int before = _pos, beforeLine = _line, beforeLineStart = _lineStart;
        if (SkipToContent())
        {
            int column = Column - 1;
            if (column > indent) return ParseBlock(column);
            if (column == indent && allowSameIndentSequence && IsSequenceDash()) return ParseBlockSequence(indent);
        }
        _pos = before;
        _line = beforeLine;
        _lineStart = beforeLineStart;
        return ConfigNode.Scalar(null, ownerLine, ownerColumn);
    }

    /// <summary>A value on the rest of the line: a flow collection or a scalar, then only a comment.</summary>
    private ConfigNode ParseInlineValue()
    {
        ConfigNode value;
        char c = Current;
        if (c == '{' || c == '[') value = ParseFlow();
        else if (c == '"' || c == '\'') value = ParseQuoted();
        else
        {
            RefuseUnsupported();
            int line = _line, column = Column;
            int start = _pos;
            while (!AtEnd && Current != '\n' && Current != '\r' && !(Current == '#' && _pos > start && IsSpace(_text[_pos - 1]))) _pos++;
            string raw = _text.Substring(start, _pos - start).Trim();
            if (raw.EndsWith(":", StringComparison.Ordinal) || raw.IndexOf(": ", StringComparison.Ordinal) >= 0)
                throw new ConfigSyntaxException("a 'key: value' cannot follow another key on the same line; put it on its own line, indented", line, column);
            return Plain(raw, line, column);
        }
        SkipInlineSpace();
        ExpectEndOfLine();
        return value;
    }

    private ConfigNode ParseFlow()
    {
        int line = _line, column = Column;
        char open = Current;
        _pos++;
        ConfigNode node = open == '{' ? ConfigNode.Mapping(line, column) : ConfigNode.Sequence(line, column);
        char close = open == '{' ? '}' : ']';
        SkipFlowSpace();
        if (Current == close)
        {
            _pos++;
            return node;
        }
        while (true)
        {
            SkipFlowSpace();
            if (AtEnd) throw new ConfigSyntaxException($"'{open}' is never closed", line, column);
            if (open == '{')
            {
                int keyLine = _line, keyColumn = Column;
                string key = Current == '"' || Current == '\'' ? ParseQuoted().Value ?? "" : ParseFlowPlain(isKey: true).Value ?? "";
                if (node.Find(key) is not null) throw new ConfigSyntaxException($"duplicate key '{key}'", keyLine, keyColumn);
                SkipFlowSpace();
                if (Current != ':') throw Error("expected ':' after the key");
                _pos++;
                SkipFlowSpace();
                node.Entries.Add(new ConfigEntry(key, keyLine, keyColumn, ParseFlowValue()));
            }
            else
            {
                node.Items.Add(ParseFlowValue());
            }
            SkipFlowSpace();
            if (Current == ',')
            {
                _pos++;
                SkipFlowSpace();
                if (Current == close) throw Error("a trailing ',' before '" + close + "'");
                continue;
            }
            if (Current == close)
            {
                _pos++;
                return node;
            }
            if (AtEnd) throw new ConfigSyntaxException($"'{open}' is never closed", line, column);
            throw Error($"expected ',' or '{close}'");
        }
    }

    private ConfigNode ParseFlowValue()
    {
        char c = Current;
        if (c == '{' || c == '[') return ParseFlow();
        if (c == '"' || c == '\'') return ParseQuoted();
        return ParseFlowPlain(isKey: false);
    }

    private ConfigNode ParseFlowPlain(bool isKey)
    {
        RefuseUnsupported();
        int line = _line, column = Column;
        int start = _pos;
        while (!AtEnd)
        {
            char c = Current;
            if (c == ',' || c == ']' || c == '}' || c == '\n' || c == '\r') break;
            if (c == ':' && (isKey || _pos + 1 >= _text.Length || IsSpace(_text[_pos + 1]) || _text[_pos + 1] == ',')) break;
            if (c == '#' && _pos > start && IsSpace(_text[_pos - 1])) break;
            _pos++;
        }
        string raw = _text.Substring(start, _pos - start).Trim();
        if (raw.Length == 0 && isKey) throw new ConfigSyntaxException("expected a key", line, column);
        return Plain(raw, line, column);
    }

    private static ConfigNode Plain(string raw, int line, int column)
    {
        bool isNull = raw.Length == 0 || raw == "~" || raw == "null" || raw == "Null" || raw == "NULL";
        return ConfigNode.Scalar(isNull ? null : raw, line, column);
    }

    private ConfigNode ParseQuoted()
    {
        int line = _line, column = Column;
        char quote = Current;
        _pos++;
        var value = new StringBuilder();
        while (true)
        {
            if (AtEnd) throw new ConfigSyntaxException("the quoted string is never closed", line, column);
            char c = Current;
            if (c == '\n') throw new ConfigSyntaxException("a quoted string must end on the line it starts", line, column);
            if (c == quote)
            {
                if (quote == '\'' && _pos + 1 < _text.Length && _text[_pos + 1] == '\'')
                {
                    value.Append('\'');
                    _pos += 2;
                    continue;
                }
                _pos++;
                ConfigNode quoted = ConfigNode.Scalar(value.ToString(), line, column);
                quoted.Quoted = true;
                return quoted;
            }
            if (c == '\\' && quote == '"')
            {
                _pos++;
                value.Append(Escape());
                continue;
            }
            value.Append(c);
            _pos++;
        }
    }

    private string Escape()
    {
        char c = Current;
        _pos++;
        switch (c)
        {
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case '0': return "\0";
            case 'u':
                if (_pos + 4 <= _text.Length && int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                {
                    _pos += 4;
                    return ((char)code).ToString();
                }
                break;
        }
        _pos--;
        throw Error($"unknown escape '\\{c}'");
    }

    private string ParseKey()
    {
        if (Current == '"' || Current == '\'')
        {
            string key = ParseQuoted().Value ?? "";
            SkipInlineSpace();
            if (Current != ':') throw Error("expected ':' after the key");
            _pos++;
            return key;
        }
        RefuseUnsupported();
        int start = _pos;
        while (!AtEnd && Current != '\n' && Current != '\r')
        {
            if (Current == ':' && (_pos + 1 >= _text.Length || IsSpace(_text[_pos + 1]) || _text[_pos + 1] == '\n' || _text[_pos + 1] == '\r'))
            {
                string key = _text.Substring(start, _pos - start).Trim();
                if (key.Length == 0) throw Error("expected a key before ':'");
                _pos++;
                return key;
            }
            if (Current == '#' && _pos > start && IsSpace(_text[_pos - 1])) break;
            _pos++;
        }
        _pos = start;
        throw Error("expected 'key: value'");
    }

    /// <summary>Whether the rest of the line starts a <c>key:</c> (for <c>- key: value</c> list items).</summary>
    private bool LooksLikeKey()
    {
        if (Current == '{' || Current == '[') return false;
        int i = _pos;
        if (Current == '"' || Current == '\'')
        {
            char quote = Current;
            i++;
            while (i < _text.Length && _text[i] != quote && _text[i] != '\n') i++;
            i++;
            while (i < _text.Length && IsSpace(_text[i])) i++;
            return i < _text.Length && _text[i] == ':';
        }
        for (; i < _text.Length && _text[i] != '\n' && _text[i] != '\r'; i++)
        {
            if (_text[i] == '#' && i > _pos && IsSpace(_text[i - 1])) return false;
            if (_text[i] == ':' && (i + 1 >= _text.Length || IsSpace(_text[i + 1]) || _text[i + 1] == '\n' || _text[i + 1] == '\r')) return true;
        }
        return false;
    }

    private void RefuseUnsupported()
    {
        char c = Current;
        if (c == '|' || c == '>') throw Error("block scalars ('|' and '>') are not supported; quote the value on one line");
        if (c == '&' || c == '*') throw Error("anchors and aliases ('&', '*') are not supported");
        if (c == '!') throw Error("tags ('!') are not supported");
        if (c == '\t') throw Error("tabs are not allowed here; use spaces");
    }

    private bool IsSequenceDash() => Current == '-' && (_pos + 1 >= _text.Length || IsSpace(_text[_pos + 1]) || _text[_pos + 1] == '\n' || _text[_pos + 1] == '\r');

    /// <summary>Moves to the first content character at or after the current position, across blank and comment lines.</summary>
    private bool SkipToContent()
    {
        while (!AtEnd)
        {
            char c = Current;
            if (c == ' ' || c == '\r') _pos++;
            else if (c == '\t')
            {
                if (IsBlankOrComment(_pos)) _pos++;
                else throw Error("tabs are not allowed in indentation; use spaces");
            }
            else if (c == '\n') NewLine();
            else if (c == '#') SkipRestOfLine();
            else return true;
        }
        return false;
    }

    /// <summary>Inside a flow collection newlines and comments are just space.</summary>
    private void SkipFlowSpace()
    {
        while (!AtEnd)
        {
            char c = Current;
            if (c == ' ' || c == '\t' || c == '\r') _pos++;
            else if (c == '\n') NewLine();
            else if (c == '#') SkipRestOfLine();
            else return;
        }
    }

    private void SkipInlineSpace()
    {
        while (!AtEnd && IsSpace(Current)) _pos++;
    }

    private void SkipRestOfLine()
    {
        while (!AtEnd && Current != '\n') _pos++;
    }

    private void ExpectEndOfLine()
    {
        if (!IsBlankOrComment(_pos)) throw Error("unexpected text after the value");
        SkipRestOfLine();
    }

    private bool IsBlankOrComment(int i)
    {
        while (i < _text.Length && IsSpace(_text[i])) i++;
        return i >= _text.Length || _text[i] == '\n' || _text[i] == '\r' || _text[i] == '#';
    }

    private void NewLine()
    {
        _pos++;
        _line++;
        _lineStart = _pos;
    }

    private bool StartsWith(string s) => string.CompareOrdinal(_text, _pos, s, 0, s.Length) == 0;

    private static bool IsSpace(char c) => c == ' ' || c == '\t';

    private ConfigSyntaxException Error(string message) => new ConfigSyntaxException(message, _line, Column);
}
