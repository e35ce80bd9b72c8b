using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// How the pipeline wakes the transports' workers: one <see cref="WorkerSignal"/> per lane. Waking is a semaphore
/// release guarded by a flag, so repeated calls before a worker runs cost one wake-up and nothing is allocated on the
/// caller's thread.
/// </summary>
internal sealed class WorkerSignals
{
    private readonly WorkerSignal[] _lanes;

    public WorkerSignals(int lanes)
    {
        _lanes = new WorkerSignal[lanes];
        for (int i = 0; i < lanes; i++) _lanes[i] = new WorkerSignal();
    }

    public WorkerSignal this[int lane] => _lanes[lane];

    /// <summary>Lanes, one per transport.</summary>
    public int Count => _lanes.Length;

    /// <summary>A chunk was sealed, or a batch's worth of events was queued: send what is sealed.</summary>
    public void WakeToDrain()
    {
        foreach (WorkerSignal lane in _lanes) lane.WakeToDrain();
    }

    /// <summary>A tick, a flush or shutdown: also seal and send the chunk being filled.</summary>
    public void WakeToFlush()
    {
        foreach (WorkerSignal lane in _lanes) lane.WakeToFlush();
    }
}

/// <summary>One worker's wake-up: a pending flag, a flush request and the semaphore it sleeps on.</summary>
internal sealed class WorkerSignal
{
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private int _wakePending;
    private int _flushRequested;

    public void WakeToDrain()
    {
        // Read first: a producer calling this often while the worker is already awake must not take its line exclusively.
        if (Volatile.Read(ref _wakePending) == 0 && Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
    }

    public void WakeToFlush()
    {
        Volatile.Write(ref _flushRequested, 1);
        WakeToDrain();
    }

    /// <summary>Whether a wake-up is pending (read, not reset: a spinning worker's hint).</summary>
    public bool Pending => Volatile.Read(ref _wakePending) == 1 || Volatile.Read(ref _flushRequested) == 1;

    /// <summary>Sleeps until woken or <paramref name="timeout"/>; true when woken.</summary>
    public bool Wait(System.TimeSpan timeout) => _wake.Wait(timeout);

    /// <summary>Absorbs a wake-up given while the worker was busy anyway, so it cannot pile up.</summary>
    public void Absorb() => _wake.Wait(0);

    /// <summary>Starts a cycle: clears the pending flag; returns whether a flush was requested.</summary>
    public bool BeginCycle()
    {
        Volatile.Write(ref _wakePending, 0);
        return Interlocked.Exchange(ref _flushRequested, 0) == 1;
    }
}
