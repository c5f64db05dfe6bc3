using System;

namespace Realtime.Sim.Tests;

/// <summary>The track's geometry, projection and lap counting.</summary>
public sealed class LineTrackTests
{
    private static readonly LineTrack Track = new(220, 140, 40, 2.5);

    [Fact]
    public void LengthIsTheStraightsPlusOneCircle()
    {
        Assert.Equal(2 * (220 - 80) + 2 * (140 - 80) + 2 * Math.PI * 40, Track.Length, 9);
        var (x, y, h) = Track.At(0);
        Assert.Equal((0.0, -70.0, 0.0), (x, y, h));
        // A quarter of the way round a symmetric track is the middle of the right straight... only
        // when the sides are equal; check known pieces instead: the right straight's middle.
        double toRightMiddle = 70 + Math.PI * 20 + 30;
        var right = Track.At(toRightMiddle);
        Assert.Equal(110, right.X, 9);
        Assert.Equal(0, right.Y, 9);
        Assert.Equal(Math.PI / 2, right.Heading, 9);
        var end = Track.At(Track.Length - 1e-9);
        Assert.Equal(0, end.X, 6);
        Assert.Equal(-70, end.Y, 6);
    }

    [Fact]
    public void ProjectGivesProgressAndSignedDistance()
    {
        // 5 cm inside the bottom straight, 30 cm along it: left of travel, positive.
        var (s, d) = Track.Project(30, -65);
        Assert.Equal(30, s, 1);
        Assert.Equal(5, d, 3);
        (s, d) = Track.Project(30, -78);
        Assert.Equal(-8, d, 3);
        // In a corner: the centre of the bottom-right arc is 40 cm from the line; 10 cm from the centre is 30 cm inside.
        (_, d) = Track.Project(70 + 10 / Math.Sqrt(2), -30 - 10 / Math.Sqrt(2));
        Assert.Equal(30, d, 1);
        // Every centreline point projects onto itself.
        for (double q = 0; q < Track.Length; q += 17.3)
        {
            var p = Track.At(q);
            var (ps, pd) = Track.Project(p.X, p.Y);
            Assert.Equal(0, pd, 2);
            double ds = Math.Abs(ps - q);
            Assert.True(Math.Min(ds, Track.Length - ds) < 0.05, $"s {q} projected to {ps}");
        }
    }

    [Fact]
    public void ALapCountsOnceAfterTheWholeLengthAndNotByGoingBackwards()
    {
        var laps = new LapCounter(Track.Length);
        double speed = 20; // cm/s
        double lapTime = Track.Length / speed;
        for (int k = 0; k <= 1000; k++)
        {
            double t = k * 0.05;
            laps.Update((speed * t) % Track.Length, t);
            if (t < lapTime - 0.05) Assert.False(laps.LapCompleted, $"lap at {t}");
        }
        Assert.True(laps.LapCompleted);
        Assert.Equal(lapTime, laps.LapTimeS, 6);

        // Oscillating over the start line never completes a lap.
        var wobble = new LapCounter(Track.Length);
        for (int k = 0; k < 200; k++) wobble.Update(k % 2 == 0 ? Track.Length - 3 : 3, k * 0.1);
        Assert.False(wobble.LapCompleted);
        Assert.InRange(wobble.ProgressCm, -0.1, 6.1);

        // Driving backwards a whole lap is not a lap.
        var reverse = new LapCounter(Track.Length);
        for (int k = 0; k <= 400; k++) reverse.Update(((Track.Length - 2 * k) % Track.Length + Track.Length) % Track.Length, k);
        Assert.False(reverse.LapCompleted);
        Assert.True(reverse.ProgressCm < -Track.Length);
    }
}
