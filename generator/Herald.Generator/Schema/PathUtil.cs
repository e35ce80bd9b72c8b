using System.Collections.Generic;

namespace Herald.Generator.Schema;

/// <summary>
/// Path arithmetic on strings only: analyzers may not touch the file system, and a ref must resolve the
/// same way on every OS, so both separators are accepted and the result uses '/'.
/// </summary>
internal static class PathUtil
{
    public static string Normalize(string path)
    {
        string unified = path.Replace('\\', '/');
        bool rooted = unified.StartsWith("/");
        var parts = new List<string>();
        foreach (string part in unified.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..") parts.RemoveAt(parts.Count - 1);
            else parts.Add(part);
        }
        return (rooted ? "/" : "") + string.Join("/", parts);
    }

    public static string Directory(string path)
    {
        string unified = path.Replace('\\', '/');
        int slash = unified.LastIndexOf('/');
        return slash < 0 ? "" : unified.Substring(0, slash);
    }

    public static string FileName(string path)
    {
        string unified = path.Replace('\\', '/');
        return unified.Substring(unified.LastIndexOf('/') + 1);
    }

    public static string Combine(string directory, string relative)
        => Normalize(directory.Length == 0 ? relative : directory + "/" + relative);
}
