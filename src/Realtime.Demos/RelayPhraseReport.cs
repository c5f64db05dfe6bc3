namespace Realtime.Demos;

/// <summary>One phrase of the known speech and what the relay did about it.</summary>
public sealed class RelayPhraseReport
{
    /// <summary>Phrase number in the recording (0-based).</summary>
    public int Phrase { get; set; }
    /// <summary>Which pass through a looping recording (0-based).</summary>
    public int Pass { get; set; }
    /// <summary>Start of speech, s from the recording's start.</summary>
    public double StartS { get; set; }
    /// <summary>End of speech, s.</summary>
    public double EndS { get; set; }
    /// <summary>Silence after it, s.</summary>
    public double GapAfterS { get; set; }
    /// <summary>Whether the relay was closed at some point during the phrase.</summary>
    public bool Closed { get; set; }
    /// <summary>Whether the relay was still closed from the phrase before (a pause bridged by the hangover).</summary>
    public bool Bridged { get; set; }
    /// <summary>Frames from the phrase's first chunk to the relay closing (null when bridged or never closed).</summary>
    public int? OnsetFrames { get; set; }
    /// <summary>The same in ms.</summary>
    public double? OnsetMs { get; set; }
    /// <summary>Frames from the phrase's last chunk to the relay opening (null when it held into the next phrase or the run ended).</summary>
    public int? OffsetFrames { get; set; }
    /// <summary>The same in ms.</summary>
    public double? OffsetMs { get; set; }
}
