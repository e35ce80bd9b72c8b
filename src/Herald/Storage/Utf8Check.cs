using System;
using System.Buffers;
using System.Text;

namespace Herald.Storage;

/// <summary>Finds where bytes stop being well-formed UTF-8 (overlong forms, surrogates and truncated sequences included).</summary>
internal static class Utf8Check
{
    /// <summary>The index of the first byte of the first invalid sequence, or null when all of it is UTF-8.</summary>
    public static int? FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return null;
        int index = 0;
        while (index < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[index..], out _, out int consumed) != OperationStatus.Done) return index;
            index += consumed;
        }
        return null;
    }
}
