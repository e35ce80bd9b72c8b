using System;
using System.Collections.Generic;
using System.Linq;

namespace Herald.Cli;

/// <summary>The names a mistyped command or option most likely meant: the closest by edit distance, if close enough.</summary>
internal static class NearestNames
{
    /// <summary>
    /// The <paramref name="candidates"/> at the smallest edit distance (insert, delete, replace, swap two neighbours)
    /// from <paramref name="typed"/>, when that is at most 1 for a short word (up to 4 letters after the dashes) and 2
    /// for a longer one; none for a word under 3 letters, whose near names are mostly noise.
    /// </summary>
    public static IReadOnlyList<string> Find(string typed, IEnumerable<string> candidates)
    {
        int letters = typed.TrimStart('-').Length;
        if (letters < 3) return [];
        int limit = letters <= 4 ? 1 : 2;
        var scored = candidates.Distinct(StringComparer.Ordinal).Select(c => (Name: c, Distance: Distance(typed, c))).Where(c => c.Distance <= limit).ToList();
        if (scored.Count == 0) return [];
        int best = scored.Min(c => c.Distance);
        return scored.Where(c => c.Distance == best).Select(c => c.Name).ToList();
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
