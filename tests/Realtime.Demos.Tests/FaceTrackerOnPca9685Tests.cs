using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Gpio;
using Realtime.Gpio.ServoBoards;

namespace Realtime.Demos.Tests;

/// <summary>
/// The face tracker on the sim board with its servos on a simulated PCA9685 (what
/// generic-x86-pca9685 drives for real): the loop closes through the chip's registers, the
/// counted frames allocate nothing, and the safe state lands in the registers.
/// </summary>
public sealed class FaceTrackerOnPca9685Tests
{
    private static readonly Pca9685Target Board = new(1, 0x40);

    private static SimFaceTracker Build(int frames, int warmup) =>
        SimDemo.Build(frames, warmup, floor: false, edit: p =>
        {
            p.Timing.BudgetsUs.Clear();
            for (int i = 0; i < p.Pwm.Count; i++)
            {
                p.Pwm[i].Pca9685 = new Pca9685Profile { Device = "/dev/i2c-1", Address = "0x40" };
                p.Pwm[i].Channel = i;
            }
            Assert.Empty(ProfileLoader.Validate(p));
        });

    private static SimulatedPca9685 Chip(SimFaceTracker demo) => demo.Servos.Opener!.SimulatedChip(Board);

    /// <summary>The OFF count the datasheet gives for a servo at <paramref name="angle"/>: pulse / ((prescale + 1) / 25 MHz).</summary>
    private static int Counts(ServoCalibration c, double angle, byte prescale)
    {
        double a = Math.Clamp(angle, c.MinAngleDeg, c.MaxAngleDeg);
        double pulse = c.MinPulseUs + (a - c.MinAngleDeg) / (c.MaxAngleDeg - c.MinAngleDeg) * (c.MaxPulseUs - c.MinPulseUs);
        return (int)Math.Round(pulse / ((prescale + 1) / 25.0));
    }

    [Fact]
    public void TheLoopClosesThroughThePca9685RegistersWithOneTransactionPerServoPerFrame()
    {
        using var demo = Build(frames: 200, warmup: 0);
        var chip = Chip(demo);
        long tx = chip.Transactions;
        var startWindow = (0, 0);
        SimDemo.OnPipelineThread(() =>
        {
            demo.Loop.RunFrames(1);
            startWindow = (demo.SimCamera.WindowX, demo.SimCamera.WindowY);
            demo.Loop.RunFrames(199);
        });
        Assert.NotEqual(startWindow, (demo.SimCamera.WindowX, demo.SimCamera.WindowY)); // the plant followed the chip's channels
        Assert.Equal(2L * 200, chip.Transactions - tx);
        byte prescale = chip.Register(0xFE);
        var applied = demo.Loop.Applied;
        for (int ch = 0; ch < 2; ch++)
            Assert.Equal(Counts(demo.Servos.Calibrations[ch], applied.Values[ch], prescale), chip.Counts(ch).Off);
    }

    [Fact]
    public void AThousandCountedFramesAllocateNothing()
    {
        const int warmup = 30, frames = 1000;
        using var demo = Build(frames, warmup);
        long tx = Chip(demo).Transactions;
        var (outcome, allocated, collections) = SimDemo.MeasureCountedFrames(demo.Loop, warmup, frames);
        Assert.Equal(LoopOutcome.Completed, outcome);
        Assert.Equal(0, allocated);
        Assert.Equal(0, collections);
        Assert.Equal(2L * (warmup + frames), Chip(demo).Transactions - tx);
    }

    [Fact]
    public void ShutdownPutsEachServosSafeAngleInTheRegisters()
    {
        using var demo = Build(frames: 60, warmup: 0);
        SimDemo.OnPipelineThread(() => demo.Loop.RunFrames(60));
        demo.Loop.ShutdownOutputs();
        var chip = Chip(demo);
        byte prescale = chip.Register(0xFE);
        for (int ch = 0; ch < 2; ch++)
        {
            var cal = demo.Servos.Calibrations[ch];
            Assert.Equal(Counts(cal, cal.SafeAngleDeg, prescale), chip.Counts(ch).Off);
            Assert.Equal(0, chip.Counts(ch).On);
        }
    }
}
