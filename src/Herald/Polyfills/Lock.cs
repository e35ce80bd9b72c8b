#if !NET9_0_OR_GREATER
using System.Runtime.CompilerServices;

namespace System.Threading;

/// <summary>
/// .NET 8 stand-in for .NET 9's <c>System.Threading.Lock</c>, with the members Herald uses, over
/// <see cref="Monitor"/>. The compiler turns <c>lock (x)</c> on a <c>System.Threading.Lock</c> into
/// <c>using (x.EnterScope())</c>, so this type gives the same statement Monitor's semantics (reentrant, as
/// <c>Lock</c> is). Internal to Herald; the net10.0 build uses the real type.
/// </summary>
#pragma warning disable CS9216 // Monitor on this object is the point: it is what the stand-in locks with.
internal sealed class Lock
{
    /// <summary>Enters the lock, waiting as long as it takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter() => Monitor.Enter(this);

    /// <summary>Enters the lock if it is free now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnter() => Monitor.TryEnter(this);

    /// <summary>Leaves the lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit() => Monitor.Exit(this);

    /// <summary>Whether the current thread holds the lock.</summary>
    public bool IsHeldByCurrentThread => Monitor.IsEntered(this);

    /// <summary>Enters the lock; disposing the result leaves it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope EnterScope()
    {
        Monitor.Enter(this);
        return new Scope(this);
    }

    /// <summary>Leaves the lock when disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly Lock _owner;

        internal Scope(Lock owner) => _owner = owner;

        /// <summary>Leaves the lock.</summary>
        public void Dispose() => Monitor.Exit(_owner);
    }
}
#pragma warning restore CS9216
#endif
