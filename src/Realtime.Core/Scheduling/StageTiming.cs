namespace Realtime.Core.Scheduling;

/// <summary>One stage's (or a whole frame's) measured times in a timing file, µs.</summary>
public sealed class StageTiming
{
    /// <summary>The stage (capture, preprocess, infer, decode, control, actuate) or <c>frame</c>: release to actuation.</summary>
    public string Name { get; set; } = "";
    /// <summary>Frames measured.</summary>
    public int Samples { get; set; }
    /// <summary>Median.</summary>
    public double P50Us { get; set; }
    /// <summary>99th percentile (nearest rank).</summary>
    public double P99Us { get; set; }
    /// <summary>99.9th percentile (nearest rank).</summary>
    public double P999Us { get; set; }
    /// <summary>The largest time measured.</summary>
    public double MaxUs { get; set; }
    /// <summary>The pWCET: the time one frame exceeds with probability <see cref="PwcetPerFrameExceedance"/> (null: too few frames for a fit); the larger of the two fits below, <see cref="PwcetMethod"/> says which.</summary>
    public double? PwcetUs { get; set; }
    /// <summary>The per-frame exceedance probability <see cref="PwcetUs"/> is stated at.</summary>
    public double? PwcetPerFrameExceedance { get; set; }
    /// <summary>The probability that some frame exceeds <see cref="PwcetUs"/> in an hour at the loop's rate.</summary>
    public double? PwcetPerHourExceedance { get; set; }
    /// <summary>The fit <see cref="PwcetUs"/> comes from: <c>block-maxima</c> or <c>peaks-over-threshold</c> (null in files written before both were fitted: block maxima).</summary>
    public string? PwcetMethod { get; set; }
    /// <summary>The block-maxima (Gumbel) fit's pWCET at the same probability.</summary>
    public double? BlockMaximaPwcetUs { get; set; }
    /// <summary>Frames per block of the block-maxima fit.</summary>
    public int? BlockSize { get; set; }
    /// <summary>Blocks the fit was made from.</summary>
    public int? Blocks { get; set; }
    /// <summary>The fitted Gumbel's location (of a block's maximum), µs.</summary>
    public double? GumbelLocationUs { get; set; }
    /// <summary>The fitted Gumbel's scale, µs.</summary>
    public double? GumbelScaleUs { get; set; }

    /// <summary>The peaks-over-threshold (generalized Pareto) fit's pWCET at the same probability (null: fewer than 30 frames above the threshold).</summary>
    public double? PotPwcetUs { get; set; }
    /// <summary>The threshold of that fit (the sample's 95th percentile), µs.</summary>
    public double? PotThresholdUs { get; set; }
    /// <summary>Frames above the threshold.</summary>
    public int? PotExceedances { get; set; }
    /// <summary>The fitted shape ξ: above 0 a heavy tail (the Gumbel's figure is then too low), 0 exponential, below 0 bounded.</summary>
    public double? PotShape { get; set; }
    /// <summary>The fitted scale σ, µs.</summary>
    public double? PotScaleUs { get; set; }

    /// <summary>The figure admission takes as this stage's worst case: the pWCET, or the maximum when there was too little to fit.</summary>
    public double WorstUs => PwcetUs is double p ? System.Math.Max(p, MaxUs) : MaxUs;
}
