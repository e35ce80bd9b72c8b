using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Herald.Storage;

/// <summary>
/// The files of a rotated set written by the file transport (<c>max_file_bytes</c>, <c>rotate_interval_seconds</c>).
/// For the active file <c>dir/events.jsonl</c>, closed files are <c>dir/events.&lt;seq&gt;.jsonl</c> and, compressed,
/// <c>dir/events.&lt;seq&gt;.jsonl.gz</c>: <c>seq</c> is a decimal number of at least 6 digits (zero-padded, growing
/// past 999999 without a limit), increasing by one per rotation; the active file keeps its name. A file name without
/// an extension (<c>dir/events</c>) gives <c>dir/events.&lt;seq&gt;</c>. Temporary files (<c>.*.tmp</c>) are never part of it.
/// </summary>
public static class RotatedFiles
{
    /// <summary>
    /// The set that <paramref name="activePath"/> heads, oldest first: the closed files by sequence number (a
    /// <c>.gz</c> file where a number has both), then the active file if it exists. Paths are full paths.
    /// </summary>
    public static IReadOnlyList<string> InOrder(string activePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(activePath);
        string full = Path.GetFullPath(activePath);
        var files = new List<string>();
        foreach (ClosedFile closed in Closed(full)) files.Add(closed.Path);
        if (File.Exists(full)) files.Add(full);
        return files;
    }

    /// <summary>A closed file of a set: its sequence number, path, and whether it is gzip-compressed.</summary>
    internal readonly record struct ClosedFile(long Sequence, string Path, bool Compressed);

    /// <summary>The closed files of the set, one per sequence number (compressed preferred), ordered by number.</summary>
    internal static List<ClosedFile> Closed(string activePath, bool includeBothVariants = false)
    {
        (string directory, string stem, string extension) = Split(activePath);
        var bySequence = new SortedDictionary<long, ClosedFile>();
        var all = new List<ClosedFile>();
        if (!Directory.Exists(directory)) return all;
        foreach (string path in Directory.EnumerateFiles(directory, stem + ".*"))
        {
            if (!TryParse(Path.GetFileName(path), stem, extension, out long sequence, out bool compressed)) continue;
            var file = new ClosedFile(sequence, path, compressed);
            all.Add(file);
            if (!bySequence.TryGetValue(sequence, out ClosedFile existing) || (compressed && !existing.Compressed)) bySequence[sequence] = file;
        }
        if (includeBothVariants)
        {
            all.Sort((a, b) => a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence) : a.Compressed.CompareTo(b.Compressed));
            return all;
        }
        return new List<ClosedFile>(bySequence.Values);
    }

    /// <summary>The closed name for <paramref name="sequence"/>: <c>dir/events.000042.jsonl</c>.</summary>
    internal static string ClosedPath(string activePath, long sequence)
    {
        (string directory, string stem, string extension) = Split(activePath);
        return Path.Combine(directory, stem + "." + sequence.ToString("D6", CultureInfo.InvariantCulture) + extension);
    }

    private static (string Directory, string Stem, string Extension) Split(string activePath)
    {
        string full = Path.GetFullPath(activePath);
        return (Path.GetDirectoryName(full) ?? "/", Path.GetFileNameWithoutExtension(full), Path.GetExtension(full));
    }

    /// <summary><c>stem.&lt;6+ digits&gt;extension</c>, optionally followed by <c>.gz</c>.</summary>
    private static bool TryParse(string name, string stem, string extension, out long sequence, out bool compressed)
    {
        sequence = 0;
        compressed = name.EndsWith(".gz", StringComparison.Ordinal);
        string rest = compressed ? name.Substring(0, name.Length - 3) : name;
        if (!rest.StartsWith(stem + ".", StringComparison.Ordinal) || !rest.EndsWith(extension, StringComparison.Ordinal)) return false;
        int start = stem.Length + 1;
        int length = rest.Length - start - extension.Length;
        if (length < 6 || length > 18) return false;
        ReadOnlySpan<char> digits = rest.AsSpan(start, length);
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c)) return false;
        }
        // Zero-padded to 6 digits exactly; longer numbers have no leading zero (one name per number).
        if (length > 6 && digits[0] == '0') return false;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}
