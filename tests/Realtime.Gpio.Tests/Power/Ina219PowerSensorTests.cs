using System;
using System.IO;
using Realtime.Gpio.Power;

namespace Realtime.Gpio.Tests.Power;

/// <summary>
/// Iot.Device.Bindings' INA219 over the simulated chip: the calibration the datasheet's equations
/// give for the shunt and current range, and readings of known loads back within one LSB.
/// </summary>
public sealed class Ina219PowerSensorTests
{
    private const double Shunt = 0.1, MaxA = 3.2;

    private static (Ina219PowerSensor Sensor, SimulatedIna219 Chip) Open()
    {
        var chip = new SimulatedIna219(Shunt, 0x41);
        return (new Ina219PowerSensor(chip.OpenI2c(1, 0x41), Shunt, MaxA, "ina219 at /dev/i2c-1 0x41"), chip);
    }

    [Fact]
    public void CalibrationFollowsTheDatasheetsEquations()
    {
        var (sensor, chip) = Open();
        using (sensor)
        {
            // eq. 2: current LSB = max expected current / 2^15; eq. 1: cal = trunc(0.04096 / (LSB × R))
            double lsb = 3.2 / 32768;
            Assert.Equal(lsb, sensor.CurrentLsbA, 15);
            Assert.Equal((ushort)Math.Truncate(0.04096 / (lsb * 0.1)), sensor.Calibration);
            Assert.Equal(4194, sensor.Calibration & 0xFFFE); // 0.04096 / (9.765625e-5 × 0.1) = 4194.3
            Assert.Equal(sensor.Calibration, chip.Register(0x05));
            Assert.Equal(0x399F, chip.Register(0x00)); // reset: 32 V, ±320 mV, 12-bit, continuous
        }
    }

    [Theory]
    [InlineData(5.0, 0.5)]
    [InlineData(12.0, 1.25)]
    [InlineData(3.3, 0.02)]
    [InlineData(5.0, 0.0)]
    public void ReadsAKnownLoadBackWithinOneLsb(double volts, double amps)
    {
        var (sensor, chip) = Open();
        using (sensor)
        {
            chip.SetLoad(volts, amps);
            var (v, a) = sensor.Read();
            Assert.InRange(Math.Abs(v - volts), 0, 0.004);            // bus LSB 4 mV
            // current = shunt(10 µV steps) × cal / 4096 in LSBs: within two current LSBs of the truth
            Assert.InRange(Math.Abs(a - amps), 0, 2 * sensor.CurrentLsbA + 10e-6 / Shunt);
        }
    }

    [Fact]
    public void ACurrentFlowingBackReadsNegative()
    {
        var (sensor, chip) = Open();
        using (sensor)
        {
            chip.SetLoad(5, -0.75); // e.g. a motor braking back into the supply
            Assert.InRange(sensor.Read().Amps, -0.75 - 2 * sensor.CurrentLsbA - 1e-4, -0.75 + 2 * sensor.CurrentLsbA + 1e-4);
        }
    }

    [Fact]
    public void ACalibrationLostToAResetIsRewrittenBeforeTheNextReading()
    {
        var (sensor, chip) = Open();
        using (sensor)
        {
            chip.SetLoad(5, 1);
            using (var other = chip.OpenI2c(1, 0x41)) other.Write(new byte[] { 0x00, 0x80, 0x00 }); // reset: calibration 0
            Assert.Equal(0, chip.Register(0x05));
            Assert.InRange(sensor.Read().Amps, 0.99, 1.01);
            Assert.Equal(sensor.Calibration, chip.Register(0x05));
        }
    }

    [Fact]
    public void WithoutCalibrationTheChipReportsNoCurrent()
    {
        var chip = new SimulatedIna219(Shunt);
        using var dev = chip.OpenI2c(1, 0x40);
        chip.SetLoad(5, 1);
        var b = new byte[2];
        dev.WriteRead(new byte[] { 0x04 }, b);
        Assert.Equal(new byte[] { 0, 0 }, b);
        dev.WriteRead(new byte[] { 0x01 }, b);
        Assert.Equal(10000, (b[0] << 8) | b[1]); // 100 mV in 10 µV steps
    }

    [Fact]
    public void AnUnpluggedChipFailsTheReadWithAnIOException()
    {
        var (sensor, chip) = Open();
        using (sensor)
        {
            chip.Connected = false;
            Assert.Throws<IOException>(() => sensor.Read());
        }
    }
}
