using System.ComponentModel;

namespace Herald.Serialization;

/// <summary>Helpers behind the generated <c>Validate()</c> methods.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventValidation
{
    /// <summary>Length in Unicode code points, as JSON Schema's minLength/maxLength count it.</summary>
    public static int Length(string value)
    {
        int surrogatePairs = 0;
        for (int i = 0; i + 1 < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                surrogatePairs++;
                i++;
            }
        }
        return value.Length - surrogatePairs;
    }

    /// <summary>Why a number cannot be written: <c>"$.duration_ms is NaN"</c>.</summary>
    public static string NonFinite(string path, double value)
        => path + (double.IsNaN(value) ? " is NaN" : value > 0 ? " is Infinity" : " is -Infinity");

    /// <summary>Prefixes a nested object's violation (<c>"$.alive: ..."</c>) with the path of that object.</summary>
    public static string Nest(string path, string error) => path + error.Substring(1);
}
