using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Storage;

/// <summary>
/// Keeps emitted envelopes for later queries. <see cref="StoreAsync"/> has the listener signature, so
/// <c>publisher.AddListener(storage.StoreAsync)</c> stores everything the transports see, already redacted.
/// </summary>
public interface ITelemetryStorage
{
    /// <summary>Stores a batch of NDJSON envelopes (one per line). Lines that are not envelopes are counted and skipped.</summary>
    ValueTask StoreAsync(ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken = default);

    /// <summary>The stored events that match <paramref name="query"/>, oldest first, read lazily.</summary>
    IEnumerable<StoredEvent> Retrieve(EventQuery query);
}
