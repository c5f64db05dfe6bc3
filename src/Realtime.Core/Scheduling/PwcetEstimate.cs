namespace Realtime.Core.Scheduling;

/// <summary>
/// A probabilistic worst-case execution time: <see cref="ValueNs"/> is exceeded by one frame with
/// probability <see cref="PerFrameExceedance"/>, and at least once in an hour of frames at the loop's
/// rate with probability <see cref="PerHourExceedance"/>, according to a Gumbel fitted to the maxima of
/// <see cref="Blocks"/> blocks of <see cref="BlockSize"/> consecutive frames.
/// </summary>
public sealed record PwcetEstimate(double ValueNs, double PerFrameExceedance, double PerHourExceedance, int BlockSize, int Blocks, Gumbel Fit);
