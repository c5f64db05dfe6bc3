using System;
using System.IO;
using System.Threading;
using Realtime.Gpio.Power;

namespace Realtime.Gpio.Tests.Power;

/// <summary>Energy integration from power readings: known loads over known times, gaps, and the sampler's own thread.</summary>
public sealed class PowerSamplerTests
{
    private const double Shunt = 0.1, MaxA = 3.2;

    private static (PowerSampler Sampler, SimulatedIna219 Chip) Open()
    {
        var chip = new SimulatedIna219(Shunt, 0x41);
        var sensor = new Ina219PowerSensor(chip.OpenI2c(1, 0x41), Shunt, MaxA, "ina219");
        return (new PowerSampler(sensor, 10_000_000), chip);
    }

    [Fact]
    public void TheTrapezoidRuleGivesExactEnergyForConstantAndLinearPower()
    {
        var e = new EnergyIntegrator();
        e.Add(0, 2.5);
        e.Add(1_000_000_000, 2.5);
        e.Add(3_000_000_000, 2.5);
        Assert.Equal(7.5, e.EnergyJ, 12);
        Assert.Equal(3, e.Seconds, 12);
        Assert.Equal(2.5, e.MeanW, 12);
        var ramp = new EnergyIntegrator();
        for (int i = 0; i <= 10; i++) ramp.Add(i * 100_000_000L, i); // 0..10 W over 1 s
        Assert.Equal(5, ramp.EnergyJ, 9);
        Assert.Equal(11, ramp.Samples);
    }

    [Fact]
    public void AGapAssumesNoEnergyAcrossIt()
    {
        var e = new EnergyIntegrator();
        e.Add(0, 4);
        e.Add(1_000_000_000, 4);
        e.Gap();
        e.Add(5_000_000_000, 4);
        e.Add(6_000_000_000, 4);
        Assert.Equal(8, e.EnergyJ, 12);
        Assert.Equal(2, e.Seconds, 12);
    }

    [Fact]
    public void KnownCurrentAndVoltageThroughTheChipIntegrateToTheirEnergy()
    {
        var (sampler, chip) = Open();
        using (sampler)
        {
            chip.SetLoad(5.0, 0.5); // 2.5 W
            for (int i = 0; i <= 100; i++) sampler.SampleAt(i * 10_000_000L); // 1 s at 100 Hz
            chip.SetLoad(5.0, 1.0); // 5 W: the step is one trapezoid of 10 ms
            for (int i = 101; i <= 200; i++) sampler.SampleAt(i * 10_000_000L);
            var t = sampler.Totals();
            Assert.Equal(201, t.Samples);
            Assert.Equal(2, t.Seconds, 9);
            double expected = 2.5 * 1.0 + (2.5 + 5) / 2 * 0.01 + 5 * 0.99;
            // readings are within a few LSBs: 4 mV × 1 A and 2 current LSBs × 5 V
            Assert.InRange(Math.Abs(t.EnergyJ - expected), 0, 2 * (0.004 * 1.0 + 5 * 2 * (3.2 / 32768) + 5 * 1e-4));
            Assert.Equal(t.EnergyJ / 2, t.MeanW, 9);
        }
    }

    [Fact]
    public void FailedReadsAreCountedAndLeaveAGap()
    {
        var (sampler, chip) = Open();
        using (sampler)
        {
            chip.SetLoad(10, 1);
            sampler.SampleAt(0);
            sampler.SampleAt(1_000_000_000);
            chip.Connected = false;
            Assert.False(sampler.SampleAt(2_000_000_000));
            chip.Connected = true;
            sampler.SampleAt(3_000_000_000);
            sampler.SampleAt(4_000_000_000);
            var t = sampler.Totals();
            Assert.Equal((4L, 1L), (t.Samples, t.ReadErrors));
            Assert.Equal(2, t.Seconds, 9);
            Assert.Contains("does not answer", t.LastError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ItsThreadReadsUntilStoppedAndTakesALastReading()
    {
        var (sampler, chip) = Open();
        using (sampler)
        {
            chip.SetLoad(5, 0.5);
            sampler.Start();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (sampler.Totals().Samples < 5 && DateTime.UtcNow < deadline) Thread.Sleep(5);
            sampler.Stop();
            var t = sampler.Totals();
            Assert.True(t.Samples >= 5, $"{t.Samples} samples");
            Assert.Equal(0, t.ReadErrors);
            Assert.InRange(t.MeanW, 2.5 - 0.01, 2.5 + 0.01);
            long after = sampler.Totals().Samples;
            Thread.Sleep(50);
            Assert.Equal(after, sampler.Totals().Samples); // stopped means stopped
        }
    }
}
