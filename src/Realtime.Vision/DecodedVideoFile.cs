using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Realtime.Vision;

/// <summary>
/// A video's frames decoded once by OpenCV and kept as raw BGR24 in a cache file, played back with
/// one read per frame into one reused buffer: a simulated camera opens without loading OpenCV's
/// library (113 MB, and GTK's with it) or decoding, which is most of the sim's cold start. The file
/// is derived from the video and never trusted blindly: its header names the video's length and
/// SHA-256 and the frames' size and count, and the file's length must be exactly what they make; a
/// cache that does not match (stale, truncated, grown, not ours) is decoded again, saying so.
/// </summary>
public sealed unsafe class DecodedVideoFile : IVideoFrames
{
    /// <summary>The first 8 bytes of a cache file (the format's version is the last two).</summary>
    public const string Magic = "RTVFRM01";
    /// <summary>The header's size; the frames follow it, each width × height × 3 bytes.</summary>
    public const int HeaderBytes = 128;
    private const int MaxSide = 16384;
    private const int MaxFrames = 1_000_000;

    private readonly SafeFileHandle _file;
    private byte* _frame;
    private readonly int _frameBytes;
    private readonly int _frames;

    private DecodedVideoFile(string path, string cachePath, SafeFileHandle file, int width, int height, int frames, double fps)
    {
        Path = path;
        CachePath = cachePath;
        _file = file;
        Width = width;
        Height = height;
        _frames = frames;
        Fps = fps;
        _frameBytes = width * height * 3;
        _frame = (byte*)NativeMemory.AlignedAlloc((nuint)_frameBytes, 64);
        if (!Read(0))
        {
            Dispose();
            throw new InvalidDataException($"{cachePath}: the decoded frames of {path} cannot be read");
        }
    }

    /// <inheritdoc/>
    public string Path { get; }
    /// <summary>The cache file the frames are read from.</summary>
    public string CachePath { get; }
    /// <inheritdoc/>
    public int Width { get; }
    /// <inheritdoc/>
    public int Height { get; }
    /// <inheritdoc/>
    public double Fps { get; }
    /// <summary>Frames in one pass of the video.</summary>
    public int FrameCount => _frames;
    /// <inheritdoc/>
    public long Index { get; private set; }
    /// <inheritdoc/>
    public int Loops { get; private set; }
    /// <inheritdoc/>
    public bool HasFrame { get; private set; } = true;
    /// <inheritdoc/>
    public long FailedFrames { get; private set; }
    /// <inheritdoc/>
    public nint FrameData => (nint)_frame;
    /// <inheritdoc/>
    public long FrameStride => Width * 3L;

    /// <summary>
    /// Plays <paramref name="videoPath"/>: from its decoded frames in <paramref name="cacheDir"/>,
    /// decoding them into it first (once) when they are missing or do not match; straight from
    /// OpenCV when <paramref name="cacheDir"/> is null or the video has a frame that does not decode
    /// (a failed frame must stay a failed capture). <paramref name="note"/> is told why a cache file
    /// was decoded again.
    /// </summary>
    public static IVideoFrames Open(string videoPath, string? cacheDir, Action<string>? note = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(videoPath);
        if (cacheDir is null) return new VideoFileReader(videoPath);
        if (!File.Exists(videoPath)) throw new FileNotFoundException($"video file not found: {videoPath}", videoPath);
        byte[] sha;
        long length;
        using (var video = File.OpenRead(videoPath))
        {
            length = video.Length;
            sha = SHA256.HashData(video);
        }
        string cachePath = PathFor(videoPath, cacheDir, sha);
        if (File.Exists(cachePath))
        {
            var (opened, problem) = TryOpen(videoPath, cachePath, sha, length);
            if (opened is not null) return opened;
            note?.Invoke($"{cachePath}: {problem}: decoding {videoPath} again");
        }
        if (!Write(videoPath, cachePath, sha, length)) return new VideoFileReader(videoPath);
        var (written, again) = TryOpen(videoPath, cachePath, sha, length);
        return written ?? throw new InvalidDataException($"{cachePath}: the frames just decoded do not read back ({again})");
    }

    /// <summary>Plays <paramref name="videoPath"/> as an application build's <paramref name="settings"/> say (see the other overload).</summary>
    public static IVideoFrames Open(string videoPath, Realtime.Core.Graph.VideoCacheSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Open(videoPath, settings.Dir, settings.Note);
    }

