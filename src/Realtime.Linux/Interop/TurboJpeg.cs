using System.Runtime.InteropServices;

namespace Realtime.Linux.Interop;

/// <summary>
/// The TurboJPEG 2.x C API of libjpeg-turbo (Debian: libturbojpeg0), for MJPEG cameras. Loaded by
/// soname, since only the -dev package installs the unversioned libturbojpeg.so.
/// </summary>
internal static unsafe partial class TurboJpeg
{
    public const string Lib = "libturbojpeg.so.0";
    public const int TJPF_BGR = 1;

    [LibraryImport(Lib)]
    public static partial nint tjInitDecompress();

    [LibraryImport(Lib)]
    public static partial int tjDecompressHeader3(nint handle, byte* jpegBuf, nuint jpegSize, int* width, int* height, int* jpegSubsamp, int* jpegColorspace);

    [LibraryImport(Lib)]
    public static partial int tjDecompress2(nint handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Lib)]
    public static partial byte* tjGetErrorStr2(nint handle);

    [LibraryImport(Lib)]
    public static partial int tjDestroy(nint handle);
}
