using System;
using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Herald.Serialization;

namespace Herald.Benchmarks;

/// <summary>
/// The lean bound for Herald's emit queue: the prototype that decided the design (serializing on emit into a byte ring
/// and enqueuing typed events for the worker to serialize were measured side by side). One producer
/// copies the event struct, the clock, the correlation id and the current activity into a ring of typed slots; a worker thread serializes the
/// same charter envelope Herald writes and writes 64 KiB chunks to a stream. Signalled per 512 events, like Herald.
/// Not a product: one event type, one producer, block on full, no accounting, no latest value, no transforms — what
/// Herald pays for those is the gap between the two in the same run.
/// </summary>
internal sealed class TypedRing<TEvent> : IDisposable where TEvent : struct, IEvent<TEvent>
{
    private const int Capacity = 1 << 16;
    private const int Mask = Capacity - 1;
    private const int WakeEvery = 512;
    private readonly Slot[] _slots = new Slot[Capacity];
    private readonly Stream _output;
    private readonly Thread _worker;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly long _clockOffset = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - Environment.TickCount64;
    private readonly byte[] _prefix;
    private readonly byte[] _middle;
    private readonly byte[] _end;
    private RingPositions _positions;
    private uint _sequence;
    private volatile bool _stopping;

    public TypedRing(Stream output)
    {
        _output = output;
        string module = TEvent.EventType.Split('.')[0];
        _prefix = Encoding.UTF8.GetBytes("{\"id\":\"evt_" + module + "_");
        _middle = Encoding.UTF8.GetBytes("\",\"type\":\"" + TEvent.EventType + "\",\"source\":\"" + (TEvent.SchemaSource ?? module + "_service") + "\",\"target\":null,\"timestamp\":");
        _end = Encoding.UTF8.GetBytes(",\"meta\":{\"correlation_id\":null,\"trace_id\":null,\"span_id\":null,\"version\":\"" + TEvent.SchemaVersion + "\"}}\n");
        _worker = new Thread(Drain) { IsBackground = true, Name = "typed-ring" };
        _worker.Start();
    }

    private struct Slot
    {
        public TEvent Event;
        public long UnixMs;
        public uint Id;
        public string? Correlation;
        public Activity? Trace;
    }


    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Emit(in TEvent evt)
    {
        long tail = _positions.Tail;
        if (tail - Volatile.Read(ref _positions.Head) >= Capacity) WaitForSpace(tail);
        ref Slot slot = ref _slots[tail & Mask];
        slot.Event = evt;
        slot.UnixMs = Environment.TickCount64 + _clockOffset;
        slot.Id = ++_sequence;
        slot.Correlation = Correlation.Current;
        slot.Trace = Activity.Current;
        Volatile.Write(ref _positions.Tail, tail + 1);
        if ((tail & (WakeEvery - 1)) == 0) _wake.Set();
    }

    /// <summary>Waits until the worker has written everything emitted so far.</summary>
    public void Flush()
    {
        long target = Volatile.Read(ref _positions.Tail);
        var spin = new SpinWait();
        while (Volatile.Read(ref _positions.Written) < target)
        {
            _wake.Set();
            spin.SpinOnce();
        }
    }

    private void WaitForSpace(long tail)
    {
        var spin = new SpinWait();
        while (tail - Volatile.Read(ref _positions.Head) >= Capacity)
        {
            _wake.Set();
            spin.SpinOnce();
        }
    }

    private void Drain()
    {
        var chunk = new ArrayBufferWriter<byte>(64 * 1024);
        var frame = new byte[256];
        int frameLength = 0, hexOffset = 0;
        long frameMs = long.MinValue;
        while (true)
        {
            long head = _positions.Head;
            long tail = Volatile.Read(ref _positions.Tail);
            if (head == tail)
            {
                if (chunk.WrittenCount > 0)
                {
                    _output.Write(chunk.WrittenSpan);
                    chunk.ResetWrittenCount();
                }
                Volatile.Write(ref _positions.Written, head); // everything consumed is in the stream

                if (_stopping) return;
                _wake.Reset();
                if (Volatile.Read(ref _positions.Tail) == head) _wake.Wait(50); // the producer signals per 512 events
                continue;
            }
            long end = Math.Min(tail, head + 64);
            for (long i = head; i < end; i++)
            {
                ref Slot slot = ref _slots[i & Mask];
                if (slot.UnixMs != frameMs)
                {
                    frameMs = slot.UnixMs;
                    frameLength = BuildFrame(frame, frameMs, out hexOffset);
                }
                var json = new JsonOutput(chunk);
                Span<byte> target = json.Reserve(frameLength);
                frame.AsSpan(0, frameLength).CopyTo(target);
                JsonOutput.FormatHex6(slot.Id & 0xFFFFFF, target.Slice(hexOffset));
                TEvent.WritePayload(ref json, in slot.Event, 0);
                json.WriteRaw(_end);
                json.Complete();
                slot.Correlation = null;
                slot.Trace = null;
            }
            Volatile.Write(ref _positions.Head, end); // slots free again (published per 64 events, not per event)
            if (chunk.WrittenCount >= 60 * 1024)
            {
                _output.Write(chunk.WrittenSpan);
                chunk.ResetWrittenCount();
                Volatile.Write(ref _positions.Written, end);
            }
        }
    }

    private int BuildFrame(byte[] frame, long unixMs, out int hexOffset)
    {
        int at = 0;
        _prefix.CopyTo(frame, at);
        at += _prefix.Length;
        Utf8Formatter.TryFormat(unixMs, frame.AsSpan(at), out int written);
        at += written;
        frame[at++] = (byte)'_';
        hexOffset = at;
        at += 6;
        _middle.CopyTo(frame, at);
        at += _middle.Length;
        Utf8Formatter.TryFormat(unixMs / 1000, frame.AsSpan(at), out written);
        at += written;
        frame[at++] = (byte)'.';
        Utf8Formatter.TryFormat(unixMs % 1000, frame.AsSpan(at), out written, new StandardFormat('D', 3));
        at += written;
        ",\"payload\":"u8.CopyTo(frame.AsSpan(at));
        return at + 11;
    }

    public void Dispose()
    {
        Flush();
        _stopping = true;
        _wake.Set();
        _worker.Join();
        _output.Dispose();
    }
}

/// <summary>Producer and consumer positions of <see cref="TypedRing{TEvent}"/>, on separate cache lines (explicit layout cannot be generic).</summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct RingPositions
{
    [FieldOffset(64)] public long Tail;
    [FieldOffset(128)] public long Head;
    [FieldOffset(136)] public long Written;
}
