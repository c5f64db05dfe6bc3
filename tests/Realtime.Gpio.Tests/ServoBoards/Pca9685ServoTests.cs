using System;
using System.IO;
using Realtime.Core.Pipeline;
using Realtime.Gpio.ServoBoards;
using Realtime.Tests;

namespace Realtime.Gpio.Tests.ServoBoards;

/// <summary>
/// Servos on a PCA9685 through the PWM actuator seam, set up by Iot.Device.Bindings and written by
/// our channel: registers against the datasheet's formulas, the safe state, one transaction and
/// zero bytes per write.
/// </summary>
public sealed class Pca9685ServoTests
{
    private static readonly Pca9685Target Board = new(1, 0x40);
    private static readonly ServoCalibration Pan = new(50, 1000, 2000, -45, 45, SafeAngleDeg: 0);
    private static readonly ServoCalibration Tilt = new(50, 1000, 2000, -30, 30, SafeAngleDeg: 10);

    private static (ServoActuator Servos, SimulatedPca9685 Chip) Open()
    {
        var opener = PwmChannelOpener.Simulated();
        var servos = ServoActuator.Open(new PwmOutput<ServoCalibration>[] { new(0, 0, Pan, Board), new(0, 1, Tilt, Board) }, opener);
        return (servos, opener.SimulatedChip(Board));
    }

    private static ActuatorCommand Command(params float[] values)
    {
        var c = new ActuatorCommand { Count = values.Length };
        for (int i = 0; i < values.Length; i++) c.Values[i] = values[i];
        return c;
    }

    // Datasheet §7.3.5: prescale = round(25 MHz / (4096 × rate)) − 1; one count lasts (prescale + 1) / 25 MHz.
    private static readonly int Prescale50Hz = (int)Math.Round(25_000_000.0 / (4096 * 50)) - 1;
    private static double CountUs => (Prescale50Hz + 1) / 25.0;

    private static double PulseUs(ServoCalibration c, double angle) =>
        c.MinPulseUs + (Math.Clamp(angle, c.MinAngleDeg, c.MaxAngleDeg) - c.MinAngleDeg) / (c.MaxAngleDeg - c.MinAngleDeg) * (c.MaxPulseUs - c.MinPulseUs);

    [Fact]
    public void TheBindingSetsTheChipUpAwakeWithAutoIncrementAndThePrescalerForFiftyHertz()
    {
        var (servos, chip) = Open();
        using (servos)
        {
            Assert.False(chip.Sleeping);
            Assert.NotEqual(0, chip.Register(0x00) & 0x20);
            Assert.Equal(Prescale50Hz, chip.Register(0xFE));
            Assert.Equal(121, Prescale50Hz);
        }
    }

    [Fact]
    public void ChannelsStartAtTheSafeAngleNotFullOff()
    {
        var (servos, chip) = Open();
        using (servos)
        {
            Assert.Equal((ushort)0, chip.Counts(0).On);
            Assert.Equal((ushort)Math.Round(PulseUs(Pan, 0) / CountUs), chip.Counts(0).Off);
            Assert.Equal((ushort)Math.Round(PulseUs(Tilt, 10) / CountUs), chip.Counts(1).Off);
            Assert.Equal(((ushort)0, (ushort)0x1000), chip.Counts(2)); // untouched channels stay off
        }
    }

    [Theory]
    [InlineData(-45, -30)]
    [InlineData(0, 0)]
    [InlineData(45, 30)]
    [InlineData(22.5, -12)]
    [InlineData(90, -90)] // clamped to each servo's range
    public void RegistersForKnownAnglesFollowTheDatasheetAndThePulseIsWithinOneCount(double pan, double tilt)
    {
        var (servos, chip) = Open();
        using (servos)
        {
            servos.Apply(Command((float)pan, (float)tilt));
            var expected = new[] { PulseUs(Pan, pan), PulseUs(Tilt, tilt) };
            for (int ch = 0; ch < 2; ch++)
            {
                Assert.Equal(Math.Round(expected[ch] / CountUs), chip.Counts(ch).Off);
                Assert.Equal(0, chip.Counts(ch).On);
                Assert.InRange(Math.Abs(chip.PulseUs(ch) - expected[ch]), 0, CountUs / 2 + 1e-9);
            }
        }
    }

