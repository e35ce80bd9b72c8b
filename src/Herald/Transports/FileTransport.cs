using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Herald.Configuration;
using Herald.Storage;
using Microsoft.Win32.SafeHandles;

namespace Herald.Transports;

/// <summary>
/// Appends NDJSON to a file. On Linux every write is appended by the kernel (<c>O_APPEND</c>): several processes on
/// one file interleave whole batches, and a file truncated by someone else (logrotate's copytruncate) is written from
/// its new end, with no hole. A symlink at the path is refused, never followed. Files are created with
/// <c>file_mode</c> (default 0640) and missing directories with <c>directory_mode</c> (default 0750), whatever the umask.
/// Each batch is written with one <c>write(2)</c> (looping on short writes) and goes to the operating system at once, so
/// a crash of the process loses nothing already sent; a crash of the machine may lose what the OS had not written to
/// disk yet (no fsync per batch; rotation and <see cref="DisposeAsync"/> fsync).
/// </summary>
/// <remarks>
/// <para>Rotation (<c>max_file_bytes</c>, <c>rotate_interval_seconds</c>) happens before a batch: the active file is
/// renamed to the next closed name (<see cref="RotatedFiles"/>), a new one is created exclusively, the batch is written
/// there; a batch is never split between files, so a file exceeds <c>max_file_bytes</c> only when it holds exactly one
/// batch larger than that. Then closed files are compressed (<c>compress_rotated</c>) and the oldest beyond
/// <c>retained_files</c> deleted. Rotation assumes this transport is the only writer of the file.</para>
/// <para>A write that fails part-way (a full disk) is taken back out of the file (<c>ftruncate</c>) when nothing was
/// appended after it, so a retried batch is neither duplicated nor torn. Failures are <see cref="SendResult.Transient"/>
/// (retried), except a symlink at the path (<see cref="SendResult.Permanent"/>: retrying will not remove it).</para>
/// </remarks>
public sealed class FileTransport : ITransport
{
    private readonly UnixFileMode _fileMode;
    private readonly UnixFileMode _directoryMode;
    private readonly long _maxFileBytes;
    private readonly long _rotateIntervalTicks;
    private readonly int _retainedFiles;
    private readonly bool _compressRotated;
    private SafeFileHandle? _handle;
    private FileStream? _stream;
    private long _size;
    private long _openedAt;
    private long _nextSequence;
    private bool _mustCreate;
    private bool _maintenancePending;

    /// <summary>Opens <paramref name="path"/> for appending, with the default modes and no rotation.</summary>
    public FileTransport(string path)
        : this(new TransportOptions { Type = TelemetryConfigRules.FileTransport.Type, FilePath = path })
    {
    }

