namespace Herald.Tests;

/// <summary>
/// Measures allocations of a repeated call on the current thread. The runtime itself may allocate once in a
/// while on this thread (tiered compilation promoting a method after its 100 ms call-counting delay), so the
/// probe runs up to <c>rounds</c> rounds and reports the smallest: a call that allocates on every invocation
/// can never produce a clean round, a one-off runtime allocation cannot fail the check.
/// </summary>
internal static class AllocationProbe
{
    public static long SmallestRound(Action call, int callsPerRound = 10_000, int rounds = 5)
    {
        long smallest = long.MaxValue;
        for (int round = 0; round < rounds && smallest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++) call();
            smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return smallest;
    }
}
