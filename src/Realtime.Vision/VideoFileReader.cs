using System;
using System.IO;
using OpenCvSharp;

namespace Realtime.Vision;

/// <summary>
/// Reads a video file frame by frame into one reused BGR <see cref="Mat"/>, looping at the end.
/// Opening checks that OpenCV's native library loads and says what to install when it does not.
/// </summary>
public sealed class VideoFileReader : IDisposable
{
    private readonly VideoCapture _capture;
    private readonly Mat _frame;

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
        if (!_capture.Read(_frame) || _frame.Empty())
        {
            Dispose();
            throw new InvalidDataException($"{path}: the video has no decodable frame");
        }
        if (_frame.Type() != MatType.CV_8UC3) throw new InvalidDataException($"{path}: frames decode as {_frame.Type()}, not 8-bit BGR");
        // Rewind once now: the first rewind allocates a little managed memory inside OpenCvSharp, and
        // it must not happen for the first time on the hot path when the world loops.
        _capture.Set(VideoCaptureProperties.PosFrames, 0);
        if (!_capture.Read(_frame) || _frame.Empty())
        {
            Dispose();
            throw new InvalidDataException($"{path}: the video cannot be rewound to its first frame");
        }
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
    /// <summary>The decoded frame (BGR, continuous rows).</summary>
    public Mat Frame => _frame;

    /// <summary>Decodes the next frame, going back to the first at the end. Returns false on a decode failure.</summary>
    public bool Advance()
    {
        if (_capture.Read(_frame) && !_frame.Empty())
        {
            Index++;
            return true;
        }
        // End of file: rewind and loop.
        _capture.Set(VideoCaptureProperties.PosFrames, 0);
        Loops++;
        Index = 0;
        return _capture.Read(_frame) && !_frame.Empty();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _frame.Dispose();
        _capture.Dispose();
    }
}
