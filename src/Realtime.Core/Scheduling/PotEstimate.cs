namespace Realtime.Core.Scheduling;

/// <summary>
/// A pWCET by peaks over a threshold: <see cref="ValueNs"/> is exceeded by one frame with probability
/// <see cref="PerFrameExceedance"/>, and at least once in an hour of frames with <see cref="PerHourExceedance"/>,
/// according to a generalized Pareto <see cref="Fit"/> of the <see cref="Exceedances"/> times (of
/// <see cref="Samples"/>) above <see cref="ThresholdNs"/>, the sample's <see cref="ThresholdPercentile"/>th percentile.
/// </summary>
public sealed record PotEstimate(double ValueNs, double PerFrameExceedance, double PerHourExceedance, double ThresholdNs, double ThresholdPercentile, int Exceedances, int Samples, GeneralizedPareto Fit);
