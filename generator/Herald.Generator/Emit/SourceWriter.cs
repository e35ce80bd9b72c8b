using System;
using System.Text;

namespace Herald.Generator.Emit;

/// <summary>An indentation-aware writer for emitted C#. Lines end in '\n' on every OS.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', _indent * 4).Append(text);
        _sb.Append('\n');
        return this;
    }

    /// <summary>Writes a multi-line chunk, indenting every non-empty line.</summary>
    public SourceWriter Block(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n')) Line(line);
        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public IDisposable Indent()
    {
        _indent++;
        return new Dedent(this);
    }

    public override string ToString() => _sb.ToString();

    private sealed class Dedent : IDisposable
    {
        private readonly SourceWriter _writer;

        public Dedent(SourceWriter writer) => _writer = writer;

        public void Dispose() => _writer._indent--;
    }
}
