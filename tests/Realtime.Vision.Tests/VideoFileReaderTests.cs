using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.Vision.Tests;

/// <summary>The world video when its bytes go bad: every frame that does not decode is counted, never skipped silently, never read.</summary>
public sealed class VideoFileReaderTests
{
    /// <summary>A copy of Megamind.avi with the video chunks of frames [from, to) damaged: their payload's middle half, or their chunk headers.</summary>
    private static string DamagedCopy(int from, int to, bool headers)
    {
        byte[] d = File.ReadAllBytes(TestAssets.Megamind);
        int movi = d.AsSpan().IndexOf("movi"u8) + 4, idx1 = d.AsSpan().IndexOf("idx1"u8);
        var rnd = new Random(17);
        int frame = 0;
        for (int i = movi; i < idx1;)
        {
            bool video = d[i + 2] == (byte)'d' && d[i + 3] == (byte)'c'; // "00dc": a compressed video frame
            int size = BitConverter.ToInt32(d, i + 4);
            if (video && frame >= from && frame < to)
            {
                if (headers) for (int k = i; k < i + 8; k++) d[k] = (byte)rnd.Next(256);
                else for (int k = i + 8 + size / 4; k < i + 8 + 3 * size / 4; k++) d[k] = (byte)rnd.Next(256);
            }
            if (video) frame++;
            i += 8 + size + (size & 1);
        }
        string path = Path.Combine(Path.GetTempPath(), $"rtapp-damaged-{Guid.NewGuid():N}.avi");
        File.WriteAllBytes(path, d);
        return path;
    }

    /// <summary>Advances <paramref name="n"/> times; returns the failed advances, checking each left no frame to read.</summary>
    private static int AdvanceCountingFailures(VideoFileReader r, int n)
    {
        int failed = 0;
        for (int i = 0; i < n; i++)
        {
            if (r.Advance()) { Assert.True(r.HasFrame); Assert.False(r.Frame.Empty()); continue; }
            failed++;
            Assert.False(r.HasFrame);
        }
        return failed;
    }

    [Fact]
    public void TheIntactVideoLoopsWithNoFailedFrame()
    {
        using var r = new VideoFileReader(TestAssets.Megamind);
        Assert.Equal(0, AdvanceCountingFailures(r, 2 * r.FrameCount));
        Assert.Equal(2, r.Loops);
        Assert.Equal(0, r.FailedFrames);
    }

    [Fact]
    public void CorruptFramesInTheMiddleAreCountedAndThePassGoesOnToTheEnd()
    {
        string path = DamagedCopy(100, 110, headers: false);
        try
        {
            using var r = new VideoFileReader(path);
            // One whole pass: the damaged frames fail (the decoder conceals some), the rest play, and
            // the pass ends at the declared frame count, not at the first bad frame.
            int failed = AdvanceCountingFailures(r, r.FrameCount - 1);
            Assert.InRange(failed, 1, 10);
            Assert.Equal(failed, r.FailedFrames);
            Assert.Equal(0, r.Loops);
            Assert.True(r.Advance());
            Assert.Equal(1, r.Loops);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FramesLostToDamagedChunkHeadersAreCountedOneByOne()
    {
        string path = DamagedCopy(100, 110, headers: true);
        try
        {
            using var r = new VideoFileReader(path);
            // The demuxer resynchronises past the 10 damaged chunks: 10 frames fewer decode, each counted.
            int failed = AdvanceCountingFailures(r, r.FrameCount - 1);
            Assert.Equal(10, failed);
            Assert.Equal(10, r.FailedFrames);
            Assert.True(r.Advance());
            Assert.Equal(1, r.Loops);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void AFileTruncatedUnderTheReaderFailsFrameByFrameWithoutACrash(int keepEighths)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rtapp-truncated-{Guid.NewGuid():N}.avi");
        File.Copy(TestAssets.Megamind, path);
        try
        {
            using var r = new VideoFileReader(path);
            Assert.Equal(0, AdvanceCountingFailures(r, 50));
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.SetLength(f.Length * keepEighths / 8);
            // Three passes' worth after the cut: what was cut fails, every frame of it counted.
            int failed = AdvanceCountingFailures(r, 3 * r.FrameCount);
            Assert.True(failed > 0);
            Assert.Equal(failed, r.FailedFrames);
        }
        finally { File.Delete(path); }
    }
}
