using System.Threading;

namespace Herald.Publishing;

/// <summary>A small dense index per event type, so per-type state lives in arrays instead of dictionaries.</summary>
internal static class EventTypeIndex
{
    private static int s_next = -1;

    public static int Next() => Interlocked.Increment(ref s_next);
}

/// <summary>The index of <typeparamref name="TEvent"/>.</summary>
internal static class EventTypeIndex<TEvent>
{
    public static readonly int Value = EventTypeIndex.Next();
}
