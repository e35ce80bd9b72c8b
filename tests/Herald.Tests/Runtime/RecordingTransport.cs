using System.Collections.Concurrent;
using System.Text;
using Herald.Transports;

namespace Herald.Tests.Runtime;

/// <summary>
/// An in-memory transport for testing the publisher and worker (the subject is the pipeline, not this class):
/// records every delivered line and the thread that sent it, and can be slowed down or scripted to fail.
/// </summary>
internal sealed class RecordingTransport : ITransport
{
    private int _attempts;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentBag<int> SenderThreads { get; } = new();

    /// <summary>Delay per batch (honours cancellation).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Every send first waits for this task (honours cancellation): a transport stuck for a while — its worker sits in
    /// a send, so producers find the emit queue full and write entries themselves.
    /// </summary>
    public Task? StallUntil { get; init; }

    /// <summary>Given the attempt number (0-based, across all batches), what to do instead of delivering; null delivers.</summary>
    public Func<int, SendResult?>? Script { get; init; }

    /// <summary>Throw this on every send (a crashing transport).</summary>
    public Exception? Throw { get; init; }

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The provider name in status and metrics; unique names tell concurrent tests apart.</summary>
    public string Provider { get; init; } = "recording";

    public bool AuthEnabled => false;

    public async ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        int attempt = Interlocked.Increment(ref _attempts) - 1;
        SenderThreads.Add(Environment.CurrentManagedThreadId);
        if (Throw is not null) throw Throw;
        if (StallUntil is { IsCompleted: false } stall) await stall.WaitAsync(cancellationToken);
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        if (Script?.Invoke(attempt) is { } scripted) return scripted;
        string text = Encoding.UTF8.GetString(batch.Lines.Span);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(batch.Count, lines.Length);
        Assert.EndsWith("\n", text);
        foreach (string line in lines) Lines.Enqueue(line);
        return SendResult.Success;
    }

    public ValueTask DisposeAsync() => default;
}
