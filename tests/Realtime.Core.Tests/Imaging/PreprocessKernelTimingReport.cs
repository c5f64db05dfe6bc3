using System;
using System.Diagnostics;
using Realtime.Core.Imaging;
using Realtime.Core.Pipeline;
using Xunit.Abstractions;

namespace Realtime.Core.Tests.Imaging;

/// <summary>
/// Reports (never asserts) what each kernel costs on the face tracker's frame (320×240 into a
/// 128×128 float tensor), every format: per-frame p50 and p99 in µs and the speed-up over the
/// scalar reference. The kernels take turns in short blocks so a loaded machine's noise falls on
/// all of them alike. Run with <c>--logger "console;verbosity=detailed"</c> to see the table.
/// </summary>
[Collection(AllocationCounters.Name)] // alone: the other tests would be timed with it
public sealed class PreprocessKernelTimingReport
{
    private const int Blocks = 40, PerBlock = 25;
    private readonly ITestOutputHelper _out;

    public PreprocessKernelTimingReport(ITestOutputHelper output) => _out = output;

    [Fact]
    public void ReportsEachKernelsPreprocessTimeOnTheFaceTrackersFrame()
    {
        var kernels = new[] { PreprocessKernel.Scalar, PreprocessKernel.Vector128 };
        var tensor = new float[128 * 128 * 3];
        _out.WriteLine($"{"format",-6} {"kernel",-10} {"p50 µs",8} {"p99 µs",8} {"×scalar",8}   (load average {LoadAverage()})");
        foreach (var format in new[] { PixelFormat.Bgr24, PixelFormat.Yuyv, PixelFormat.Nv12, PixelFormat.Grey8 })
        {
            var frame = new FrameBuffer(320, 240, format);
            new Random(3).NextBytes(frame.Pixels);
            var passes = new LetterboxPreprocessor[kernels.Length];
            var samples = new double[kernels.Length][];
            for (int k = 0; k < kernels.Length; k++)
            {
                passes[k] = new LetterboxPreprocessor(320, 240, 128, 128) { Kernel = kernels[k] };
                samples[k] = new double[Blocks * PerBlock];
                for (int i = 0; i < 50; i++) passes[k].Process(frame, tensor); // warm-up: JIT, tiering
            }
            for (int b = 0; b < Blocks; b++)
                for (int k = 0; k < kernels.Length; k++)
                    for (int i = 0; i < PerBlock; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        passes[k].Process(frame, tensor);
                        samples[k][b * PerBlock + i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                    }
            double scalarP50 = Percentile(samples[0], 0.5);
            for (int k = 0; k < kernels.Length; k++)
            {
                double p50 = Percentile(samples[k], 0.5), p99 = Percentile(samples[k], 0.99);
                _out.WriteLine($"{format,-6} {kernels[k],-10} {p50,8:0.0} {p99,8:0.0} {scalarP50 / p50,8:0.00}");
                Assert.Equal(Blocks * PerBlock, samples[k].Length);
            }
        }
    }

    private static double Percentile(double[] values, double q)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Round(q * (sorted.Length - 1)))];
    }

    private static string LoadAverage()
    {
        try { return System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (System.IO.IOException) { return "unknown"; }
    }
}