    [Fact]
    public void SafeStateWritesEachServosSafeAngle()
    {
        var (servos, chip) = Open();
        using (servos)
        {
            servos.Apply(Command(45, -30));
            Assert.Equal(Math.Round(2000 / CountUs), chip.Counts(0).Off);
            var safe = servos.ApplySafeState();
            Assert.Equal(new[] { 0f, 10f }, new[] { safe.Values[0], safe.Values[1] });
            Assert.Equal(Math.Round(PulseUs(Pan, 0) / CountUs), chip.Counts(0).Off);
            Assert.Equal(Math.Round(PulseUs(Tilt, 10) / CountUs), chip.Counts(1).Off);
        }
    }

    [Fact]
    public void EachWriteIsOneTransactionAndAllocatesNothing()
    {
        var (servos, chip) = Open();
        using (servos)
        {
            var a = Command(10, 5);
            var b = Command(-10, -5);
            for (int i = 0; i < 200; i++) servos.Apply(i % 2 == 0 ? a : b);
            long tx = chip.Transactions;
            const int writes = 2000;
            int w = 0;
            long allocated = ThreadAllocations.Least(() => servos.Apply(w++ % 2 == 0 ? a : b), n: writes / 4, warm: 0);
            for (; w < writes; w++) servos.Apply(w % 2 == 0 ? a : b); // up to the count below, however many windows ran
            Assert.Equal(0, allocated);
            Assert.Equal(writes * 2L, chip.Transactions - tx); // two channels, one transaction each
        }
    }

    [Fact]
    public void StopPutsTheChannelFullOffAndStartRestoresItsDuty()
    {
        var (servos, chip) = Open();
        using (servos)
        {
            servos.Apply(Command(30, 0));
            ushort off = chip.Counts(0).Off;
            servos.PwmChannels[0].Stop();
            Assert.Equal(((ushort)0, (ushort)0x1000), chip.Counts(0));
            servos.PwmChannels[0].Start();
            Assert.Equal(off, chip.Counts(0).Off);
        }
    }

    [Fact]
    public void ChannelsOfOneBoardShareItsFrequencyAndAreOpenedOnce()
    {
        var other = Pan with { FrequencyHz = 60 };
        var ex = Assert.Throws<ArgumentException>(() => ServoActuator.Open(new PwmOutput<ServoCalibration>[] { new(0, 0, Pan, Board), new(0, 1, other, Board) }, PwmChannelOpener.Simulated()));
        Assert.Contains("one prescaler", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => ServoActuator.Open(new PwmOutput<ServoCalibration>[] { new(0, 3, Pan, Board), new(0, 3, Tilt, Board) }, PwmChannelOpener.Simulated()));
        Assert.Contains("channel 3 is already open", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ServoActuator.Open(new PwmOutput<ServoCalibration>[] { new(0, 16, Pan, Board) }, PwmChannelOpener.Simulated()));
    }

    [Fact]
    public void TheFrequencyIsTheBoardsAndCannotBeChangedPerChannel()
    {
        var (servos, _) = Open();
        using (servos)
        {
            Assert.Equal(50, servos.PwmChannels[0].Frequency);
            Assert.Throws<InvalidOperationException>(() => servos.PwmChannels[0].Frequency = 60);
        }
    }

    [Fact]
    public void AnUnpluggedBoardFailsTheWriteWithTheBussError()
    {
        var (servos, chip) = Open();
        using (servos)
        {
            chip.Connected = false;
            Assert.Throws<IOException>(() => servos.Apply(Command(10, 10)));
        }
    }

    [Fact]
    public void SysfsAndPca9685OutputsMixInOneActuator()
    {
        var opener = PwmChannelOpener.Simulated();
        using var servos = ServoActuator.Open(new PwmOutput<ServoCalibration>[] { new(0, 0, Pan), new(0, 5, Tilt, Board) }, opener);
        servos.Apply(Command(45, 30));
        Assert.Equal(0.10, Assert.IsType<SimulatedPwmChannel>(servos.PwmChannels[0]).DutyCycle, 12);
        Assert.Equal(Math.Round(2000 / CountUs), opener.SimulatedChip(Board).Counts(5).Off);
    }
}
