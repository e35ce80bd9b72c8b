using System;
using System.IO;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>
/// <c>file_mode</c> and <c>directory_mode</c>: octal permission strings (<c>"0640"</c>) for the files and directories
/// the file and prometheus transports create. Set exactly, whatever the process umask; existing files keep theirs.
/// What is accepted, and each transport's modes when none is set, are in the configuration rule table.
/// </summary>
internal static class FileModes
{
    /// <summary>Reads 3 or 4 octal digits (<c>640</c>, <c>0640</c>) of permission bits only (at most 0777).</summary>
    public static bool TryParse(string? text, out UnixFileMode mode)
    {
        bool parsed = ConfigText.TryParseOctalMode(text, out int bits);
        mode = (UnixFileMode)bits;
        return parsed;
    }

    /// <summary>The mode <paramref name="text"/> names, or the transport's own when it is not set.</summary>
    public static UnixFileMode Parse(string? text, string fallback)
    {
        if (!TryParse(text ?? fallback, out UnixFileMode mode)) throw new ArgumentException($"'{text}' is not an octal permission string (e.g. \"0640\").");
        return mode;
    }

    /// <summary><c>0640</c>.</summary>
    public static string Format(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');
}