    /// <summary>Opens <c>file_path</c> for appending, with the modes and rotation of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException"><c>file_path</c> is missing or a mode is not octal.</exception>
    /// <exception cref="IOException">The file cannot be opened (a symlink is at the path, permissions, a read-only file system); the message names the path.</exception>
    public FileTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.FilePath)) throw new ArgumentException($"{TelemetryConfigRules.FilePath.Name} is required for the file transport.", nameof(options));
        Path = System.IO.Path.GetFullPath(options.FilePath);
        _fileMode = FileModes.Parse(options.FileMode, TelemetryConfigRules.FileTransport.DefaultFileMode!);
        _directoryMode = FileModes.Parse(options.DirectoryMode, TelemetryConfigRules.FileTransport.DefaultDirectoryMode!);
        _maxFileBytes = Math.Max(0, options.MaxFileBytes);
        _rotateIntervalTicks = options.RotateIntervalSeconds > 0 ? (long)(options.RotateIntervalSeconds * Stopwatch.Frequency) : 0;
        _retainedFiles = Math.Max(0, options.RetainedFiles);
        _compressRotated = options.CompressRotated;
        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) CreateDirectories(directory, _directoryMode);
        if (Rotates)
        {
            // A restart continues the sequence after the highest closed file.
            var closed = RotatedFiles.Closed(Path, includeBothVariants: true);
            _nextSequence = closed.Count == 0 ? 1 : closed[^1].Sequence + 1;
        }
        Open();
        _maintenancePending = Rotates;
    }

    /// <summary>The full path written to.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Provider => "file";

    /// <inheritdoc />
    public bool AuthEnabled => false;

    private bool Rotates => _maxFileBytes > 0 || _rotateIntervalTicks > 0;

    /// <inheritdoc />
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            // Deleted or moved away under Herald: what it holds is reached by no path any more, so start a new file
            // instead of writing into that one (or renaming a path that is gone).
            if ((_handle is not null || _stream is not null) && !File.Exists(Path) && !IsSymlink(Path))
            {
                Close();
                _mustCreate = false;
            }
            if (_handle is null && _stream is null) Open();
            if (ShouldRotate(batch.Lines.Length)) Rotate();
            Write(batch.Lines.Span);
            _size += batch.Lines.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ValueTask<SendResult>(Failure(ex));
        }
        if (_maintenancePending) Maintain();
        return new ValueTask<SendResult>(SendResult.Success);
    }

    /// <summary>A symlink at the path is permanent (the batch is dropped, counted); everything else may heal and is retried.</summary>
    private static SendResult Failure(Exception ex)
    {
        if (ex is LinuxFileException { Errno: LinuxFile.ELOOP } || ex is SymlinkRefusedException) return SendResult.Permanent(ex.Message);
        return SendResult.Transient(ex is LinuxFileException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
    }

    private bool ShouldRotate(int length)
    {
        if (!Rotates || _size == 0) return false;
        if (_maxFileBytes > 0 && _size + length > _maxFileBytes) return true;
        return _rotateIntervalTicks > 0 && Stopwatch.GetTimestamp() - _openedAt >= _rotateIntervalTicks;
    }

    /// <summary>Renames the active file to the next closed name and creates a new one exclusively.</summary>
    private void Rotate()
    {
        if (IsSymlink(Path))
        {
            // Swapped for a link while open: what Herald holds is no longer at the path. Never rename a link into the
            // set or follow it; until it is removed, every batch fails naming it.
            Close();
            _mustCreate = true;
            throw new SymlinkRefusedException(Path);
        }
        string closed = RotatedFiles.ClosedPath(Path, _nextSequence);
        while (File.Exists(closed) || File.Exists(closed + ".gz")) closed = RotatedFiles.ClosedPath(Path, ++_nextSequence);
        if (_handle is not null && LinuxFile.IsSupported) LinuxFile.Sync(_handle, Path);
        else _stream?.Flush(flushToDisk: true);
        File.Move(Path, closed, overwrite: false);
        _nextSequence++;
        Close();
        _mustCreate = true;
        _maintenancePending = true;
        Open();
    }

    private void Open()
    {
        if (LinuxFile.IsSupported)
        {
            try
            {
                _handle = LinuxFile.OpenAppend(Path, _fileMode, _mustCreate, out _);
            }
            catch (LinuxFileException ex) when (ex.Errno == LinuxFile.EEXIST && IsSymlink(Path))
            {
                throw new SymlinkRefusedException(Path);
            }
            catch (LinuxFileException ex) when (ex.Errno == LinuxFile.EEXIST)
            {
                // A regular file appeared at the path since the rotation (another writer, logrotate's "create"): append to it.
                _mustCreate = false;
                _handle = LinuxFile.OpenAppend(Path, _fileMode, mustCreate: false, out _);
            }
            _size = LinuxFile.Size(_handle);
        }
        else
        {
            if (IsSymlink(Path)) throw new SymlinkRefusedException(Path);
            var open = new FileStreamOptions
            {
                Mode = _mustCreate ? FileMode.CreateNew : FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows()) open.UnixCreateMode = _fileMode;
            _stream = new FileStream(Path, open);
            _size = _stream.Length;
        }
        _mustCreate = false;
        _openedAt = Stopwatch.GetTimestamp();
    }

    private void Write(ReadOnlySpan<byte> lines)
    {
        if (_handle is null)
        {
            _stream!.Write(lines);
            return;
        }
        try
        {
            LinuxFile.WriteAll(_handle, lines, Path);
        }
        catch (LinuxFileException ex) when (ex.BytesWritten > 0)
        {
            // Part of the batch reached the file (a full disk): take it back, so the retry writes it once and whole.
            if (!LinuxFile.TryUnwrite(_handle, ex.BytesWritten))
                throw new IOException(ex.Message + $"; {ex.BytesWritten} bytes of the batch stay in the file (another writer appended after them)", ex);
            throw;
        }
    }

    /// <summary>Compresses closed files and deletes the oldest beyond <c>retained_files</c>; a failure leaves the files for the next rotation.</summary>
    private void Maintain()
    {
        _maintenancePending = false;
        try
        {
            if (_compressRotated)
            {
                foreach (RotatedFiles.ClosedFile file in RotatedFiles.Closed(Path, includeBothVariants: true))
                {
                    if (file.Compressed || IsSymlink(file.Path)) continue; // a planted link is never read through
                    if (File.Exists(file.Path + ".gz")) File.Delete(file.Path); // compressed before a crash took the plain one's deletion
                    else Compress(file.Path);
                }
            }
            if (_retainedFiles > 0)
            {
                var closed = RotatedFiles.Closed(Path, includeBothVariants: true);
                var sequences = new System.Collections.Generic.SortedSet<long>();
                foreach (RotatedFiles.ClosedFile file in closed) sequences.Add(file.Sequence);
                int excess = sequences.Count - _retainedFiles;
                if (excess > 0)
                {
                    long oldestKept = System.Linq.Enumerable.ElementAt(sequences, excess);
                    foreach (RotatedFiles.ClosedFile file in closed)
                    {
                        if (file.Sequence < oldestKept) File.Delete(file.Path);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The events are in the closed files either way; the next rotation tries again.
            _maintenancePending = false;
        }
    }

    /// <summary>Writes <c>path.gz</c> through a temporary file (renamed when complete, fsynced), then deletes <paramref name="path"/>.</summary>
    private void Compress(string path)
    {
        string directory = System.IO.Path.GetDirectoryName(path)!;
        string temporary = System.IO.Path.Combine(directory, "." + System.IO.Path.GetFileName(path) + ".gz." + RandomNumberGenerator.GetHexString(16, lowercase: true) + ".tmp");
        try
        {
            using (FileStream target = CreateExclusive(temporary, _fileMode))
            {
                // Opened without following a link: one swapped in after the check in Maintain is refused, not read through.
                using (FileStream source = LinuxFile.IsSupported
                    ? new FileStream(LinuxFile.OpenReadNoFollow(path), FileAccess.Read, 1 << 16)
                    : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16))
                using (var gzip = new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true))
                {
                    source.CopyTo(gzip);
                }
                target.Flush(flushToDisk: true);
            }
            File.Move(temporary, path + ".gz", overwrite: false);
            File.Delete(path);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>A new file, created exclusively without following a symlink, with exactly <paramref name="mode"/>.</summary>
    internal static FileStream CreateExclusive(string path, UnixFileMode mode)
    {
        if (LinuxFile.IsSupported) return new FileStream(LinuxFile.CreateExclusive(path, mode), FileAccess.Write);
        var open = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) open.UnixCreateMode = mode;
        return new FileStream(path, open);
    }

    /// <summary>Creates the missing directories of <paramref name="directory"/> with exactly <paramref name="mode"/>.</summary>
    internal static void CreateDirectories(string directory, UnixFileMode mode)
    {
        if (LinuxFile.IsSupported) LinuxFile.CreateDirectories(directory, mode);
        else if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, mode);
    }

    internal static bool IsSymlink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void Close()
    {
        _handle?.Dispose();
        _handle = null;
        _stream?.Dispose();
        _stream = null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        try
        {
            if (_handle is not null) LinuxFile.Sync(_handle, Path);
            else _stream?.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // Nothing more can be done for data the OS already holds.
        }
        finally
        {
            Close();
        }
        return default;
    }
}

/// <summary>A symlink is at a path Herald writes: refused, never followed.</summary>
internal sealed class SymlinkRefusedException : IOException
{
    public SymlinkRefusedException(string path)
        : base($"{path}: refused: a symbolic link is at this path, and Herald does not follow links at the files it writes (ELOOP)")
    {
    }
}
