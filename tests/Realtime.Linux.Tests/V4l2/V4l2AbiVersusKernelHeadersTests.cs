using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Realtime.Linux.V4l2;

namespace Realtime.Linux.Tests.V4l2;

/// <summary>
/// The C# V4L2 structures and ioctl numbers against the kernel's own header: a small C program is
/// built at test time with <c>cc</c> against <c>&lt;linux/videodev2.h&gt;</c> (Debian linux-libc-dev),
/// prints sizeof/offsetof of every field the capture uses and every request number, and each must
/// equal the C# side. The same checks are compiled for arm64 with the cross compiler as C
/// static assertions (nothing needs to run), since a board is arm64.
/// </summary>
public sealed class V4l2AbiVersusKernelHeadersTests
{
    private static int Off<T>(string field) where T : struct => (int)Marshal.OffsetOf<T>(field);
    private static unsafe int Size<T>() where T : unmanaged => sizeof(T);

    /// <summary>C expression → the C# value it must equal.</summary>
    private static List<(string C, long CSharp)> Facts() => new()
    {
        ("sizeof(struct v4l2_capability)", Size<V4l2Capability>()),
        ("offsetof(struct v4l2_capability, driver)", Off<V4l2Capability>("Driver")),
        ("offsetof(struct v4l2_capability, card)", Off<V4l2Capability>("Card")),
        ("offsetof(struct v4l2_capability, bus_info)", Off<V4l2Capability>("BusInfo")),
        ("offsetof(struct v4l2_capability, version)", Off<V4l2Capability>("Version")),
        ("offsetof(struct v4l2_capability, capabilities)", Off<V4l2Capability>("Capabilities")),
        ("offsetof(struct v4l2_capability, device_caps)", Off<V4l2Capability>("DeviceCaps")),

        ("sizeof(struct v4l2_fmtdesc)", Size<V4l2FmtDesc>()),
        ("offsetof(struct v4l2_fmtdesc, index)", Off<V4l2FmtDesc>("Index")),
        ("offsetof(struct v4l2_fmtdesc, type)", Off<V4l2FmtDesc>("Type")),
        ("offsetof(struct v4l2_fmtdesc, flags)", Off<V4l2FmtDesc>("Flags")),
        ("offsetof(struct v4l2_fmtdesc, description)", Off<V4l2FmtDesc>("Description")),
        ("offsetof(struct v4l2_fmtdesc, pixelformat)", Off<V4l2FmtDesc>("PixelFormat")),

        ("sizeof(struct v4l2_pix_format)", Size<V4l2PixFormat>()),
        ("offsetof(struct v4l2_pix_format, width)", Off<V4l2PixFormat>("Width")),
        ("offsetof(struct v4l2_pix_format, height)", Off<V4l2PixFormat>("Height")),
        ("offsetof(struct v4l2_pix_format, pixelformat)", Off<V4l2PixFormat>("PixelFormat")),
        ("offsetof(struct v4l2_pix_format, field)", Off<V4l2PixFormat>("Field")),
        ("offsetof(struct v4l2_pix_format, bytesperline)", Off<V4l2PixFormat>("BytesPerLine")),
        ("offsetof(struct v4l2_pix_format, sizeimage)", Off<V4l2PixFormat>("SizeImage")),
        ("offsetof(struct v4l2_pix_format, colorspace)", Off<V4l2PixFormat>("Colorspace")),
        ("offsetof(struct v4l2_pix_format, flags)", Off<V4l2PixFormat>("Flags")),
        ("offsetof(struct v4l2_pix_format, ycbcr_enc)", Off<V4l2PixFormat>("YcbcrEnc")),
        ("offsetof(struct v4l2_pix_format, quantization)", Off<V4l2PixFormat>("Quantization")),
        ("offsetof(struct v4l2_pix_format, xfer_func)", Off<V4l2PixFormat>("XferFunc")),

        ("sizeof(struct v4l2_format)", Size<V4l2Format>()),
        ("offsetof(struct v4l2_format, type)", Off<V4l2Format>("Type")),
        ("offsetof(struct v4l2_format, fmt.pix)", Off<V4l2Format>("Pix")),

        ("sizeof(struct v4l2_requestbuffers)", Size<V4l2RequestBuffers>()),
        ("offsetof(struct v4l2_requestbuffers, count)", Off<V4l2RequestBuffers>("Count")),
        ("offsetof(struct v4l2_requestbuffers, type)", Off<V4l2RequestBuffers>("Type")),
        ("offsetof(struct v4l2_requestbuffers, memory)", Off<V4l2RequestBuffers>("Memory")),
        ("offsetof(struct v4l2_requestbuffers, capabilities)", Off<V4l2RequestBuffers>("Capabilities")),
        ("offsetof(struct v4l2_requestbuffers, flags)", Off<V4l2RequestBuffers>("Flags")),

        ("sizeof(struct v4l2_timecode)", Size<V4l2Timecode>()),
        ("sizeof(struct v4l2_buffer)", Size<V4l2Buffer>()),
        ("offsetof(struct v4l2_buffer, index)", Off<V4l2Buffer>("Index")),
        ("offsetof(struct v4l2_buffer, type)", Off<V4l2Buffer>("Type")),
        ("offsetof(struct v4l2_buffer, bytesused)", Off<V4l2Buffer>("BytesUsed")),
        ("offsetof(struct v4l2_buffer, flags)", Off<V4l2Buffer>("Flags")),
        ("offsetof(struct v4l2_buffer, field)", Off<V4l2Buffer>("Field")),
        ("offsetof(struct v4l2_buffer, timestamp.tv_sec)", Off<V4l2Buffer>("TimestampSec")),
        ("offsetof(struct v4l2_buffer, timestamp.tv_usec)", Off<V4l2Buffer>("TimestampUsec")),
        ("sizeof(((struct v4l2_buffer *)0)->timestamp.tv_sec)", sizeof(long)),
        ("sizeof(((struct v4l2_buffer *)0)->timestamp.tv_usec)", sizeof(long)),
        ("offsetof(struct v4l2_buffer, timecode)", Off<V4l2Buffer>("Timecode")),
        ("offsetof(struct v4l2_buffer, sequence)", Off<V4l2Buffer>("Sequence")),
        ("offsetof(struct v4l2_buffer, memory)", Off<V4l2Buffer>("Memory")),
        ("offsetof(struct v4l2_buffer, m.offset)", Off<V4l2Buffer>("Offset")),
        ("offsetof(struct v4l2_buffer, m.userptr)", Off<V4l2Buffer>("UserPtr")),
        ("offsetof(struct v4l2_buffer, m.fd)", Off<V4l2Buffer>("Fd")),
        ("offsetof(struct v4l2_buffer, length)", Off<V4l2Buffer>("Length")),
        ("offsetof(struct v4l2_buffer, reserved2)", Off<V4l2Buffer>("Reserved2")),
        ("offsetof(struct v4l2_buffer, request_fd)", Off<V4l2Buffer>("RequestFd")),

        ("sizeof(struct v4l2_streamparm)", Size<V4l2StreamParm>()),
        ("offsetof(struct v4l2_streamparm, type)", Off<V4l2StreamParm>("Type")),
        ("offsetof(struct v4l2_streamparm, parm.capture.capability)", Off<V4l2StreamParm>("Capability")),
        ("offsetof(struct v4l2_streamparm, parm.capture.capturemode)", Off<V4l2StreamParm>("CaptureMode")),
        ("offsetof(struct v4l2_streamparm, parm.capture.timeperframe.numerator)", Off<V4l2StreamParm>("TimePerFrameNumerator")),
        ("offsetof(struct v4l2_streamparm, parm.capture.timeperframe.denominator)", Off<V4l2StreamParm>("TimePerFrameDenominator")),
        ("offsetof(struct v4l2_streamparm, parm.capture.extendedmode)", Off<V4l2StreamParm>("ExtendedMode")),
        ("offsetof(struct v4l2_streamparm, parm.capture.readbuffers)", Off<V4l2StreamParm>("ReadBuffers")),

        ("VIDIOC_QUERYCAP", V4l2Api.VIDIOC_QUERYCAP),
        ("VIDIOC_ENUM_FMT", V4l2Api.VIDIOC_ENUM_FMT),
        ("VIDIOC_G_FMT", V4l2Api.VIDIOC_G_FMT),
        ("VIDIOC_S_FMT", V4l2Api.VIDIOC_S_FMT),
        ("VIDIOC_REQBUFS", V4l2Api.VIDIOC_REQBUFS),
        ("VIDIOC_QUERYBUF", V4l2Api.VIDIOC_QUERYBUF),
        ("VIDIOC_QBUF", V4l2Api.VIDIOC_QBUF),
        ("VIDIOC_DQBUF", V4l2Api.VIDIOC_DQBUF),
        ("VIDIOC_STREAMON", V4l2Api.VIDIOC_STREAMON),
        ("VIDIOC_STREAMOFF", V4l2Api.VIDIOC_STREAMOFF),
        ("VIDIOC_G_PARM", V4l2Api.VIDIOC_G_PARM),
        ("VIDIOC_S_PARM", V4l2Api.VIDIOC_S_PARM),

        ("V4L2_BUF_TYPE_VIDEO_CAPTURE", V4l2Api.BufTypeVideoCapture),
        ("V4L2_MEMORY_MMAP", V4l2Api.MemoryMmap),
        ("V4L2_FIELD_ANY", V4l2Api.FieldAny),
        ("V4L2_FIELD_NONE", V4l2Api.FieldNone),
        ("V4L2_CAP_VIDEO_CAPTURE", V4l2Api.CapVideoCapture),
        ("V4L2_CAP_VIDEO_CAPTURE_MPLANE", V4l2Api.CapVideoCaptureMplane),
        ("V4L2_CAP_STREAMING", V4l2Api.CapStreaming),
        ("V4L2_CAP_DEVICE_CAPS", V4l2Api.CapDeviceCaps),
        ("V4L2_CAP_TIMEPERFRAME", V4l2Api.CapTimePerFrame),
        ("V4L2_BUF_FLAG_ERROR", V4l2Api.BufFlagError),
        ("V4L2_BUF_FLAG_TIMESTAMP_MASK", V4l2Api.BufFlagTimestampMask),
        ("V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN", V4l2Api.BufFlagTimestampUnknown),
        ("V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC", V4l2Api.BufFlagTimestampMonotonic),
        ("V4L2_BUF_FLAG_TIMESTAMP_COPY", V4l2Api.BufFlagTimestampCopy),
        ("V4L2_PIX_FMT_YUYV", V4l2Api.PixFmtYuyv),
        ("V4L2_PIX_FMT_NV12", V4l2Api.PixFmtNv12),
        ("V4L2_PIX_FMT_GREY", V4l2Api.PixFmtGrey),
        ("V4L2_PIX_FMT_MJPEG", V4l2Api.PixFmtMjpeg),

        ("O_NONBLOCK", Interop.Libc.O_NONBLOCK),
        ("O_CLOEXEC", Interop.Libc.O_CLOEXEC),
        ("PROT_READ|PROT_WRITE", Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE),
        ("MAP_SHARED", Interop.Libc.MAP_SHARED),
        ("POLLIN", Interop.Libc.POLLIN),
        ("sizeof(struct pollfd)", Size<Interop.Libc.PollFd>()),
        ("EAGAIN", Interop.Libc.EAGAIN),
        ("EBUSY", Interop.Libc.EBUSY),
        ("ENOTTY", Interop.Libc.ENOTTY),
        ("ENODEV", Interop.Libc.ENODEV),
        ("sizeof(off_t)", sizeof(long)),
    };

