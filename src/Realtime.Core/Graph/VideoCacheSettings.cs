using System;

namespace Realtime.Core.Graph;

/// <summary>
/// What the host asks of every node that plays a video file (<c>sim-video</c>, the simulated
/// pan/tilt camera) in one application build: keep the video's decoded frames in <see cref="Dir"/>
/// and play them from there (Realtime.Vision's <c>DecodedVideoFile</c>), a cold-start choice: no
/// video decoder loads at start. The host puts one in the build's
/// <see cref="ComponentContext.Shared{T}"/>; without one, each run decodes the video.
/// </summary>
public sealed class VideoCacheSettings
{
    /// <summary>The folder of decoded frames (null: decode at every run).</summary>
    public string? Dir { get; init; }
    /// <summary>Told why a cache file was decoded again (stale, truncated, not ours); null: nobody.</summary>
    public Action<string>? Note { get; init; }
}
