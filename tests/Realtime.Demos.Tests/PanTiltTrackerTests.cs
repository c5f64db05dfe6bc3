using System;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;
using Realtime.Demos;

namespace Realtime.Demos.Tests;

/// <summary>The pan/tilt face tracker's signs, hold, clamping and reset, and the tracking-error metric.</summary>
public sealed class PanTiltTrackerTests
{
    private const int W = 320, H = 240;
    // 64° over 320 px: 0.2° per pixel, so 50 px off centre is a 10° error.
    private const double Hfov = 64;

    private static PanTiltTracker Make(double kp = 0.5, double ki = 0, double outputLimit = 100) =>
        new(new PidGains(kp, ki, 0, 100, outputLimit), Hfov, W, H, 1.0 / 30, (-45, 45), (-30, 30));

    private static FaceDetection Face(float cx, float cy) => new()
    {
        Count = 1,
        Best = new FaceBox { CenterX = cx, CenterY = cy, Width = 40, Height = 40, Score = 0.9f },
        FrameWidth = W,
        FrameHeight = H,
    };

    private static FaceDetection NoFace() => new() { Count = 0, FrameWidth = W, FrameHeight = H };

    private static ActuatorCommand Command(float pan, float tilt)
    {
        var c = new ActuatorCommand { Count = 2 };
        c.Values[0] = pan;
        c.Values[1] = tilt;
        return c;
    }

    [Fact]
    public void FaceRightOfCentreIncreasesPanByKpTimesTheAngleError()
    {
        var t = Make(kp: 0.5);
        var applied = Command(1, 2);
        var next = default(ActuatorCommand);
        t.Update(Face(W / 2 + 50, H / 2), in applied, ref next);
        Assert.Equal(2, next.Count);
        Assert.Equal(1 + 0.5 * 10, next.Values[0], 4);
        Assert.Equal(2f, next.Values[1], 4); // centred vertically: tilt unchanged
    }

    [Fact]
    public void FaceLeftOfCentreDecreasesPan()
    {
        var t = Make(kp: 0.5);
        var applied = Command(0, 0);
        var next = default(ActuatorCommand);
        t.Update(Face(W / 2 - 25, H / 2), in applied, ref next);
        Assert.Equal(-2.5f, next.Values[0], 4);
    }

    [Fact]
    public void FaceBelowCentreIncreasesTilt()
    {
        var t = Make(kp: 0.5);
        var applied = Command(0, 0);
        var next = default(ActuatorCommand);
        t.Update(Face(W / 2, H / 2 + 50), in applied, ref next);
        Assert.Equal(0f, next.Values[0], 4);
        Assert.Equal(5f, next.Values[1], 4);
    }

    [Fact]
    public void NoFaceHoldsTheAppliedCommand()
    {
        var t = Make();
        var applied = Command(12.5f, -7.25f);
        var next = Command(99, 99);
        t.Update(NoFace(), in applied, ref next);
        Assert.Equal(2, next.Count);
        Assert.Equal(12.5f, next.Values[0]);
        Assert.Equal(-7.25f, next.Values[1]);
    }

    [Fact]
    public void NoFaceResetsTheControllersSoTheNextStepIsAFreshOne()
    {
        var used = Make(kp: 0.5, ki: 3);
        var fresh = Make(kp: 0.5, ki: 3);
        var applied = Command(0, 0);
        var next = default(ActuatorCommand);
        for (int i = 0; i < 5; i++) used.Update(Face(W / 2 + 40, H / 2 + 40), in applied, ref next); // integral builds up
        used.Update(NoFace(), in applied, ref next);

        var a = default(ActuatorCommand);
        var b = default(ActuatorCommand);
        used.Update(Face(W / 2 + 10, H / 2 - 10), in applied, ref a);
        fresh.Update(Face(W / 2 + 10, H / 2 - 10), in applied, ref b);
        Assert.Equal(b.Values[0], a.Values[0]);
        Assert.Equal(b.Values[1], a.Values[1]);
    }

    [Fact]
    public void CommandClampsAtThePanAndTiltRangeLimits()
    {
        var t = Make(kp: 1);
        var next = default(ActuatorCommand);
        var high = Command(44, 29);
        t.Update(Face(W / 2 + 100, H / 2 + 100), in high, ref next);
        Assert.Equal(45f, next.Values[0]);
        Assert.Equal(30f, next.Values[1]);

        var low = Command(-44, -29);
        t.Update(Face(W / 2 - 100, H / 2 - 100), in low, ref next);
        Assert.Equal(-45f, next.Values[0]);
        Assert.Equal(-30f, next.Values[1]);
    }

    [Fact]
    public void StepPerFrameIsLimitedByTheOutputLimit()
    {
        var t = Make(kp: 1, outputLimit: 2);
        var applied = Command(0, 0);
        var next = default(ActuatorCommand);
        t.Update(Face(W / 2 + 150, H / 2), in applied, ref next); // 30° error, 2° step
        Assert.Equal(2f, next.Values[0], 4);
    }

    [Fact]
    public void ConstructorRejectsANonPositiveFieldOfViewOrImageSize()
    {
        var g = new PidGains(1, 0, 0, 1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PanTiltTracker(g, 0, W, H, 0.03, (-1, 1), (-1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PanTiltTracker(g, 60, 0, H, 0.03, (-1, 1), (-1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PanTiltTracker(g, 60, W, 0, 0.03, (-1, 1), (-1, 1)));
    }

    [Fact]
    public void CenteringErrorIsTheEuclideanDistanceFromTheImageCentre()
    {
        Assert.Equal(50f, CenteringError.Of(W / 2 + 30, H / 2 - 40, W, H), 4);
        Assert.Equal(0f, CenteringError.Of(W / 2, H / 2, W, H), 4);
    }
}
