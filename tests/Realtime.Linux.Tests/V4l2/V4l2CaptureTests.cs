using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Linux.Interop;
using Realtime.Linux.V4l2;
using Realtime.Tests;

namespace Realtime.Linux.Tests.V4l2;

/// <summary>
/// The capture loop against a fake device that behaves like the kernel (no camera or V4L2 module
/// can be had here): negotiation and its errors, buffer cycling, newest-frame-wins with drops
/// counted, kernel timestamps, corrupt and lost frames, a vanishing device, clean shutdown, and
/// zero allocations on both threads. The real libc path is tested as far as it goes here at the end.
/// </summary>
public sealed unsafe class V4l2CaptureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20); // generous: a shared, noisy VM

    private static V4l2CaptureOptions Options(CameraFormat format = CameraFormat.Yuyv, int w = 320, int h = 240, double rate = 30) =>
        new() { Device = FakeV4l2Device.Path, Width = w, Height = h, Format = format, RateHz = rate, Buffers = 4, FrameWaitMs = 5000 };

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < Patience, "timed out waiting until " + what);
            Thread.Sleep(1);
        }
    }

    // Every byte of a raw frame (up to bytesperline × rows) holds the frame's sequence mod 251, padding 0xEE.
    internal static Func<IntPtr, uint, uint> Pattern(FakeV4l2Device dev, long seq)
    {
        return (mem, length) =>
        {
            var span = new Span<byte>((void*)mem, (int)length);
            span.Fill(0xEE);
            int rows = dev.PixelFormat == V4l2Api.PixFmtNv12 ? (int)dev.Height * 3 / 2 : (int)dev.Height;
            int rowBytes = (int)(dev.BytesPerLine - dev.RowPadding);
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < rowBytes; x++)
                    span[y * (int)dev.BytesPerLine + x] = (byte)((seq + (y >= dev.Height ? 100 : 0)) % 251);
            return dev.SizeImage;
        };
    }

    [Fact]
    public void OpensNegotiatesMapsEveryBufferQueuesThemAndStreams()
    {
        var dev = new FakeV4l2Device();
        using (var cam = new V4l2Capture(Options(), dev))
        {
            Assert.Equal(("fakecam", "Fake Camera"), (cam.Info.Driver, cam.Info.Card));
            Assert.Equal(PixelFormat.Yuyv, cam.Format);
            Assert.Equal((V4l2Api.PixFmtYuyv, 320u, 240u), (dev.PixelFormat, dev.Width, dev.Height));
            Assert.Equal(4, cam.BufferCount);
            Assert.Equal(4, dev.Mapped);
            Assert.Equal(4, dev.BuffersQueued);
            Assert.Equal(30, cam.RateHz);
            Assert.Equal(640, cam.DeviceStride);
            Assert.Empty(cam.Notes);
        }
        Assert.True(dev.StreamedOff);
        Assert.Equal(0, dev.Mapped);
        Assert.Equal(0, dev.BufferCount); // REQBUFS 0 freed them
        Assert.True(dev.Closed);
    }

    [Fact]
    public void EveryFrameArrivesInOrderWithTheKernelTimestampAndEveryBufferGoesBack()
    {
        var dev = new FakeV4l2Device();
        using var cam = new V4l2Capture(Options(), dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        long lastNs = 0;
        for (int i = 0; i < 300; i++)
        {
            long seq = dev.Deliver(Pattern(dev, i));
            Assert.Equal(i, seq);
            Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
            Assert.Equal(seq, slot.Sequence);
            Assert.Equal(dev.Stamps[(uint)seq], slot.CaptureNs);
            Assert.True(slot.CaptureNs >= lastNs, "capture times never go back");
            Assert.True(slot.CaptureNs <= MonotonicClock.NowNs(), "a kernel timestamp is on the project's monotonic clock");
            lastNs = slot.CaptureNs;
            Assert.Equal((byte)(i % 251), slot.Pixels[0]);
            Assert.Equal((byte)(i % 251), slot.Pixels[^1]);
        }
        WaitUntil(() => dev.Queues == 4 + 300, "every dequeued buffer is queued again");
        Assert.True(cam.KernelTimestamps);
        Assert.Equal((300L, 300L, 0L, 0L, 0L), (cam.Dequeued, cam.Delivered, cam.Dropped, cam.DriverDropped, cam.ErrorFrames));
        Assert.Null(cam.Fault);
    }

    [Fact]
    public void TheNewestFrameWinsAndEveryFrameTheLoopDidNotTakeIsCountedAsDropped()
    {
        var dev = new FakeV4l2Device();
        using var cam = new V4l2Capture(Options(), dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        // More frames than buffers while the loop takes none: the capture thread keeps requeueing,
        // so the driver never runs dry, and only the newest survives the hand-off.
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(i, dev.Deliver(Pattern(dev, i)));
            WaitUntil(() => cam.Dequeued == i + 1, $"frame {i} is dequeued");
        }
        WaitUntil(() => cam.Dropped == 11, "11 frames are overwritten");
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        Assert.Equal(11, slot.Sequence);
        Assert.Equal(11, slot.Pixels[100]);
        Assert.Equal((1L, 11L, 0L), (cam.Delivered, cam.Dropped, cam.DriverDropped));

        // Then one at a time again: nothing more is dropped.
        for (int i = 12; i < 20; i++)
        {
            dev.Deliver(Pattern(dev, i));
            Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
            Assert.Equal(i, slot.Sequence);
        }
        Assert.Equal(11, cam.Dropped);
    }

    [Fact]
    public void FramesTheDriverLostAreCountedFromGapsInItsSequence()
    {
        var dev = new FakeV4l2Device();
        using var cam = new V4l2Capture(Options(), dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        dev.Deliver(Pattern(dev, 0));
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        dev.Skip(5);
        dev.Deliver(Pattern(dev, 6));
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        Assert.Equal(6, slot.Sequence);
        Assert.Equal(5, cam.DriverDropped);
        Assert.Equal(0, cam.Dropped);
    }

    [Fact]
    public void ACorruptBufferIsCountedGoesBackToTheDriverAndIsNeverDelivered()
    {
        var dev = new FakeV4l2Device();
        using var cam = new V4l2Capture(Options(), dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        dev.Deliver(Pattern(dev, 0), error: true);
        WaitUntil(() => cam.ErrorFrames == 1, "the corrupt frame is counted");
        WaitUntil(() => dev.BuffersQueued == 4, "its buffer is queued again");
        dev.Deliver(Pattern(dev, 1));
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        Assert.Equal(1, slot.Sequence);
        Assert.Equal(1, cam.Delivered);
    }

    [Fact]
    public void RowPaddingIsDroppedAndTheNv12ChromaPlaneFollowsTheLumaPlane()
    {
        var dev = new FakeV4l2Device { RowPadding = 64 };
        using var cam = new V4l2Capture(Options(CameraFormat.Nv12), dev);
        Assert.Equal(PixelFormat.Nv12, cam.Format);
        Assert.Equal(320 + 64, cam.DeviceStride);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        Assert.Equal(320 * 240 * 3 / 2, slot.Pixels.Length);
        dev.Deliver(Pattern(dev, 7));
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        for (int i = 0; i < 320 * 240; i++) Assert.Equal(7, slot.Pixels[i]);
        for (int i = 320 * 240; i < slot.Pixels.Length; i++) Assert.Equal(107, slot.Pixels[i]);
    }

    [Fact]
    public void GreyFramesArriveAsGrey8()
    {
        var dev = new FakeV4l2Device();
        using var cam = new V4l2Capture(Options(CameraFormat.Grey), dev);
        Assert.Equal(PixelFormat.Grey8, cam.Format);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        dev.Deliver(Pattern(dev, 3));
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        Assert.All(slot.Pixels, b => Assert.Equal(3, b));
    }

    [Fact]
    public void WithoutMonotonicKernelTimestampsTheFrameIsStampedWhenDequeued()
    {
        var dev = new FakeV4l2Device { TimestampFlags = V4l2Api.BufFlagTimestampUnknown };
        using var cam = new V4l2Capture(Options(), dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        long before = MonotonicClock.NowNs();
        dev.Deliver(Pattern(dev, 0));
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        long after = MonotonicClock.NowNs();
        Assert.False(cam.KernelTimestamps);
        Assert.InRange(slot.CaptureNs, before, after);
    }

    [Fact]
    public void NoFrameWithinTheWaitIsAFailedCaptureNotAStaleFrame()
    {
        var dev = new FakeV4l2Device();
        var o = Options();
        o.FrameWaitMs = 20;
        using var cam = new V4l2Capture(o, dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        Assert.Equal(CaptureStatus.Failed, cam.Capture(slot));
        dev.Deliver(Pattern(dev, 0));
        WaitUntil(() => cam.Dequeued == 1, "the frame is dequeued");
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        Assert.Equal(CaptureStatus.Failed, cam.Capture(slot)); // the same frame is never given twice
    }

    [Fact]
    public void ADeviceThatGoesAwayStopsTheCaptureWithAFaultInWords()
    {
        var dev = new FakeV4l2Device();
        using var cam = new V4l2Capture(Options(), dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        dev.VanishedErrno = Libc.ENODEV;
        WaitUntil(() => cam.Fault is not null, "the capture thread notices");
        Assert.Contains("stopped answering", cam.Fault);
        Assert.Contains(FakeV4l2Device.Path, cam.Fault);
        Assert.Equal(CaptureStatus.Failed, cam.Capture(slot));
    }

    [Fact]
    public void AFrameRateTheDeviceCannotGiveExactlyIsNotedWithTheRateItRuns()
    {
        var dev = new FakeV4l2Device();
        using (var cam = new V4l2Capture(Options(rate: 20), dev))
        {
            Assert.Equal(15, cam.RateHz);
            Assert.Contains(cam.Notes, n => n.Contains("runs at 15 fps, not the 20 asked for"));
        }
        var fixedRate = new FakeV4l2Device { CanSetRate = false };
        using (var cam = new V4l2Capture(Options(), fixedRate))
            Assert.Contains(cam.Notes, n => n.Contains("does not let the frame rate be set"));
    }

    [Fact]
    public void AFormatTheDeviceDoesNotOfferFailsListingWhatItOffers()
    {
        var dev = new FakeV4l2Device();
        dev.Formats.RemoveAll(f => f.FourCc == V4l2Api.PixFmtNv12 || f.FourCc == V4l2Api.PixFmtGrey);
        var ex = Assert.Throws<V4l2Exception>(() => new V4l2Capture(Options(CameraFormat.Nv12), dev));
        Assert.Equal($"camera {FakeV4l2Device.Path} (Fake Camera, driver fakecam) does not offer NV12; it offers YUYV (YUYV 4:2:2), MJPG (Motion-JPEG); set the camera node's format to one of those (yuyv, nv12, grey, mjpeg)", ex.Message);
        Assert.True(dev.Closed);
    }

    [Fact]
    public void ASizeTheDeviceDoesNotOfferFailsNamingTheNearestItGives()
    {
        var dev = new FakeV4l2Device();
        var ex = Assert.Throws<V4l2Exception>(() => new V4l2Capture(Options(w: 600, h: 400), dev));
        Assert.Contains("does not offer 600x400 in YUYV; the nearest it gives is 640x480: set the camera node's width and height", ex.Message);
        Assert.Equal(0, dev.Mapped);
        Assert.True(dev.Closed);
    }

    [Theory]
    [InlineData(Libc.ENOENT, "no such device")]
    [InlineData(Libc.EBUSY, "device busy (another program has the camera open)")]
    [InlineData(Libc.EACCES, "permission denied (add the user to the 'video' group")]
    public void OpenErrorsSayWhatIsWrong(int errno, string words)
    {
        var dev = new FakeV4l2Device { OpenErrno = errno };
        var ex = Assert.Throws<V4l2Exception>(() => new V4l2Capture(Options(), dev));
        Assert.StartsWith($"camera {FakeV4l2Device.Path}: {words}", ex.Message);
        Assert.Equal(errno, ex.Errno);
    }

    [Fact]
    public void NodesThatCannotCaptureOrStreamAreRefusedClearly()
    {
        var output = new FakeV4l2Device { Capabilities = 0x2 | V4l2Api.CapStreaming }; // V4L2_CAP_VIDEO_OUTPUT
        Assert.Contains("is not a video capture device", Assert.Throws<V4l2Exception>(() => new V4l2Capture(Options(), output)).Message);
        var mplane = new FakeV4l2Device { Capabilities = V4l2Api.CapVideoCaptureMplane | V4l2Api.CapStreaming };
        Assert.Contains("multi-planar API only", Assert.Throws<V4l2Exception>(() => new V4l2Capture(Options(), mplane)).Message);
        var readOnly = new FakeV4l2Device { Capabilities = V4l2Api.CapVideoCapture };
        Assert.Contains("does not support streaming I/O", Assert.Throws<V4l2Exception>(() => new V4l2Capture(Options(), readOnly)).Message);
    }

    [Fact]
    public void ProbeListsTheFormatsAndCapabilities()
    {
        var info = V4l2Capture.Probe(FakeV4l2Device.Path, new FakeV4l2Device());
        Assert.True(info.CanCapture && info.CanStream);
        Assert.True(info.Offers(CameraFormat.Mjpeg));
        Assert.Equal("YUYV (YUYV 4:2:2), NV12 (Y/UV 4:2:0), GREY (8-bit Greyscale), MJPG (Motion-JPEG)", info.FormatList());
    }

    [Fact]
    public void ThousandsOfFramesAllocateNothingOnTheCaptureThreadOrInCapture()
    {
        var dev = new FakeV4l2Device();
        var o = Options();
        o.WarmupFrames = 50;
        using var cam = new V4l2Capture(o, dev);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        const int warm = 50, counted = 1200;
        Func<IntPtr, uint, uint> fill = (mem, length) => dev.SizeImage; // the buffer's bytes as they are
        long allocated = 0;
        for (int i = 0; i < warm + counted; i++)
        {
            dev.Deliver(fill);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var status = cam.Capture(slot);
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(CaptureStatus.Ok, status);
            if (i >= warm) allocated += after - before;
        }
        Assert.Equal(0, allocated);
        WaitUntil(() => cam.Dequeued == warm + counted, "the capture thread has seen every frame");
        Assert.Equal(0, cam.CaptureThreadAllocatedBytes);
        Assert.Equal(warm + counted, cam.Delivered);
    }

    [Fact]
    public void MjpegFramesAreDecodedOnTheCaptureThreadAndUndecodableOnesCounted()
    {
        byte[] jpeg = File.ReadAllBytes(TestAssets.Messi);
        var dev = new FakeV4l2Device();
        dev.Sizes.Add((548, 342));
        using var cam = new V4l2Capture(Options(CameraFormat.Mjpeg, 548, 342), dev);
        Assert.Equal(PixelFormat.Bgr24, cam.Format);
        var slot = new FrameBuffer(cam.Width, cam.Height, cam.Format);
        dev.Deliver((mem, length) => { jpeg.CopyTo(new Span<byte>((void*)mem, (int)length)); return (uint)jpeg.Length; });
        Assert.Equal(CaptureStatus.Ok, cam.Capture(slot));
        Assert.False(FrameSanity.IsFlat(slot));
        dev.Deliver((mem, length) => { new Span<byte>((void*)mem, 64).Fill(0x42); return 64; });
        WaitUntil(() => cam.ErrorFrames == 1, "the broken JPEG is counted");
        Assert.Equal(1, cam.Delivered);
    }

    // ---- The real libc path, as far as it goes without a camera.

    [Fact]
    public void OnTheRealKernelAMissingNodeIsNoSuchDevice()
    {
        var ex = Assert.Throws<V4l2Exception>(() => new V4l2Capture(new V4l2CaptureOptions { Device = "/dev/video-none-here" }));
        Assert.Equal("camera /dev/video-none-here: no such device (is the camera plugged in? `ls /dev/video*` lists the nodes there are)", ex.Message);
        Assert.Equal(Libc.ENOENT, ex.Errno);
        Assert.Throws<V4l2Exception>(() => V4l2Capture.Probe("/dev/video-none-here"));
    }

    [Fact]
    public void OnTheRealKernelACharacterDeviceThatIsNotV4l2IsRefusedAsSuch()
    {
        // /dev/null answers VIDIOC_QUERYCAP with ENOTTY, as any non-V4L2 node does.
        var ex = Assert.Throws<V4l2Exception>(() => new V4l2Capture(new V4l2CaptureOptions { Device = "/dev/null" }));
        Assert.StartsWith("camera /dev/null: not a V4L2 device (VIDIOC_QUERYCAP:", ex.Message);
        Assert.Equal(Libc.ENOTTY, ex.Errno);
        Assert.StartsWith("camera /dev/null: not a V4L2 device", Assert.Throws<V4l2Exception>(() => V4l2Capture.Probe("/dev/null")).Message);
    }
}