    private const string Includes = "#include <stddef.h>\n#include <stdio.h>\n#include <errno.h>\n#include <fcntl.h>\n#include <poll.h>\n#include <sys/mman.h>\n#include <sys/types.h>\n#include <linux/videodev2.h>\n";

    [Fact]
    public void EveryStructFieldAndIoctlNumberEqualsTheKernelHeaderOnThisMachine()
    {
        var facts = Facts();
        var src = new StringBuilder(Includes).Append("int main(void) {\n");
        foreach (var (c, _) in facts) src.Append("    printf(\"%llu\\n\", (unsigned long long)(").Append(c).Append("));\n");
        src.Append("    return 0;\n}\n");
        string dir = Directory.CreateTempSubdirectory("v4l2-abi-").FullName;
        try
        {
            string c = Path.Combine(dir, "abi.c"), exe = Path.Combine(dir, "abi");
            File.WriteAllText(c, src.ToString());
            Run("cc", $"-O0 -o {exe} {c}", "the C compiler (gcc, libc6-dev, linux-libc-dev: ./scripts/setup-system.sh)");
            string[] lines = Run(exe, "", "the layout program").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(facts.Count, lines.Length);
            var wrong = new List<string>();
            for (int i = 0; i < facts.Count; i++)
            {
                long kernel = (long)ulong.Parse(lines[i]);
                long mine = facts[i].CSharp & (facts[i].C.StartsWith("VIDIOC", StringComparison.Ordinal) || facts[i].C.StartsWith("V4L2", StringComparison.Ordinal) ? 0xffffffffL : -1L);
                if (kernel != mine) wrong.Add($"{facts[i].C}: kernel {kernel}, C# {mine}");
            }
            Assert.True(wrong.Count == 0, "differs from <linux/videodev2.h>:\n" + string.Join("\n", wrong));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TheSameLayoutHoldsForArm64AccordingToTheCrossCompiler()
    {
        // arm64 is LP64 like x86-64, so the C# layout is shared; the cross compiler proves it with
        // static assertions against the arm64 kernel headers (cross-build/build-arm64.sh installs it).
        const string cc = "aarch64-linux-gnu-gcc";
        var facts = Facts();
        var src = new StringBuilder(Includes);
        for (int i = 0; i < facts.Count; i++)
        {
            long v = facts[i].CSharp & (facts[i].C.StartsWith("VIDIOC", StringComparison.Ordinal) || facts[i].C.StartsWith("V4L2", StringComparison.Ordinal) ? 0xffffffffL : -1L);
            src.Append("_Static_assert((unsigned long long)(").Append(facts[i].C).Append(") == ").Append((ulong)v).Append("ULL, \"fact ").Append(i).Append(": ").Append(facts[i].C.Replace("\"", "'")).Append("\");\n");
        }
        string dir = Directory.CreateTempSubdirectory("v4l2-abi-arm64-").FullName;
        try
        {
            string c = Path.Combine(dir, "abi.c");
            File.WriteAllText(c, src.ToString());
            Run(cc, $"-fsyntax-only {c}", "the arm64 cross compiler (./cross-build/build-arm64.sh installs gcc-aarch64-linux-gnu)");
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string Run(string file, string args, string what)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception ex) { throw new InvalidOperationException($"cannot run {file}: {ex.Message}; this test needs {what}"); }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"{file} {args} failed ({p.ExitCode}):\n{err.Result}");
            return output;
        }
    }
}
