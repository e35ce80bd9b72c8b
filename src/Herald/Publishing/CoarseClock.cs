using System;
using System.Threading;

namespace Herald.Publishing;

/// <summary>
/// Unix milliseconds for envelope timestamps at the cost of the coarse monotonic clock (a few ns instead of the
/// 25+ ns of a precise read). Resolution is that clock's tick (1–4 ms on Linux); <see cref="Resync"/>, called
/// by the worker every cycle, keeps it aligned with wall-clock time.
/// </summary>
internal sealed class CoarseClock
{
    private long _offset;

    public CoarseClock() => Resync();

    public long NowUnixMs => Environment.TickCount64 + Volatile.Read(ref _offset);

    public void Resync() => Volatile.Write(ref _offset, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Environment.TickCount64);
}
