using System;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>
/// Sends batches of envelopes to the outside world. The worker calls <see cref="SendAsync"/> with one batch
/// at a time, never concurrently; in <c>fan_out</c> mode a producer may call it too, serialized with the worker.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>The transport type as configured (<c>file</c>, <c>stdout</c>, ...), reported in the status.</summary>
    string Provider { get; }

    /// <summary>Whether the transport authenticates to its peer.</summary>
    bool AuthEnabled { get; }

    /// <summary>
    /// Sends one batch. Return <see cref="SendResult.Transient"/> for failures worth retrying and
    /// <see cref="SendResult.Permanent"/> for ones that are not (the batch is dropped and counted). A thrown
    /// exception is a crash: the worker restarts (up to its limit) and the batch is dropped.
    /// </summary>
    ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken);
}

/// <summary>A batch of newline-terminated JSON envelopes (NDJSON) and how many there are.</summary>
public readonly record struct TransportBatch(ReadOnlyMemory<byte> Lines, int Count);

/// <summary>What became of a send.</summary>
public enum SendOutcome
{
    /// <summary>Delivered.</summary>
    Success,
    /// <summary>Not delivered; retrying may succeed (timeouts, 5xx, connection refused).</summary>
    TransientFailure,
    /// <summary>Not delivered and never will be (4xx, malformed): drop the batch.</summary>
    PermanentFailure,
}

/// <summary>The result of <see cref="ITransport.SendAsync"/>.</summary>
public readonly record struct SendResult(SendOutcome Outcome, string? Error = null, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// A failure after which part of the batch may have reached the peer (the connection broke mid-write, or the peer
    /// stopped acknowledging): sending it again may deliver those events twice, and the worker counts them as resent.
    /// </summary>
    public bool PartlyDelivered { get; init; }

    /// <summary>
    /// On a success: how many events of the batch the receiver accepted the request for but refused to keep (an OTLP
    /// <c>partial_success</c>); they count as dropped, the rest as flushed, and <see cref="Error"/> says why. 0: all kept.
    /// </summary>
    public int Rejected { get; init; }

    /// <summary>Delivered.</summary>
    public static SendResult Success => new(SendOutcome.Success);

    /// <summary>Delivered, but the receiver refused to keep <paramref name="rejected"/> of the batch's events, for <paramref name="error"/>.</summary>
    public static SendResult PartialSuccess(int rejected, string error) => new(SendOutcome.Success, error) { Rejected = rejected };

    /// <summary>A failure worth retrying, optionally after a delay the peer asked for.</summary>
    public static SendResult Transient(string error, TimeSpan? retryAfter = null) => new(SendOutcome.TransientFailure, error, retryAfter);

    /// <summary>A failure that retrying will not fix.</summary>
    public static SendResult Permanent(string error) => new(SendOutcome.PermanentFailure, error);
}
