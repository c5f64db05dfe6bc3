using System;
using Realtime.Gpio;

namespace Realtime.Sim.Tests;

/// <summary>The robot's kinematics against motion worked out by hand.</summary>
public sealed class DifferentialDrivePlantTests
{
    private static readonly MotorCalibration Cal = new(50, 1000, 1500, 2000);

    private static (DifferentialDrivePlant Plant, SimulatedPwmChannel Left, SimulatedPwmChannel Right) Robot(double tau = 0, double x = 0, double y = 0, double heading = 0)
    {
        var left = new SimulatedPwmChannel(0, 0, 50, Cal.DutyCycleFor(0));
        var right = new SimulatedPwmChannel(0, 1, 50, Cal.DutyCycleFor(0));
        var plant = new DifferentialDrivePlant(left, Cal, right, Cal, new DriveParameters(WheelBaseCm: 12, MaxWheelCmPerS: 40, MotorTimeConstantS: tau), x, y, heading);
        return (plant, left, right);
    }

    [Fact]
    public void EqualWheelsDriveStraightAtTheCommandedSpeed()
    {
        var (plant, l, r) = Robot(heading: Math.PI / 2);
        l.DutyCycle = Cal.DutyCycleFor(0.5);
        r.DutyCycle = Cal.DutyCycleFor(0.5);
        plant.AdvanceTo(2.0);
        // 0.5 × 40 cm/s for 2 s = 40 cm along +y.
        Assert.Equal(0, plant.X, 6);
        Assert.Equal(40, plant.Y, 6);
        Assert.Equal(Math.PI / 2, plant.Heading, 9);
        Assert.Equal(40, plant.OdometerCm, 6);
    }

    [Fact]
    public void OppositeWheelsTurnInPlace()
    {
        var (plant, l, r) = Robot();
        l.DutyCycle = Cal.DutyCycleFor(-0.25);
        r.DutyCycle = Cal.DutyCycleFor(0.25);
        // ω = (10 − (−10)) / 12 rad/s: a quarter turn takes (π/2) / (20/12) s.
        double quarter = Math.PI / 2 / (20.0 / 12);
        plant.AdvanceTo(quarter);
        Assert.Equal(0, plant.X, 9);
        Assert.Equal(0, plant.Y, 9);
        Assert.Equal(Math.PI / 2, plant.Heading, 6);
        Assert.Equal(0, plant.OdometerCm, 9);
    }

    [Fact]
    public void UnequalWheelsFollowAnArcOfTheKnownRadius()
    {
        var (plant, l, r) = Robot();
        l.DutyCycle = Cal.DutyCycleFor(0.25); // 10 cm/s
        r.DutyCycle = Cal.DutyCycleFor(0.75); // 30 cm/s
        // v = 20 cm/s, ω = 20/12 rad/s: radius 12 cm about (0, 12); half a turn ends at (0, 24) heading −x.
        double half = Math.PI / (20.0 / 12);
        for (int k = 1; k <= 100; k++)
        {
            plant.AdvanceTo(half * k / 100);
            double dx = plant.X, dy = plant.Y - 12;
            Assert.Equal(12, Math.Sqrt(dx * dx + dy * dy), 6);
        }
        Assert.Equal(0, plant.X, 6);
        Assert.Equal(24, plant.Y, 6);
        Assert.Equal(Math.PI, Math.Abs(plant.Heading), 6);
    }

    [Fact]
    public void TheMotorLagsItsCommandByItsTimeConstant()
    {
        var (plant, l, r) = Robot(tau: 0.1);
        l.DutyCycle = Cal.DutyCycleFor(1);
        r.DutyCycle = Cal.DutyCycleFor(1);
        plant.AdvanceTo(0.1);
        // After one time constant a first-order lag has covered 1 − 1/e of the step.
        Assert.Equal(40 * (1 - Math.Exp(-1)), plant.LeftCmPerS, 6);
        plant.AdvanceTo(1.0);
        Assert.Equal(40, plant.RightCmPerS, 2);
        // Stopping the motors (the safe state) brings the robot to rest.
        l.DutyCycle = Cal.DutyCycleFor(0);
        r.DutyCycle = Cal.DutyCycleFor(0);
        plant.AdvanceTo(2.0);
        Assert.Equal(0, plant.LeftCmPerS, 2); // e^−10 of the speed is left
        double y = plant.Y, x = plant.X;
        plant.AdvanceTo(3.0);
        Assert.Equal(x, plant.X, 2);
        Assert.Equal(y, plant.Y, 2);
    }
}
