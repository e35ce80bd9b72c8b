using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Storage;

/// <summary>
/// The last <see cref="Capacity"/> envelopes in memory (a ring: storing one more evicts the oldest), for tests,
/// development dashboards and in-game consoles. Thread-safe; queries see a snapshot taken when they start.
/// </summary>
public sealed class MemoryStorage : ITelemetryStorage
{
    private readonly StoredEvent?[] _ring;
    private readonly Lock _lock = new();
    private long _stored;
    private long _malformed;

    /// <summary>Creates a ring holding at most <paramref name="capacity"/> events.</summary>
    public MemoryStorage(int capacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new StoredEvent?[capacity];
    }

    /// <summary>How many events the ring holds at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>How many events it holds now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return (int)Math.Min(_stored, _ring.Length);
        }
    }

    /// <summary>Events pushed out by newer ones since creation.</summary>
    public long Evicted
    {
        get
        {
            lock (_lock) return Math.Max(0, _stored - _ring.Length);
        }
    }

    /// <summary>Lines given to <see cref="StoreAsync"/> that were not envelopes (skipped).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <inheritdoc />
    public ValueTask StoreAsync(ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken = default)
    {
        Store(ndjson.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Stores a batch of NDJSON envelopes; see <see cref="StoreAsync"/>.</summary>
    public void Store(ReadOnlySpan<byte> ndjson)
    {
        while (!ndjson.IsEmpty)
        {
            int end = ndjson.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? ndjson : ndjson[..end];
            ndjson = end < 0 ? default : ndjson[(end + 1)..];
            if (line.IsEmpty) continue;
            if (EnvelopeLine.TryParse(line, 0, out _) is { } stored) Add(stored);
            else Interlocked.Increment(ref _malformed);
        }
    }

    /// <summary>Stores one event (for example one read back from a file).</summary>
    public void Add(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        lock (_lock) _ring[_stored++ % _ring.Length] = stored;
    }

    /// <inheritdoc />
    public IEnumerable<StoredEvent> Retrieve(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        StoredEvent[] snapshot;
        lock (_lock)
        {
            int count = (int)Math.Min(_stored, _ring.Length);
            snapshot = new StoredEvent[count];
            long first = _stored - count;
            for (int i = 0; i < count; i++) snapshot[i] = _ring[(first + i) % _ring.Length]!;
        }
        return Filter(snapshot, query);
    }

    private static IEnumerable<StoredEvent> Filter(StoredEvent[] snapshot, EventQuery query)
    {
        int returned = 0;
        foreach (StoredEvent stored in snapshot)
        {
            if (returned == query.Limit) yield break;
            if (!query.Matches(stored)) continue;
            returned++;
            yield return stored;
        }
    }
}
