using System.Runtime.InteropServices;

namespace Realtime.Linux.V4l2;

// The slice of <linux/videodev2.h> the capture uses, laid out for 64-bit Linux (LP64: x86-64 and
// arm64 agree). Offsets are explicit where the C compiler inserts padding or a union decides the
// alignment; a test compiles the kernel's header and compares every size, offset and ioctl number.
// 32-bit armhf differs: struct timeval is 8 bytes (16 with 64-bit time_t), so v4l2_buffer is 68 (or
// 80) bytes with the timestamp at 20 (or 24), and v4l2_format's union starts at 4 (no pointer
// alignment), 204 bytes in all; the capture refuses to run in a 32-bit process rather than guess.

/// <summary>struct v4l2_capability (VIDIOC_QUERYCAP), 104 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct V4l2Capability
{
    public fixed byte Driver[16];
    public fixed byte Card[32];
    public fixed byte BusInfo[32];
    public uint Version;
    public uint Capabilities;
    public uint DeviceCaps;
    public fixed uint Reserved[3];
}

/// <summary>struct v4l2_fmtdesc (VIDIOC_ENUM_FMT), 64 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct V4l2FmtDesc
{
    public uint Index;
    public uint Type;
    public uint Flags;
    public fixed byte Description[32];
    public uint PixelFormat;
    public uint MbusCode;
    public fixed uint Reserved[3];
}

/// <summary>struct v4l2_pix_format, 48 bytes (the single-planar member of v4l2_format's union).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct V4l2PixFormat
{
    public uint Width;
    public uint Height;
    public uint PixelFormat;
    public uint Field;
    public uint BytesPerLine;
    public uint SizeImage;
    public uint Colorspace;
    public uint Priv;
    public uint Flags;
    public uint YcbcrEnc;     // union with hsv_enc
    public uint Quantization;
    public uint XferFunc;
}

/// <summary>
/// struct v4l2_format (VIDIOC_G_FMT/S_FMT), 208 bytes: the union holds struct v4l2_window, which
/// has pointers, so on LP64 it is 8-aligned and starts at 8, after 4 bytes of padding.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 208)]
internal struct V4l2Format
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(8)] public V4l2PixFormat Pix;
}

/// <summary>struct v4l2_requestbuffers (VIDIOC_REQBUFS), 20 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct V4l2RequestBuffers
{
    public uint Count;
    public uint Type;
    public uint Memory;
    public uint Capabilities;
    public byte Flags;
    public fixed byte Reserved[3];
}

/// <summary>
/// struct v4l2_buffer (VIDIOC_QUERYBUF/QBUF/DQBUF), 88 bytes on LP64: struct timeval (two longs)
/// is 8-aligned, so 4 bytes of padding follow <c>field</c>; the union <c>m</c> (offset, userptr,
/// planes, fd) holds an unsigned long and a pointer, so it is 8 bytes at 64; the tail pads to 88.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal struct V4l2Buffer
{
    [FieldOffset(0)] public uint Index;
    [FieldOffset(4)] public uint Type;
    [FieldOffset(8)] public uint BytesUsed;
    [FieldOffset(12)] public uint Flags;
    [FieldOffset(16)] public uint Field;
    [FieldOffset(24)] public long TimestampSec;   // timestamp.tv_sec
    [FieldOffset(32)] public long TimestampUsec;  // timestamp.tv_usec
    [FieldOffset(40)] public V4l2Timecode Timecode;
    [FieldOffset(56)] public uint Sequence;
    [FieldOffset(60)] public uint Memory;
    [FieldOffset(64)] public uint Offset;         // m.offset (MMAP)
    [FieldOffset(64)] public ulong UserPtr;       // m.userptr (USERPTR)
    [FieldOffset(64)] public int Fd;              // m.fd (DMABUF)
    [FieldOffset(72)] public uint Length;
    [FieldOffset(76)] public uint Reserved2;
    [FieldOffset(80)] public int RequestFd;       // union with reserved
}

/// <summary>struct v4l2_timecode, 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct V4l2Timecode
{
    public uint Type;
    public uint Flags;
    public byte Frames;
    public byte Seconds;
    public byte Minutes;
    public byte Hours;
    public fixed byte UserBits[4];
}

