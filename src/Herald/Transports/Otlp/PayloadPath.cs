using System;

namespace Herald.Transports.Otlp;

/// <summary>
/// The path of the payload value being encoded, in the <c>DoubleFields</c> syntax (<c>stats.mean</c>, <c>samples[]</c>,
/// <c>weights{}</c>), kept only while it can still lead to a double path of the event type. A state is the path's
/// length in the buffer, or -1 when nothing below is typed; siblings overwrite each other after their parent's bytes.
/// </summary>
internal sealed class PayloadPath
{
    public const int Untracked = -1;
    private byte[] _path = new byte[256];
    private OtlpPayloadTypes.EventInfo _info = OtlpPayloadTypes.EventInfo.Unknown;

    /// <summary>Starts a payload of <paramref name="info"/>'s type; returns the root's state.</summary>
    public int Start(OtlpPayloadTypes.EventInfo info)
    {
        _info = info;
        return info.HasDoublePaths ? 0 : Untracked;
    }

    /// <summary>The state of member <paramref name="rawName"/> (as the reader gives it) of an object at <paramref name="parent"/>: a field (<c>P.name</c>) or a map value (<c>P{}</c>).</summary>
    public int Member(int parent, ReadOnlySpan<byte> rawName, bool escaped)
    {
        if (parent == Untracked) return Untracked;
        int at = parent;
        if (parent > 0) at = Append(at, "."u8);
        if (at + rawName.Length > _path.Length) Array.Resize(ref _path, Math.Max(_path.Length * 2, at + rawName.Length));
        at += escaped ? JsonText.Unescape(rawName, _path.AsSpan(at)) : Copy(rawName, at);
        if (_info.Leads(_path.AsSpan(0, at))) return at;
        return Suffix(parent, "{}"u8);
    }

    /// <summary>The state of an item of an array at <paramref name="parent"/> (<c>P[]</c>).</summary>
    public int Item(int parent) => parent == Untracked ? Untracked : Suffix(parent, "[]"u8);

    /// <summary>Whether a number at <paramref name="state"/> is a schema <c>number</c>.</summary>
    public bool IsDouble(int state) => state > 0 && _info.IsDouble(_path.AsSpan(0, state));

    private int Suffix(int parent, ReadOnlySpan<byte> suffix)
    {
        int at = Append(parent, suffix);
        return _info.Leads(_path.AsSpan(0, at)) ? at : Untracked;
    }

    private int Append(int at, ReadOnlySpan<byte> bytes)
    {
        if (at + bytes.Length > _path.Length) Array.Resize(ref _path, _path.Length * 2 + bytes.Length);
        bytes.CopyTo(_path.AsSpan(at));
        return at + bytes.Length;
    }

    private int Copy(ReadOnlySpan<byte> bytes, int at)
    {
        bytes.CopyTo(_path.AsSpan(at));
        return bytes.Length;
    }
}
