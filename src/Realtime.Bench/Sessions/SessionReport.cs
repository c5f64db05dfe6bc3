using System.Collections.Generic;

namespace Realtime.Bench.Sessions;

/// <summary>The session choices side by side (<c>rtapp bench --sessions</c>).</summary>
public sealed class SessionReport
{
    /// <summary>Producer.</summary>
    public string Tool { get; set; } = "rtapp";
    /// <summary>rtapp version.</summary>
    public string Version { get; set; } = "";
    /// <summary>The model file.</summary>
    public string Model { get; set; } = "";
    /// <summary>The frames every lane ran, in words.</summary>
    public string Data { get; set; } = "";
    /// <summary>Counted frames per lane.</summary>
    public int Frames { get; set; }
    /// <summary>Uncounted runs per lane before the first counted one.</summary>
    public int WarmupRuns { get; set; }
    /// <summary>The idle gap after each frame, µs (a periodic loop idles between frames).</summary>
    public long GapUs { get; set; }
    /// <summary>One row per choice, the default first.</summary>
    public List<SessionResult> Sessions { get; set; } = new();
    /// <summary>How it was measured.</summary>
    public List<string> Notes { get; set; } = new();
}
