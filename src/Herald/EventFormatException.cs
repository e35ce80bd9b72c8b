using System;
using System.Collections.Generic;
using System.Text;

namespace Herald;

/// <summary>
/// The one exception a generated reader throws: the payload is not valid for its schema.
/// <see cref="Path"/> says where (<c>$.agents[1].energy</c>), <see cref="BytePosition"/> how far into the input.
/// </summary>
public sealed class EventFormatException : FormatException
{
    // Segments are collected innermost-first while the exception unwinds through nested readers,
    // so the happy path never builds a path.
    private readonly List<string> _segmentsInnermostFirst = new();
    private readonly string _reason;

    /// <summary>Creates the exception for a problem found at <paramref name="bytePosition"/>.</summary>
    public EventFormatException(string reason, long bytePosition, Exception? inner = null)
        : base(reason, inner)
    {
        _reason = reason;
        BytePosition = bytePosition;
    }

    /// <summary>The JSON path of the offending value, e.g. <c>$.transport.worker.alive</c>.</summary>
    public string Path
    {
        get
        {
            var sb = new StringBuilder("$");
            for (int i = _segmentsInnermostFirst.Count - 1; i >= 0; i--) sb.Append(_segmentsInnermostFirst[i]);
            return sb.ToString();
        }
    }

    /// <summary>Offset in bytes from the start of the input where the problem was found.</summary>
    public long BytePosition { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason => _reason;

    /// <inheritdoc />
    public override string Message => $"{_reason} (path {Path}, byte {BytePosition})";

    /// <summary>Called by a generated reader that is unwinding out of a property.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public EventFormatException InProperty(string name)
    {
        _segmentsInnermostFirst.Add(IsPlainName(name) ? "." + name : "['" + name.Replace("'", "\\'") + "']");
        return this;
    }

    /// <summary>Called by a reader that is unwinding out of an array element.</summary>
    internal EventFormatException AtIndex(int index)
    {
        _segmentsInnermostFirst.Add("[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]");
        return this;
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0])) return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        }
        return true;
    }
}
