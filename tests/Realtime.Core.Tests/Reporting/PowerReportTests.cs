using System.Text.Json;
using Realtime.Core.Reporting;

namespace Realtime.Core.Tests.Reporting;

/// <summary>The report's power section: energy shared over the frames, written under its snake_case names, absent without a monitor.</summary>
public sealed class PowerReportTests
{
    [Fact]
    public void EnergyPerFrameIsTheEnergyOverTheFramesInMillijoules()
    {
        var p = PowerReport.For("ina219 at /dev/i2c-1 0x41 (servo-power)", 3001, 2, "Error 6", 30.0, 75.0, 2.5, 900);
        Assert.Equal(75.0 * 1000 / 900, p.EnergyPerFrameMj, 3);
        Assert.Equal(2.5, p.MeanPowerW);
        Assert.Equal((3001L, 2L), (p.Samples, p.ReadErrors));
        Assert.Equal(0, PowerReport.For("m", 0, 0, null, 0, 0, 0, 0).EnergyPerFrameMj); // no frames: no division by zero
    }

    [Fact]
    public void ThePowerSectionIsWrittenUnderItsNamesAndLeftOutWithoutAMonitor()
    {
        var report = new RunReport();
        using (var doc = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport)))
            Assert.False(doc.RootElement.TryGetProperty("power", out _));
        report.Power = PowerReport.For("ina219", 10, 0, null, 0.09, 0.225, 2.5, 3);
        using var with = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJsonContext.Default.RunReport));
        var power = with.RootElement.GetProperty("power");
        foreach (string field in new[] { "monitor", "samples", "read_errors", "seconds", "mean_power_w", "energy_j", "frames", "energy_per_frame_mj" })
            Assert.True(power.TryGetProperty(field, out _), field);
        Assert.Equal(75, power.GetProperty("energy_per_frame_mj").GetDouble(), 6);
    }
}
