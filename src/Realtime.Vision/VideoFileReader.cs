using System;
using System.IO;
using OpenCvSharp;

namespace Realtime.Vision;

/// <summary>
/// Reads a video file frame by frame into one reused BGR <see cref="Mat"/>, looping at the end.
/// Opening checks that OpenCV's native library loads and says what to install when it does not.
/// A frame that does not decode (corrupt data, a file truncated or replaced under the reader) is a
/// failed frame, counted, and <see cref="HasFrame"/> says so: the caller must not read
/// <see cref="Frame"/> then (OpenCV releases it: its data pointer is null). The end of a pass is told
/// from a corrupt frame by the frame count the file declares: decoded plus failed frames reach it.
/// </summary>
public sealed class VideoFileReader : IVideoFrames
{
    private readonly VideoCapture _capture;
    private readonly Mat _frame;
    private int _failedThisPass;

    /// <summary>Opens <paramref name="path"/> and decodes its first frame.</summary>
    public VideoFileReader(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"video file not found: {path}", path);
        OpenCvNative.EnsureLoaded();
        Path = path;
        _capture = new VideoCapture(path);
        if (!_capture.IsOpened())
        {
            _capture.Dispose();
            throw new InvalidDataException($"{path}: OpenCV cannot open this video (unknown container or codec)");
        }
        _frame = new Mat();
        Fps = _capture.Fps > 0 ? _capture.Fps : 25;
        FrameCount = _capture.FrameCount;
        // Rewind once now, before the first read: the first rewind allocates a little managed memory
        // inside OpenCvSharp, and it must not happen for the first time on the hot path when the world
        // loops. Before the first frame rather than after it, the file's first frame is decoded once
        // (a cold start's critical path), not twice.
        _capture.Set(VideoCaptureProperties.PosFrames, 0);
        if (!_capture.Read(_frame) || _frame.Empty())
        {
            Dispose();
            throw new InvalidDataException($"{path}: the video has no decodable frame");
        }
        if (_frame.Type() != MatType.CV_8UC3) throw new InvalidDataException($"{path}: frames decode as {_frame.Type()}, not 8-bit BGR");
        Width = _frame.Width;
        Height = _frame.Height;
        Index = 0;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>Frame width.</summary>
    public int Width { get; }
    /// <summary>Frame height.</summary>
    public int Height { get; }
    /// <summary>Frames per second the file declares.</summary>
    public double Fps { get; }
    /// <summary>Frames the file declares (may be approximate for some containers).</summary>
    public int FrameCount { get; }
    /// <summary>Index of the decoded frame now in <see cref="Frame"/>.</summary>
    public long Index { get; private set; }
    /// <summary>Times the file wrapped around.</summary>
    public int Loops { get; private set; }
    /// <summary>The decoded frame (BGR, continuous rows); valid only while <see cref="HasFrame"/>.</summary>
    public Mat Frame => _frame;
    /// <inheritdoc/>
    public nint FrameData => _frame.Data;
    /// <inheritdoc/>
    public long FrameStride => _frame.Step();
    /// <summary>Whether <see cref="Frame"/> holds a good frame of the video's size and type (false after a failed frame).</summary>
    public bool HasFrame { get; private set; } = true;
    /// <summary>Frames that failed to decode (or decoded to the wrong size or type), over the whole run.</summary>
    public long FailedFrames { get; private set; }

    /// <summary>
    /// Decodes the next frame, going back to the first at the end. Returns false on a failed frame
    /// (then <see cref="HasFrame"/> is false until a frame decodes again). Allocation-free.
    /// </summary>
    public bool Advance()
    {
        if (ReadFrame())
        {
            Index++;
            return true;
        }
        // Decoded and failed frames of this pass short of the declared count: this frame is corrupt
        // or missing (a truncated file keeps failing here, frame after frame, each one counted).
        if (Index + 1 + _failedThisPass < FrameCount)
        {
            _failedThisPass++;
            return Fail();
        }
        // The end of the pass: rewind and loop.
        _capture.Set(VideoCaptureProperties.PosFrames, 0);
        Loops++;
        Index = 0;
        _failedThisPass = 0;
        return ReadFrame() || Fail();
    }

    private bool ReadFrame()
    {
        if (!_capture.Read(_frame) || _frame.Empty() || _frame.Width != Width || _frame.Height != Height || _frame.Type() != MatType.CV_8UC3)
            return false;
        HasFrame = true;
        return true;
    }

    private bool Fail()
    {
        HasFrame = false;
        FailedFrames++;
        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _frame.Dispose();
        _capture.Dispose();
    }
}
