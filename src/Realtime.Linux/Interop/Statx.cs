using System.Runtime.InteropServices;

namespace Realtime.Linux.Interop;

/// <summary>
/// statx(2): the one stat call whose structure is the same on every architecture (x86-64, arm64),
/// used here only for a file's type.
/// </summary>
internal static unsafe partial class Statx
{
    public const int AT_FDCWD = -100;
    public const uint STATX_TYPE = 1;
    public const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000;
    /// <summary>Size of struct statx.</summary>
    public const int Size = 256;
    /// <summary>Offset of stx_mode (u16) in struct statx.</summary>
    public const int ModeOffset = 28;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Call(int dirfd, string path, int flags, uint mask, byte* buffer);
}
