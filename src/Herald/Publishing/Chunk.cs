namespace Herald.Publishing;

/// <summary>
/// A block of whole NDJSON envelope lines. Filled by producers, then shared by the transport lanes until every one
/// of them has sent (or dropped) it.
/// </summary>
internal sealed class Chunk
{
    public Chunk(int size) => Data = new byte[size];

    public byte[] Data { get; }

    /// <summary>Bytes used.</summary>
    public int Length;

    /// <summary>Complete envelopes in <see cref="Data"/>[0..<see cref="Length"/>].</summary>
    public int Count;

    /// <summary>Seal order, so the oldest queued chunk can be found across lanes.</summary>
    public long Sequence;

    /// <summary>Lanes that have not finished with it yet; back to the pool at zero.</summary>
    public int Holders;

    public int Remaining => Data.Length - Length;

    public void Reset()
    {
        Length = 0;
        Count = 0;
        Holders = 0;
    }
}
