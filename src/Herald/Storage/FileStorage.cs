using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Storage;

/// <summary>
/// Envelopes in a JSONL file — the file transport's output, or a file this class appends to. Reads stream the file
/// line by line (constant memory whatever its size) and skip lines that are not envelopes, reporting each with its
/// line number and reason: whatever the bytes, a read never throws for a line (only for the file itself: missing,
/// unreadable). The file may be written to while it is read.
/// </summary>
public sealed class FileStorage : ITelemetryStorage
{
    private readonly Lock _writeLock = new();

    /// <summary>Uses the JSONL file at <paramref name="path"/> (created by the first store if missing).</summary>
    public FileStorage(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public ValueTask StoreAsync(ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken = default)
    {
        Store(ndjson.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Appends a batch of NDJSON envelopes (a missing final newline is added).</summary>
    public void Store(ReadOnlySpan<byte> ndjson)
    {
        if (ndjson.IsEmpty) return;
        lock (_writeLock)
        {
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(ndjson);
            if (ndjson[^1] != (byte)'\n') stream.WriteByte((byte)'\n');
        }
    }

    /// <inheritdoc />
    /// <exception cref="FileNotFoundException">The file does not exist (when enumerated).</exception>
    public IEnumerable<StoredEvent> Retrieve(EventQuery query) => Read(query);

    /// <summary>
    /// The events matching <paramref name="query"/>, in file order, read lazily. Each line that is not an envelope
    /// is passed to <paramref name="onMalformed"/> (with its line number) and skipped; empty lines are neither. A
    /// last line without a newline is read when it is a whole envelope and reported as torn otherwise.
    /// When the file transport has rotated this file, the whole set is read, oldest first: the closed files
    /// (<c>events.000001.jsonl</c>, gzip-compressed ones included; see <see cref="RotatedFiles"/>), then this file; a
    /// malformed line in a closed file is reported with that file's path (<see cref="MalformedLine.File"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither the file nor any closed file of its set exists (when enumerated).</exception>
    public IEnumerable<StoredEvent> Read(EventQuery query, Action<MalformedLine>? onMalformed = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadCore(query, onMalformed);
    }

    private IEnumerable<StoredEvent> ReadCore(EventQuery query, Action<MalformedLine>? onMalformed)
    {
        IReadOnlyList<string> files = RotatedFiles.InOrder(Path);
        if (files.Count == 0) files = [Path]; // opening it throws FileNotFoundException, as for a plain file
        int returned = 0;
        foreach (string file in files)
        {
            bool closed = file != Path;
            Action<MalformedLine>? report = closed && onMalformed is not null ? line => onMalformed(line with { File = file }) : onMalformed;
            // A closed file may have been compressed (or pruned) since the set was listed: read the .gz, or nothing.
            using Stream? stream = closed ? OpenClosed(file) : OpenForReading();
            if (stream is null) continue;
            var lines = new LineReader(stream);
            while (returned != query.Limit && NextLine(lines, report) is { } line)
            {
                if (Match(line, lines, query, report, AtEndOfFile) is not { } stored) continue;
                returned++;
                yield return stored;
            }
            if (returned == query.Limit) yield break;
        }
    }

    /// <summary>The next line; a closed file whose compression is damaged ends there, reported like a bad line.</summary>
    private static ReadOnlyMemory<byte>? NextLine(LineReader lines, Action<MalformedLine>? report)
    {
        try
        {
            return lines.Next(takePartialLine: true);
        }
        catch (InvalidDataException ex)
        {
            report?.Invoke(new MalformedLine(lines.LineNumber + 1, "damaged gzip data, the rest of this file is unreadable: " + ex.Message));
            return null;
        }
    }

    /// <summary>A closed file of the set, decompressed when it is a <c>.gz</c>; null when it is gone (compressed or pruned meanwhile).</summary>
    private static Stream? OpenClosed(string file)
    {
        foreach (string candidate in file.EndsWith(".gz", StringComparison.Ordinal) ? [file] : new[] { file, file + ".gz" })
        {
            FileStream stream;
            try
            {
                stream = new FileStream(candidate, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            return candidate.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress) : stream;
        }
        return null;
    }

    /// <summary>
    /// Like <see cref="Read"/>, then keeps waiting for lines appended to the file (polling every
    /// <paramref name="pollInterval"/>) until <paramref name="cancellationToken"/> is cancelled or the limit is reached.
    /// A last line without a newline is held back until its newline arrives; if following stops while it waits, it
    /// is judged as <see cref="Read"/> judges a last line (an envelope is returned, anything else is reported torn).
    /// A file that shrinks (truncated or replaced) is read again from its start.
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> FollowAsync(EventQuery query, TimeSpan pollInterval, Action<MalformedLine>? onMalformed = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        int returned = 0;
        while (!cancellationToken.IsCancellationRequested && returned != query.Limit)
        {
            using FileStream stream = OpenForReading();
            var lines = new LineReader(stream);
            while (returned != query.Limit && !cancellationToken.IsCancellationRequested)
            {
                if (lines.Next(takePartialLine: false) is { } line)
                {
                    if (Match(line, lines, query, onMalformed, AtEndOfFile) is not { } stored) continue;
                    returned++;
                    yield return stored;
                    continue;
                }
                if (LengthOf(stream) < stream.Position) break; // truncated or replaced: start over
                bool stopped = false;
                try
                {
                    await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    stopped = true;
                }
                if (!stopped) continue;
                // Caught up and stopping: a line still waiting for its newline is accounted for, not silently lost.
                if (lines.TakeUnterminated() is { } rest && Match(rest, lines, query, onMalformed, WhenStopped) is { } last) yield return last;
                yield break;
            }
        }
    }

    private const string AtEndOfFile = "torn last line (no newline at end of file): ";
    private const string WhenStopped = "torn last line (no newline when following stopped): ";

    private static long LengthOf(FileStream stream) => RandomAccess.GetLength(stream.SafeFileHandle);

    /// <summary>
    /// The line's event if it is an envelope matching <paramref name="query"/>. An empty line is no event and no error;
    /// any other non-envelope is reported, and one that ended without a newline is reported as torn.
    /// </summary>
    private static StoredEvent? Match(ReadOnlyMemory<byte> line, LineReader lines, EventQuery query, Action<MalformedLine>? onMalformed, string tornPrefix)
    {
        if (line.Span.Trim((byte)'\r').IsEmpty) return null;
        if (EnvelopeLine.TryParse(line.Span, lines.LineNumber, out string? error) is not { } stored)
        {
            onMalformed?.Invoke(new MalformedLine(lines.LineNumber, lines.LastLineUnterminated ? tornPrefix + error : error!));
            return null;
        }
        return query.Matches(stored) ? stored : null;
    }

    private FileStream OpenForReading() =>
        new(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
}
