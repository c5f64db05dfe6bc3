namespace Realtime.Core.Audio;

/// <summary>One spoken phrase of a recording: samples [<see cref="StartSample"/>, <see cref="EndSample"/>).</summary>
/// <param name="StartSample">First audible sample.</param>
/// <param name="EndSample">One past the last audible sample.</param>
/// <param name="Text">What is said.</param>
public readonly record struct SpeechPhrase(int StartSample, int EndSample, string Text);
