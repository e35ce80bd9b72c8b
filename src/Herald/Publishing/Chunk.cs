namespace Herald.Publishing;

/// <summary>A block of whole NDJSON envelope lines. Filled by producers, then owned by the worker until sent.</summary>
internal sealed class Chunk
{
    public Chunk(int size) => Data = new byte[size];

    public byte[] Data { get; }

    /// <summary>Bytes used.</summary>
    public int Length;

    /// <summary>Complete envelopes in <see cref="Data"/>[0..<see cref="Length"/>].</summary>
    public int Count;

    public int Remaining => Data.Length - Length;

    public void Reset()
    {
        Length = 0;
        Count = 0;
    }
}
