namespace Realtime.Core.Scheduling;

/// <summary>The machine a timing file was measured on: a file from another CPU, kernel or core count is stale.</summary>
public sealed class TimingMachine
{
    /// <summary>Host name (not compared: identical boards share a calibration).</summary>
    public string Host { get; set; } = "";
    /// <summary>CPU model.</summary>
    public string CpuModel { get; set; } = "";
    /// <summary>Kernel release.</summary>
    public string Kernel { get; set; } = "";
    /// <summary>Online cores.</summary>
    public int Cores { get; set; }
    /// <summary>/proc/loadavg's 1, 5 and 15 minute figures when the calibration began.</summary>
    public string? LoadAverage { get; set; }
}
