using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Transports;

/// <summary>
/// Appends NDJSON to a file (created with its directory if missing). Each batch is written with one call and
/// flushed to the operating system, so a crash of the process loses nothing already sent; a crash of the
/// machine may lose what the OS had not written to disk yet (no fsync per batch; <see cref="DisposeAsync"/> does fsync).
/// </summary>
public sealed class FileTransport : ITransport
{
    private readonly FileStream _stream;

    /// <summary>Opens <paramref name="path"/> for appending; readers may open it at the same time.</summary>
    public FileTransport(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
    }

    /// <summary>The full path written to.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Provider => "file";

    /// <inheritdoc />
    public bool AuthEnabled => false;

    /// <inheritdoc />
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            _stream.Write(batch.Lines.Span);
            return new ValueTask<SendResult>(SendResult.Success);
        }
        catch (IOException ex)
        {
            // Disk full or a vanished mount may recover; the worker retries with backoff.
            return new ValueTask<SendResult>(SendResult.Transient($"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        try
        {
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _stream.Dispose();
        }
        return default;
    }
}
