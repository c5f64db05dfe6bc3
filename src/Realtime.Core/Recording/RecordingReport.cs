using System.Collections.Generic;

namespace Realtime.Core.Recording;

/// <summary>The report's <c>recording</c> section: what the flight recorder wrote.</summary>
public sealed class RecordingReport
{
    /// <summary>The MCAP file (every frame), or the folder of the miss windows' files (around misses).</summary>
    public string? File { get; set; }
    /// <summary><c>all</c> or <c>around-misses</c>.</summary>
    public string Mode { get; set; } = "";
    /// <summary>The ring's size in frames.</summary>
    public int RingFrames { get; set; }
    /// <summary>Frames the writer read from the ring.</summary>
    public long FramesSeen { get; set; }
    /// <summary>Frames written to the file.</summary>
    public long FramesWritten { get; set; }
    /// <summary>Frames the loop overwrote before the writer read them.</summary>
    public long FramesLost { get; set; }
    /// <summary>Messages in the file.</summary>
    public long Messages { get; set; }
    /// <summary>The size of what this run wrote and the cap kept (the file, the miss windows', the snapshots').</summary>
    public long Bytes { get; set; }
    /// <summary>The miss windows' and snapshots' files this run wrote that the cap kept, oldest first.</summary>
    public List<string>? Files { get; set; }
    /// <summary>Miss and snapshot files the cap deleted (this run's or earlier ones', oldest first).</summary>
    public int FilesDeleted { get; set; }
    /// <summary>Snapshots of the ring written on request (SIGHUP).</summary>
    public int Snapshots { get; set; }
    /// <summary>Frames in them (not in <see cref="FramesWritten"/>, <see cref="Messages"/> or <see cref="Channels"/>).</summary>
    public long SnapshotFrames { get; set; }
    /// <summary>Messages per topic.</summary>
    public SortedDictionary<string, long>? Channels { get; set; }
    /// <summary>The hash of what reached the outputs over every frame (null when frames were lost).</summary>
    public string? OutputHash { get; set; }
    /// <summary>The writer thread's time per frame written (serialising and writing), µs.</summary>
    public double WriterUsPerFrame { get; set; }
    /// <summary>Why the file could not be written, if it could not.</summary>
    public string? Error { get; set; }
}

/// <summary>What <c>rtapp replay</c> found: the replayed run against the recorded one.</summary>
public sealed class ReplayReport
{
    /// <summary>The recording.</summary>
    public string File { get; set; } = "";
    /// <summary>The application replayed.</summary>
    public string Application { get; set; } = "";
    /// <summary><c>recorded</c> or <c>live</c>.</summary>
    public string Timing { get; set; } = "";
    /// <summary>The settings the replay ran under instead of the recorded ones.</summary>
    public List<string> WhatIf { get; set; } = new();
    /// <summary>Frames in the recording.</summary>
    public int FramesRecorded { get; set; }
    /// <summary>Frames replayed.</summary>
    public int FramesReplayed { get; set; }
    /// <summary>How the replayed loop ended.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>The hash of what reached the outputs in the recording.</summary>
    public string RecordedOutputHash { get; set; } = "";
    /// <summary>The same over the replay.</summary>
    public string OutputHash { get; set; } = "";
    /// <summary>Whether both are the same.</summary>
    public bool SameOutputs { get; set; }
    /// <summary>The replay's deadline misses (counted frames).</summary>
    public int DeadlineMisses { get; set; }
    /// <summary>The replay's watchdog events: frame, kind, action.</summary>
    public List<Reporting.WatchdogEventReport> WatchdogEvents { get; set; } = new();
    /// <summary>The frames whose watchdog decision differs from the recorded one.</summary>
    public List<DivergedFrame> Diverged { get; set; } = new();
}

/// <summary>A frame the replay decided otherwise than the recording.</summary>
public sealed class DivergedFrame
{
    /// <summary>The frame.</summary>
    public int Frame { get; set; }
    /// <summary>The recorded decision.</summary>
    public string Recorded { get; set; } = "";
    /// <summary>The replay's decision.</summary>
    public string Replayed { get; set; } = "";
}
