namespace Realtime.Core.Reporting;

/// <summary>
/// What a power monitor measured over the run (read on a housekeeping thread, never in the loop):
/// energy integrated from loop start to stop, and that energy shared over the frames run in it.
/// </summary>
public sealed class PowerReport
{
    /// <summary>The monitor (chip, bus, address, sensor name).</summary>
    public string Monitor { get; set; } = "";
    /// <summary>Good readings.</summary>
    public long Samples { get; set; }
    /// <summary>Failed readings (bus errors); no energy is assumed across them.</summary>
    public long ReadErrors { get; set; }
    /// <summary>The last read error, if any.</summary>
    public string? LastError { get; set; }
    /// <summary>Seconds covered by the readings.</summary>
    public double Seconds { get; set; }
    /// <summary>Mean power, W.</summary>
    public double MeanPowerW { get; set; }
    /// <summary>Energy over the covered time, J.</summary>
    public double EnergyJ { get; set; }
    /// <summary>Frames the loop ran while the monitor read (warm-up included).</summary>
    public int Frames { get; set; }
    /// <summary>Energy per frame, mJ (energy / frames).</summary>
    public double EnergyPerFrameMj { get; set; }

    /// <summary>The report section for <paramref name="frames"/> frames run over the measured energy.</summary>
    public static PowerReport For(string monitor, long samples, long readErrors, string? lastError, double seconds, double energyJ, double meanW, int frames) => new()
    {
        Monitor = monitor,
        Samples = samples,
        ReadErrors = readErrors,
        LastError = lastError,
        Seconds = System.Math.Round(seconds, 3),
        MeanPowerW = System.Math.Round(meanW, 4),
        EnergyJ = System.Math.Round(energyJ, 4),
        Frames = frames,
        EnergyPerFrameMj = frames > 0 ? System.Math.Round(energyJ * 1000 / frames, 4) : 0,
    };
}
