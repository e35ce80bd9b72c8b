using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Herald.Transports;

/// <summary>
/// Opening and writing files the way telemetry needs on Linux, straight through libc: every write appended at the end
/// of the file by the kernel (<c>O_APPEND</c>, so other writers and truncations never leave holes or overwrite lines),
/// never following a symlink at the final path component (<c>O_NOFOLLOW</c>), created with an exact mode whatever the
/// umask (<c>fchmod</c> on the new descriptor, never on a file Herald did not create). .NET's <see cref="FileStream"/>
/// writes at an offset it remembers itself, even with <see cref="FileMode.Append"/>.
/// </summary>
internal static class LinuxFile
{
    /// <summary>Whether this process can use it: Linux on an architecture whose <c>open(2)</c> flag values are known.</summary>
    // 64-bit only: lseek and ftruncate are declared with a 64-bit off_t, which 32-bit libcs take as two registers.
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Flags.Known && Environment.Is64BitProcess;

    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ELOOP = 40;

    /// <summary>
    /// Opens <paramref name="path"/> for appending: creates it with exactly <paramref name="mode"/> when it does not exist
    /// (reported in <paramref name="created"/>), else opens the existing file as it is. A symlink at the path is refused
    /// (<c>ELOOP</c>). With <paramref name="mustCreate"/> an existing file is an error (<c>EEXIST</c>).
    /// </summary>
    /// <exception cref="LinuxFileException">The errno and its meaning, with the path.</exception>
    public static SafeFileHandle OpenAppend(string path, UnixFileMode mode, bool mustCreate, out bool created)
    {
        for (int attempt = 0; ; attempt++)
        {
            int fd = open(path, Flags.WriteOnly | Flags.Append | Flags.Create | Flags.Exclusive | Flags.CloseOnExec | Flags.NoFollow, (uint)mode);
            if (fd >= 0)
            {
                created = true;
                return Created(fd, path, mode);
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EEXIST || mustCreate) throw new LinuxFileException(path, "open", errno);
            fd = open(path, Flags.WriteOnly | Flags.Append | Flags.CloseOnExec | Flags.NoFollow, 0);
            if (fd >= 0)
            {
                created = false;
                return new SafeFileHandle(fd, ownsHandle: true);
            }
            errno = Marshal.GetLastPInvokeError();
            // Removed between the two opens: create it after all (a few times at most).
            if (errno != ENOENT || attempt >= 3) throw new LinuxFileException(path, "open", errno);
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading without following a symlink there (<c>ELOOP</c>).</summary>
    /// <exception cref="LinuxFileException">The errno and its meaning, with the path.</exception>
    public static SafeFileHandle OpenReadNoFollow(string path)
    {
        const int ReadOnly = 0; // O_RDONLY on every Linux architecture
        int fd = open(path, ReadOnly | Flags.CloseOnExec | Flags.NoFollow, 0);
        if (fd < 0) throw new LinuxFileException(path, "open", Marshal.GetLastPInvokeError());
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Creates <paramref name="path"/> exclusively (no file, no symlink may be there) for writing, with exactly <paramref name="mode"/>.</summary>
    public static SafeFileHandle CreateExclusive(string path, UnixFileMode mode)
    {
        int fd = open(path, Flags.WriteOnly | Flags.Create | Flags.Exclusive | Flags.CloseOnExec | Flags.NoFollow, (uint)mode);
        if (fd < 0) throw new LinuxFileException(path, "open", Marshal.GetLastPInvokeError());
        return Created(fd, path, mode);
    }

    private static SafeFileHandle Created(int fd, string path, UnixFileMode mode)
    {
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        // The umask narrowed (or, at umask 000, did not narrow) the mode given to open: set it exactly, on the new file only.
        if (fchmod(handle, (uint)mode) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new LinuxFileException(path, "fchmod", errno);
        }
        return handle;
    }

    /// <summary>Writes all of <paramref name="data"/>, looping on short writes; returns the bytes written before a failure in the exception.</summary>
    /// <exception cref="LinuxFileException">With <see cref="LinuxFileException.BytesWritten"/>: how much of <paramref name="data"/> reached the file.</exception>
    public static void WriteAll(SafeFileHandle handle, ReadOnlySpan<byte> data, string path)
    {
        int done = 0;
        while (done < data.Length)
        {
            nint n = write(handle, ref MemoryMarshal.GetReference(data.Slice(done)), (nuint)(data.Length - done));
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                throw new LinuxFileException(path, "write", errno) { BytesWritten = done };
            }
            if (n == 0) throw new LinuxFileException(path, "write", ENOSPC) { BytesWritten = done };
            done += (int)n;
        }
    }

    private const int EINTR = 4;
    private const int ENOSPC = 28;
    private const int SEEK_CUR = 1;
    private const int SEEK_END = 2;

    /// <summary>
    /// Takes the last <paramref name="count"/> bytes this descriptor wrote back out of the file, when nothing was appended
    /// after them (the position after our write is still the end of the file); returns whether it did.
    /// </summary>
    public static bool TryUnwrite(SafeFileHandle handle, long count)
    {
        long position = lseek(handle, 0, SEEK_CUR);
        if (position < count) return false;
        long end = lseek(handle, 0, SEEK_END);
        if (end != position) return false;
        return ftruncate(handle, position - count) == 0;
    }

    /// <summary>The file's size now (its end), or -1.</summary>
    public static long Size(SafeFileHandle handle) => lseek(handle, 0, SEEK_END);

    public static void Sync(SafeFileHandle handle, string path)
    {
        if (fsync(handle) != 0) throw new LinuxFileException(path, "fsync", Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// Creates the missing directories of <paramref name="directory"/>, each with exactly <paramref name="mode"/>;
    /// directories that exist (or that another process creates meanwhile) are left as they are.
    /// </summary>
    public static void CreateDirectories(string directory, UnixFileMode mode)
    {
        var missing = new System.Collections.Generic.Stack<string>();
        for (string? d = directory; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing.Push(d);
        while (missing.Count > 0)
        {
            string d = missing.Pop();
            if (mkdir(d, (uint)mode) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EEXIST) continue;
                throw new LinuxFileException(d, "mkdir", errno);
            }
            if (chmod(d, (uint)mode) != 0) throw new LinuxFileException(d, "chmod", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The symbolic name of an errno (<c>ENOSPC</c>), for messages.</summary>
    public static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        5 => "EIO",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        17 => "EEXIST",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        27 => "EFBIG",
        28 => "ENOSPC",
        30 => "EROFS",
        36 => "ENAMETOOLONG",
        40 => "ELOOP",
        122 => "EDQUOT",
        _ => "errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary><c>open(2)</c> flags, which differ between architectures (O_NOFOLLOW is 0x20000 on x86, 0x8000 on ARM).</summary>
    private static class Flags
    {
        public const int WriteOnly = 0x1;
        public const int Create = 0x40;
        public const int Exclusive = 0x80;
        public const int Append = 0x400;
        public const int CloseOnExec = 0x80000;

#if NET9_0_OR_GREATER
        private const Architecture RiscV64 = Architecture.RiscV64;
#else
        private const Architecture RiscV64 = (Architecture)9; // Architecture.RiscV64, named from .NET 9 on
#endif

        public static readonly bool Known = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 or Architecture.Arm64 or Architecture.Arm or RiscV64 or Architecture.LoongArch64;

        public static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
    }

#pragma warning disable SYSLIB1054, CA2101 // Runtime marshalling (no unsafe code in this assembly); strings are UTF-8 on Unix.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(SafeFileHandle fd, ref byte buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmod(SafeFileHandle fd, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(SafeFileHandle fd);

    [DllImport("libc", SetLastError = true)]
    private static extern long lseek(SafeFileHandle fd, long offset, int whence);

    [DllImport("libc", SetLastError = true)]
    private static extern int ftruncate(SafeFileHandle fd, long length);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdir([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
#pragma warning restore SYSLIB1054, CA2101
}

/// <summary>A failed libc call on a file: the path, the call, the errno, its name and meaning.</summary>
internal sealed class LinuxFileException : IOException
{
    public LinuxFileException(string path, string call, int errno)
        : base(errno == LinuxFile.ELOOP && call == "open"
            ? $"{path}: refused: a symbolic link is at this path, and Herald does not follow links at the files it writes ({LinuxFile.ErrnoName(errno)})"
            : $"{path}: {call} failed: {Marshal.GetPInvokeErrorMessage(errno)} ({LinuxFile.ErrnoName(errno)})")
    {
        Path = path;
        Errno = errno;
    }

    public string Path { get; }

    public int Errno { get; }

    /// <summary>For a failed write: how many bytes of the data reached the file before it failed.</summary>
    public int BytesWritten { get; init; }
}
