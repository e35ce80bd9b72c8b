using System;
using System.Buffers.Text;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Herald.Transports;

namespace Herald.Benchmarks;

/// <summary>
/// Checks that each producer's loop.tick events arrive in the order it emitted them, line by line: the producer is the
/// payload's <c>agent_count</c>, its sequence the <c>tick</c> (SustainedProbe with <c>--producers</c>). Counts the lines
/// and the breaks of order, and keeps the first.
/// </summary>
internal sealed class ProducerOrder
{
    private readonly long[] _last;

    public ProducerOrder(int producers)
    {
        _last = new long[producers];
        Array.Fill(_last, -1);
    }

    public long Lines { get; private set; }

    /// <summary>Counts the lines of <paramref name="ndjson"/> without reading them (order unchecked).</summary>
    public void Count(ReadOnlySpan<byte> ndjson) => Lines += ndjson.Count((byte)'\n');

    public long Breaks { get; private set; }

    public string? FirstBreak { get; private set; }

    /// <summary>Checks every whole line of <paramref name="ndjson"/>; returns how many bytes that was (the rest is a partial line).</summary>
    public int Check(ReadOnlySpan<byte> ndjson)
    {
        int done = 0;
        while (true)
        {
            int end = ndjson[done..].IndexOf((byte)'\n');
            if (end < 0) return done;
            CheckLine(ndjson.Slice(done, end));
            done += end + 1;
        }
    }

    /// <summary>Reads a JSONL file through <see cref="Check"/>, a few MiB at a time.</summary>
    public void CheckFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var block = new byte[4 << 20];
        int held = 0;
        while (true)
        {
            int read = file.Read(block, held, block.Length - held);
            if (read == 0) break;
            held += read;
            int done = Check(block.AsSpan(0, held));
            block.AsSpan(done, held - done).CopyTo(block);
            held -= done;
        }
        if (held > 0) Break($"the file ends in a partial line of {held} bytes");
    }

    private void CheckLine(ReadOnlySpan<byte> line)
    {
        Lines++;
        long tick = Number(line, "\"tick\":"u8);
        long producer = Number(line, "\"agent_count\":"u8);
        if (producer < 0 || producer >= _last.Length || tick < 0) Break($"line {Lines} is not a tagged loop.tick");
        else if (tick <= _last[producer]) Break($"line {Lines}: producer {producer}'s tick {tick} after its tick {_last[producer]}");
        else _last[producer] = tick;
    }

    private void Break(string what)
    {
        Breaks++;
        FirstBreak ??= what;
    }

    private static long Number(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name)
    {
        int at = line.IndexOf(name);
        return at >= 0 && Utf8Parser.TryParse(line[(at + name.Length)..], out long value, out _) ? value : -1;
    }

    /// <summary>Accepts every batch after checking its lines (or only counting them): the null transport, with the order check on the worker.</summary>
    public sealed class CheckingTransport(ProducerOrder order, bool countOnly = false) : ITransport
    {
        public string Provider => "null";
        public bool AuthEnabled => false;

        public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
        {
            if (countOnly) order.Count(batch.Lines.Span);
            else order.Check(batch.Lines.Span);
            return new(SendResult.Success);
        }

        public ValueTask DisposeAsync() => default;
    }
}
