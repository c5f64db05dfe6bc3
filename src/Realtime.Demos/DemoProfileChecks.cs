using System;
using System.Collections.Generic;
using System.Globalization;
using Realtime.Core.Profiles;

namespace Realtime.Demos;

/// <summary>
/// What each demo needs of a profile beyond the loader's own checks, as "field: problem" lines:
/// the host runs the chosen demo's check where it loads the profile, and the problems join the
/// loader's in one error naming the file.
/// </summary>
public static class DemoProfileChecks
{
    /// <summary>The face tracker: two servos (pan, tilt) and, on a simulated board, the pan/tilt plant.</summary>
    public static IReadOnlyList<string> FaceTracker(BoardProfile p)
    {
        var e = new List<string>();
        if (p.Pwm.Count != 2) e.Add($"pwm: the face tracker needs exactly two PWM outputs (pan, tilt), got {p.Pwm.Count}");
        CheckPlant(p, e);
        return e;
    }

    /// <summary>A simulated board's plant, which the camera demos' simulation closes the loop through.</summary>
    private static void CheckPlant(BoardProfile p, List<string> e)
    {
        if (!p.Simulated) return;
        var plant = p.Plant;
        if (plant is null)
        {
            e.Add("plant: a simulated board needs a plant");
            return;
        }
        if (!(plant.ServoRateDegPerS > 0 && plant.ServoRateDegPerS <= 100_000)) e.Add($"plant.servo_rate_deg_per_s: must be above 0 and at most 100000, got {F(plant.ServoRateDegPerS)}");
        // The mount starts where its servos can be: pan is the first output, tilt the second.
        if (p.Pwm.Count > 0 && OutsideRange(p.Pwm[0], plant.StartPanDeg)) e.Add($"plant.start_pan_deg: {F(plant.StartPanDeg)} is outside pwm[0]'s {F(p.Pwm[0].MinAngleDeg)}..{F(p.Pwm[0].MaxAngleDeg)}");
        if (p.Pwm.Count > 1 && OutsideRange(p.Pwm[1], plant.StartTiltDeg)) e.Add($"plant.start_tilt_deg: {F(plant.StartTiltDeg)} is outside pwm[1]'s {F(p.Pwm[1].MinAngleDeg)}..{F(p.Pwm[1].MaxAngleDeg)}");
        if (!(plant.WorldScale >= 1 && plant.WorldScale <= 16)) e.Add($"plant.world_scale: must be 1..16, got {F(plant.WorldScale)}");
        if (plant.SettleFrames < 0 || plant.SettleFrames > ProfileLoader.MaxFrames) e.Add($"plant.settle_frames: must be 0..{ProfileLoader.MaxFrames}, got {plant.SettleFrames}");
    }

    private static bool OutsideRange(PwmOutputProfile o, double angle) => !(angle >= o.MinAngleDeg && angle <= o.MaxAngleDeg);

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