/// <summary>struct v4l2_streamparm (VIDIOC_G_PARM/S_PARM) with its capture member, 204 bytes (the union is 4-aligned).</summary>
[StructLayout(LayoutKind.Explicit, Size = 204)]
internal struct V4l2StreamParm
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Capability;       // parm.capture.capability
    [FieldOffset(8)] public uint CaptureMode;
    [FieldOffset(12)] public uint TimePerFrameNumerator;
    [FieldOffset(16)] public uint TimePerFrameDenominator;
    [FieldOffset(20)] public uint ExtendedMode;
    [FieldOffset(24)] public uint ReadBuffers;
}

/// <summary>Constants and ioctl request numbers of the V4L2 API.</summary>
internal static class V4l2Api
{
    public const uint BufTypeVideoCapture = 1;
    public const uint MemoryMmap = 1;
    public const uint FieldAny = 0;
    public const uint FieldNone = 1;

    public const uint CapVideoCapture = 0x00000001;
    public const uint CapVideoCaptureMplane = 0x00001000;
    public const uint CapStreaming = 0x04000000;
    public const uint CapDeviceCaps = 0x80000000;
    public const uint CapTimePerFrame = 0x1000; // v4l2_captureparm.capability

    public const uint BufFlagMapped = 0x1;
    public const uint BufFlagQueued = 0x2;
    public const uint BufFlagDone = 0x4;
    public const uint BufFlagError = 0x40;
    public const uint BufFlagTimestampMask = 0xe000;
    public const uint BufFlagTimestampUnknown = 0x0000;
    public const uint BufFlagTimestampMonotonic = 0x2000;
    public const uint BufFlagTimestampCopy = 0x4000;

    public const uint PixFmtYuyv = ('Y') | ('U' << 8) | ('Y' << 16) | ((uint)'V' << 24);
    public const uint PixFmtNv12 = ('N') | ('V' << 8) | ('1' << 16) | ((uint)'2' << 24);
    public const uint PixFmtGrey = ('G') | ('R' << 8) | ('E' << 16) | ((uint)'Y' << 24);
    public const uint PixFmtMjpeg = ('M') | ('J' << 8) | ('P' << 16) | ((uint)'G' << 24);

    // _IOC(dir, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr; _IOR reads (2), _IOW writes (1).
    private const uint IocWrite = 1, IocRead = 2;
    private static uint Ioc(uint dir, uint nr, int size) => (dir << 30) | ((uint)size << 16) | ((uint)'V' << 8) | nr;
    private static unsafe uint Ior<T>(uint nr) where T : unmanaged => Ioc(IocRead, nr, sizeof(T));
    private static unsafe uint Iow<T>(uint nr) where T : unmanaged => Ioc(IocWrite, nr, sizeof(T));
    private static unsafe uint Iowr<T>(uint nr) where T : unmanaged => Ioc(IocRead | IocWrite, nr, sizeof(T));

    public static readonly uint VIDIOC_QUERYCAP = Ior<V4l2Capability>(0);
    public static readonly uint VIDIOC_ENUM_FMT = Iowr<V4l2FmtDesc>(2);
    public static readonly uint VIDIOC_G_FMT = Iowr<V4l2Format>(4);
    public static readonly uint VIDIOC_S_FMT = Iowr<V4l2Format>(5);
    public static readonly uint VIDIOC_REQBUFS = Iowr<V4l2RequestBuffers>(8);
    public static readonly uint VIDIOC_QUERYBUF = Iowr<V4l2Buffer>(9);
    public static readonly uint VIDIOC_QBUF = Iowr<V4l2Buffer>(15);
    public static readonly uint VIDIOC_DQBUF = Iowr<V4l2Buffer>(17);
    public static readonly uint VIDIOC_STREAMON = Iow<int>(18);
    public static readonly uint VIDIOC_STREAMOFF = Iow<int>(19);
    public static readonly uint VIDIOC_G_PARM = Iowr<V4l2StreamParm>(21);
    public static readonly uint VIDIOC_S_PARM = Iowr<V4l2StreamParm>(22);

    /// <summary>A fourcc as its four characters (non-printing ones as '?').</summary>
    public static string FourCc(uint code)
    {
        System.Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            char ch = (char)((code >> (8 * i)) & 0xff);
            c[i] = ch >= ' ' && ch < 127 ? ch : '?';
        }
        return new string(c).TrimEnd();
    }
}