    /// <summary>The cache file of a video whose SHA-256 is <paramref name="sha"/> (its first 8 bytes name it).</summary>
    public static string PathFor(string videoPath, string cacheDir, byte[] sha) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(cacheDir), $"{System.IO.Path.GetFileNameWithoutExtension(videoPath)}.{Convert.ToHexStringLower(sha, 0, 8)}.bgr24");

    // Opens a cache file when every header field and its length match the video; else says what does not.
    private static (DecodedVideoFile? File, string Problem) TryOpen(string videoPath, string cachePath, byte[] sha, long length)
    {
        SafeFileHandle file;
        try { file = File.OpenHandle(cachePath, FileMode.Open, FileAccess.Read); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return (null, $"cannot be opened ({ex.Message})"); }
        try
        {
            long size = RandomAccess.GetLength(file);
            Span<byte> h = stackalloc byte[HeaderBytes];
            if (size < HeaderBytes || RandomAccess.Read(file, h, 0) != HeaderBytes) return Refuse(file, $"{size} bytes, shorter than its {HeaderBytes}-byte header");
            for (int i = 0; i < Magic.Length; i++)
                if (h[i] != Magic[i]) return Refuse(file, $"not a decoded-frames file of this version (it does not start with {Magic})");
            int width = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
            int height = BinaryPrimitives.ReadInt32LittleEndian(h[12..]);
            int frames = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
            double fps = BinaryPrimitives.ReadDoubleLittleEndian(h[24..]);
            long sourceLength = BinaryPrimitives.ReadInt64LittleEndian(h[32..]);
            if (width is < 1 or > MaxSide || height is < 1 or > MaxSide) return Refuse(file, $"its header says {width}x{height} frames");
            if (frames is < 1 or > MaxFrames) return Refuse(file, $"its header says {frames} frames");
            if (!double.IsFinite(fps) || fps <= 0) return Refuse(file, $"its header says {fps} frames per second");
            if (sourceLength != length || !h.Slice(40, 32).SequenceEqual(sha)) return Refuse(file, "it was decoded from another version of the video (its length or SHA-256 differs)");
            long expected = HeaderBytes + (long)frames * width * height * 3;
            if (size != expected) return Refuse(file, $"{size} bytes where {frames} frames of {width}x{height} make {expected} (truncated or not ours)");
            return (new DecodedVideoFile(videoPath, cachePath, file, width, height, frames, fps), "");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return Refuse(file, ex.Message);
        }
    }

    private static (DecodedVideoFile? File, string Problem) Refuse(SafeFileHandle file, string problem)
    {
        file.Dispose();
        return (null, problem);
    }

    // Decodes every frame of one pass into the cache file (under a temporary name, then renamed, so a
    // reader never sees half of it); false when a frame does not decode (nothing is kept).
    private static bool Write(string videoPath, string cachePath, byte[] sha, long length)
    {
        string dir = System.IO.Path.GetDirectoryName(cachePath)!;
        // Per thread as well as per process: two nodes may open one video at once.
        string temp = $"{cachePath}.tmp{Environment.ProcessId}-{Environment.CurrentManagedThreadId}";
        try
        {
            Directory.CreateDirectory(dir);
            using (var video = new VideoFileReader(videoPath))
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> h = stackalloc byte[HeaderBytes];
                h.Clear();
                for (int i = 0; i < Magic.Length; i++) h[i] = (byte)Magic[i];
                BinaryPrimitives.WriteInt32LittleEndian(h[8..], video.Width);
                BinaryPrimitives.WriteInt32LittleEndian(h[12..], video.Height);
                BinaryPrimitives.WriteDoubleLittleEndian(h[24..], video.Fps);
                BinaryPrimitives.WriteInt64LittleEndian(h[32..], length);
                sha.CopyTo(h[40..]);
                output.Write(h);
                int rowBytes = video.Width * 3, frames = 0;
                while (video.Loops == 0)
                {
                    byte* src = (byte*)video.FrameData;
                    for (int r = 0; r < video.Height; r++) output.Write(new ReadOnlySpan<byte>(src + r * video.FrameStride, rowBytes));
                    frames++;
                    if (!video.Advance() || frames > MaxFrames)
                    {
                        output.Dispose();
                        File.Delete(temp);
                        return false;
                    }
                }
                // The count last: a file cut short before this is refused by its header.
                BinaryPrimitives.WriteInt32LittleEndian(h[16..], frames);
                output.Position = 16;
                output.Write(h.Slice(16, 4));
            }
            File.Move(temp, cachePath, overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } // the message says what went wrong first
            throw new InvalidDataException($"{dir}: cannot keep the decoded frames of {videoPath} there ({ex.Message})", ex);
        }
    }

    /// <inheritdoc/>
    public bool Advance()
    {
        int next = (int)Index + 1;
        if (next == _frames)
        {
            next = 0;
            Loops++;
        }
        Index = next;
        if (Read(next))
        {
            HasFrame = true;
            return true;
        }
        // The file changed under the reader (truncated): a failed frame, as a corrupt one is from OpenCV.
        HasFrame = false;
        FailedFrames++;
        return false;
    }

    private bool Read(int index)
    {
        long offset = HeaderBytes + (long)index * _frameBytes;
        int done = 0;
        try
        {
            while (done < _frameBytes)
            {
                int n = RandomAccess.Read(_file, new Span<byte>(_frame + done, _frameBytes - done), offset + done);
                if (n <= 0) return false;
                done += n;
            }
        }
        catch (IOException)
        {
            return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _file.Dispose();
        if (_frame == null) return;
        NativeMemory.AlignedFree(_frame);
        _frame = null;
    }
}
