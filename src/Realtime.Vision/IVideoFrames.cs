using System;

namespace Realtime.Vision;

/// <summary>
/// A video played frame by frame into one reused BGR24 frame, looping at its end: decoded by OpenCV
/// (<see cref="VideoFileReader"/>) or read from the frames decoded once before (<see cref="DecodedVideoFile"/>).
/// Both play the same frames in the same order; <see cref="Advance"/> allocates nothing.
/// </summary>
public interface IVideoFrames : IDisposable
{
    /// <summary>The video file.</summary>
    string Path { get; }
    /// <summary>Frame width.</summary>
    int Width { get; }
    /// <summary>Frame height.</summary>
    int Height { get; }
    /// <summary>Frames per second the file declares.</summary>
    double Fps { get; }
    /// <summary>Index of the frame now held.</summary>
    long Index { get; }
    /// <summary>Times the video wrapped around.</summary>
    int Loops { get; }
    /// <summary>Whether the frame held is good (false after a frame that failed to decode): only then may <see cref="FrameData"/> be read.</summary>
    bool HasFrame { get; }
    /// <summary>Frames that failed to decode, over the whole run.</summary>
    long FailedFrames { get; }
    /// <summary>The frame's first byte (BGR24 rows, <see cref="FrameStride"/> bytes apart); valid while <see cref="HasFrame"/> and until the next <see cref="Advance"/>.</summary>
    nint FrameData { get; }
    /// <summary>Bytes from one row of the frame to the next.</summary>
    long FrameStride { get; }
    /// <summary>Moves to the next frame (the first after the last); false when it failed. Allocation-free.</summary>
    bool Advance();
}
