using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Tests;

namespace Realtime.Vision.Tests;

/// <summary>
/// The world video's decoded frames kept in a cache file: played back, they are OpenCV's frames in
/// OpenCV's order, pass after pass; a cache file that does not match (truncated, grown, not ours,
/// decoded from another video) is decoded again and said so, never played.
/// </summary>
public sealed class DecodedVideoFileTests
{
    private static string NewDir() => Path.Combine(Path.GetTempPath(), $"rtapp-video-cache-{Guid.NewGuid():N}");

    /// <summary>
    /// A short real video in <paramref name="dir"/>: Megamind's first <paramref name="frames"/> frames
    /// re-encoded as Motion JPEG (one pass of Megamind's frames decoded is 300 MB; this is a few).
    /// </summary>
    private static string ShortVideo(string dir, int frames)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "short.avi");
        using var source = new VideoFileReader(TestAssets.Megamind);
        using (var writer = new OpenCvSharp.VideoWriter(path, OpenCvSharp.FourCC.MJPG, source.Fps, new OpenCvSharp.Size(source.Width, source.Height)))
        {
            Assert.True(writer.IsOpened(), "OpenCV cannot write Motion JPEG here");
            for (int i = 0; i < frames; i++)
            {
                writer.Write(source.Frame);
                Assert.True(source.Advance());
            }
        }
        return path;
    }

    /// <summary>Plays both for <paramref name="advances"/> frames and asserts every frame, index and loop count equal.</summary>
    private static unsafe void AssertSameFrames(IVideoFrames expected, IVideoFrames actual, int advances)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Fps, actual.Fps);
        int rowBytes = expected.Width * 3;
        for (int i = 0; i <= advances; i++)
        {
            if (i > 0) Assert.Equal(expected.Advance(), actual.Advance());
            Assert.Equal(expected.Index, actual.Index);
            Assert.Equal(expected.Loops, actual.Loops);
            Assert.True(actual.HasFrame);
            for (int r = 0; r < expected.Height; r++)
            {
                var a = new ReadOnlySpan<byte>((byte*)expected.FrameData + r * expected.FrameStride, rowBytes);
                var b = new ReadOnlySpan<byte>((byte*)actual.FrameData + r * actual.FrameStride, rowBytes);
                if (!a.SequenceEqual(b)) Assert.Fail($"frame {i} (index {expected.Index}, loop {expected.Loops}) differs at row {r}");
            }
        }
    }

    [Fact]
    public void TheCachedFramesAreOpenCvsFramesOverMoreThanAPassAndTheSecondOpenReadsTheFileWritten()
    {
        string dir = NewDir();
        try
        {
            var notes = new List<string>();
            using (var first = DecodedVideoFile.Open(TestAssets.Megamind, dir, notes.Add))
            using (var opencv = new VideoFileReader(TestAssets.Megamind))
            {
                var cached = Assert.IsType<DecodedVideoFile>(first);
                Assert.Equal(opencv.FrameCount, cached.FrameCount);
                AssertSameFrames(opencv, cached, opencv.FrameCount + 20);
                Assert.Equal(1, cached.Loops);
                Assert.Equal(0, cached.FailedFrames);
                // Playing from the cache allocates nothing, past the end and round again included.
                // Each window is one whole pass, so it goes past the end once: a round more per window (one to three).
                Assert.Equal(0, ThreadAllocations.Least(() => Assert.True(cached.Advance()), n: cached.FrameCount, warm: 0));
                Assert.InRange(cached.Loops, 2, 4);
            }
            string file = Assert.Single(Directory.GetFiles(dir));
            DateTime written = File.GetLastWriteTimeUtc(file);
            using (var again = DecodedVideoFile.Open(TestAssets.Megamind, dir, notes.Add))
                Assert.Equal(file, Assert.IsType<DecodedVideoFile>(again).CachePath);
            Assert.Equal(written, File.GetLastWriteTimeUtc(file));
            Assert.Empty(notes);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("truncated", "truncated or not ours")]
    [InlineData("grown", "truncated or not ours")]
    [InlineData("magic", "does not start with RTVFRM01")]
    [InlineData("another-video", "another version of the video")]
    [InlineData("frame-count", "truncated or not ours")]
    [InlineData("header-only", "truncated or not ours")]
    [InlineData("empty", "shorter than its 128-byte header")]
    public void ACacheFileThatDoesNotMatchIsDecodedAgainAndSaidSo(string damage, string said)
    {
        string dir = NewDir();
        try
        {
            string video = ShortVideo(dir, 12);
            string cache = Path.Combine(dir, "cache");
            using (DecodedVideoFile.Open(video, cache)) { }
            string file = Assert.Single(Directory.GetFiles(cache));
            long good = new FileInfo(file).Length;
            using (var f = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
            {
                switch (damage)
                {
                    case "truncated": f.SetLength(f.Length - 1000); break;
                    case "grown": f.SetLength(f.Length + 1); break;
                    case "magic": f.WriteByte((byte)'X'); break;
                    case "another-video": f.Position = 40; int b = f.ReadByte(); f.Position = 40; f.WriteByte((byte)~b); break;
                    case "frame-count": f.Position = 16; f.Write(BitConverter.GetBytes(7)); break;
                    case "header-only": f.SetLength(DecodedVideoFile.HeaderBytes); break;
                    case "empty": f.SetLength(0); break;
                }
            }
            var notes = new List<string>();
            using (var reopened = DecodedVideoFile.Open(video, cache, notes.Add))
            using (var opencv = new VideoFileReader(video))
            {
                Assert.IsType<DecodedVideoFile>(reopened);
                AssertSameFrames(opencv, reopened, 30);
            }
            string note = Assert.Single(notes);
            Assert.Contains(file, note);
            Assert.Contains(said, note);
            Assert.Contains("decoding", note);
            Assert.Equal(good, new FileInfo(file).Length);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AVideoWithAFrameThatDoesNotDecodeIsPlayedByOpenCvAndNothingIsKept()
    {
        // Frames 100-110's chunk headers damaged: OpenCV counts each as a failed capture, which a cache of good frames would hide.
        byte[] d = File.ReadAllBytes(TestAssets.Megamind);
        int movi = d.AsSpan().IndexOf("movi"u8) + 4, idx1 = d.AsSpan().IndexOf("idx1"u8), frame = 0;
        for (int i = movi; i < idx1;)
        {
            bool video = d[i + 2] == (byte)'d' && d[i + 3] == (byte)'c';
            int size = BitConverter.ToInt32(d, i + 4);
            if (video && frame >= 100 && frame < 110) for (int k = i; k < i + 8; k++) d[k] = 0x5A;
            if (video) frame++;
            i += 8 + size + (size & 1);
        }
        string dir = NewDir();
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "damaged.avi");
        File.WriteAllBytes(path, d);
        try
        {
            using var video = DecodedVideoFile.Open(path, Path.Combine(dir, "cache"));
            Assert.IsType<VideoFileReader>(video);
            Assert.Empty(Directory.GetFiles(Path.Combine(dir, "cache")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void WithoutACacheFolderOpenCvDecodes()
    {
        using var video = DecodedVideoFile.Open(TestAssets.Megamind, cacheDir: null);
        Assert.IsType<VideoFileReader>(video);
    }

    [Fact]
    public void ACacheFolderThatCannotBeMadeIsOneErrorNamingIt()
    {
        string blocker = Path.Combine(Path.GetTempPath(), $"rtapp-not-a-folder-{Guid.NewGuid():N}");
        File.WriteAllText(blocker, "a file where the cache folder should be");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => DecodedVideoFile.Open(TestAssets.Megamind, Path.Combine(blocker, "cache")));
            Assert.Contains(Path.Combine(blocker, "cache"), ex.Message);
            Assert.Contains("cannot keep the decoded frames", ex.Message);
        }
        finally { File.Delete(blocker); }
    }
}
