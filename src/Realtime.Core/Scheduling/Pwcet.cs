using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// pWCET by block maxima (measurement-based probabilistic timing analysis, after Cucu-Grosjean et al.,
/// "Measurement-based probabilistic timing analysis for multi-path programs", ECRTS 2012): the
/// measured times, in the order they ran, are cut into blocks; a Gumbel is fitted (maximum likelihood)
/// to the blocks' maxima. A block's maximum stays under x with probability G(x), so one frame does with
/// G(x)^(1/b): the time exceeded with per-frame probability p is G's quantile at 1 − (1 − p)^b.
/// </summary>
public static class Pwcet
{
    /// <summary>Fewest blocks a fit is made from.</summary>
    public const int MinBlocks = 10;

    /// <summary>Frames in an hour at <paramref name="rateHz"/>.</summary>
    public static double FramesPerHour(double rateHz) => rateHz * 3600;

    /// <summary>A block size for <paramref name="samples"/> samples: blocks of 10 to 100 frames, at least <see cref="MinBlocks"/> of them where the samples allow; 0 when there are fewer than 2·MinBlocks samples.</summary>
    public static int BlockSize(int samples)
    {
        if (samples < 2 * MinBlocks) return 0;
        return Math.Clamp(samples / (3 * MinBlocks), 2, 100);
    }

    /// <summary>The maxima of consecutive blocks of <paramref name="blockSize"/> samples (a last, partial block is left out).</summary>
    public static double[] BlockMaxima(ReadOnlySpan<double> samples, int blockSize)
    {
        if (blockSize < 1) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "a block holds at least one sample");
        var maxima = new double[samples.Length / blockSize];
        for (int b = 0; b < maxima.Length; b++)
        {
            double max = double.MinValue;
            foreach (double x in samples.Slice(b * blockSize, blockSize)) max = Math.Max(max, x);
            maxima[b] = max;
        }
        return maxima;
    }

    /// <summary>
    /// Fits <paramref name="samples"/> (ns, in run order) and returns the time exceeded with per-frame
    /// probability <paramref name="perFrameExceedance"/> and its probability per hour at <paramref name="rateHz"/>;
    /// null when there are too few samples for <see cref="MinBlocks"/> blocks.
    /// </summary>
    public static PwcetEstimate? Estimate(ReadOnlySpan<double> samples, double perFrameExceedance, double rateHz, int? blockSize = null)
    {
        if (!(perFrameExceedance > 0 && perFrameExceedance < 1)) throw new ArgumentOutOfRangeException(nameof(perFrameExceedance), perFrameExceedance, "a probability in (0, 1)");
        int b = blockSize ?? BlockSize(samples.Length);
        if (b < 1 || samples.Length / b < MinBlocks) return null;
        var fit = Gumbel.FitMaximumLikelihood(BlockMaxima(samples, b));
        double value = ValueAt(fit, b, perFrameExceedance);
        return new PwcetEstimate(value, perFrameExceedance, PerHour(perFrameExceedance, rateHz), b, samples.Length / b, fit);
    }

    /// <summary>The time a fit of blocks of <paramref name="blockSize"/> says one frame exceeds with probability <paramref name="perFrameExceedance"/>.</summary>
    public static double ValueAt(Gumbel fit, int blockSize, double perFrameExceedance) =>
        // 1 − (1 − p)^b without cancellation: −expm1(b·log1p(−p)).
        fit.Quantile(-TailMath.ExpM1(blockSize * TailMath.Log1P(-perFrameExceedance)));

    /// <summary>The per-frame probability that one frame exceeds <paramref name="valueNs"/>, from a fit of blocks of <paramref name="blockSize"/>.</summary>
    public static double PerFrame(Gumbel fit, int blockSize, double valueNs) =>
        // 1 − G(x)^(1/b) = −expm1(ln G(x) / b), ln G(x) = −e^(−z).
        fit.Scale <= 0 ? (valueNs >= fit.Location ? 0 : 1) : -TailMath.ExpM1(-Math.Exp(-(valueNs - fit.Location) / fit.Scale) / blockSize);

    /// <summary>The probability of at least one exceedance in an hour of frames at <paramref name="rateHz"/>, each exceeding with <paramref name="perFrameExceedance"/>.</summary>
    public static double PerHour(double perFrameExceedance, double rateHz) =>
        -TailMath.ExpM1(FramesPerHour(rateHz) * TailMath.Log1P(-perFrameExceedance));
}
