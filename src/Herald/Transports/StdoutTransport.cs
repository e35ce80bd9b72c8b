using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>Writes NDJSON to standard output (or any stream, for tests), one write per batch.</summary>
public sealed class StdoutTransport : ITransport
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;

    /// <summary>Writes to the process's standard output.</summary>
    public StdoutTransport() : this(Console.OpenStandardOutput(), ownsStream: true)
    {
    }

    /// <summary>Writes to <paramref name="stream"/>.</summary>
    public StdoutTransport(Stream stream, bool ownsStream = false)
    {
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <inheritdoc />
    public string Provider => "stdout";

    /// <inheritdoc />
    public bool AuthEnabled => false;

    /// <inheritdoc />
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            _stream.Write(batch.Lines.Span);
            _stream.Flush();
            return new ValueTask<SendResult>(SendResult.Success);
        }
        catch (IOException ex)
        {
            // A closed pipe does not come back.
            return new ValueTask<SendResult>(SendResult.Permanent($"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_ownsStream) _stream.Dispose();
        return default;
    }
}
