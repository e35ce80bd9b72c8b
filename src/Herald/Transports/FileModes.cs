using System;
using System.IO;

namespace Herald.Transports;

/// <summary>
/// <c>file_mode</c> and <c>directory_mode</c>: octal permission strings (<c>"0640"</c>) for the files and directories
/// the file and prometheus transports create. Set exactly, whatever the process umask; existing files keep theirs.
/// </summary>
internal static class FileModes
{
    /// <summary>The file transport's files: owner read/write, group read, nothing for others (events may hold personal data).</summary>
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    /// <summary>The file transport's directories: 0750.</summary>
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>The prometheus textfile: 0644, because node_exporter usually runs as its own user and the file holds only counters.</summary>
    public const UnixFileMode Textfile = File | UnixFileMode.OtherRead;

    /// <summary>The prometheus textfile's directories: 0755, so node_exporter's user can enter them.</summary>
    public const UnixFileMode TextfileDirectory = Directory | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Reads 3 or 4 octal digits (<c>640</c>, <c>0640</c>) of permission bits only (at most 0777).</summary>
    public static bool TryParse(string? text, out UnixFileMode mode)
    {
        mode = default;
        if (text is null || text.Length is < 3 or > 4) return false;
        int value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '7') return false;
            value = value * 8 + (c - '0');
        }
        if (value > 0x1FF) return false;
        mode = (UnixFileMode)value;
        return true;
    }

    /// <summary>Why <paramref name="text"/> is not a usable mode, or null.</summary>
    public static string? Check(string? text, bool directory)
    {
        if (text is null) return null;
        if (!TryParse(text, out UnixFileMode mode)) return "must be an octal permission string of 3 or 4 digits, at most 0777 (e.g. \"0640\")";
        UnixFileMode owner = directory ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if ((mode & owner) != owner) return directory ? "must give the owner read, write and search (0700 at least)" : "must give the owner read and write (0600 at least)";
        return null;
    }

    /// <summary>The mode <paramref name="text"/> names, or <paramref name="fallback"/> when it is not set.</summary>
    public static UnixFileMode Parse(string? text, UnixFileMode fallback)
    {
        if (text is null) return fallback;
        if (!TryParse(text, out UnixFileMode mode)) throw new ArgumentException($"'{text}' is not an octal permission string (e.g. \"0640\").");
        return mode;
    }

    /// <summary><c>0640</c>.</summary>
    public static string Format(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');
}
