using System;
using System.Collections.Generic;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos.Components;
using Realtime.Gpio;
using Realtime.Tests;

namespace Realtime.Demos.Tests.Components;

/// <summary>
/// <c>line-track-camera</c> on its own: it drives the robot from the channels a motor sink opened
/// (looked up at Start, so the sink may come later), one loop period of simulated time per tick
/// with dropped ticks included, renders what the robot sees, and names what is wrong with its config.
/// </summary>
public sealed class LineTrackCameraNodeTests
{
    private static BoardProfile Board(bool simulated = true) => new()
    {
        Simulated = simulated,
        Timing = new TimingProfile { RateHz = 10 },
        Pwm = new List<PwmOutputProfile>
        {
            new() { Name = "left-motor", Chip = 0, Channel = 0 },
            new() { Name = "right-motor", Chip = 0, Channel = 1 },
        },
    };

    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement.Clone(), "app.nodes[1].config");

    [Fact]
    public void TheRobotDrivesOnWhatTheMotorChannelsCarryOnePeriodPerTickDroppedTicksIncluded()
    {
        using var context = new ComponentContext(Board(), "board.json");
        var node = (LineTrackCameraNode)LineTrackCameraNode.Create("robot", Config("""{ "pwm": [0, 1], "motor_time_constant_s": 0 }"""), context);
        // The sink opens its channels after the source was created: half speed forward on both wheels.
        var opener = PwmChannelOpener.For(context);
        for (int i = 0; i < 2; i++)
        {
            var output = PwmOutputs.Motor(context.Board.Pwm[i]);
            context.Own(opener.Open(output, output.Calibration.DutyCycleFor(0.5)));
        }
        node.Start();
        var camera = node.Camera!;
        double x0 = camera.Plant.X, y0 = camera.Plant.Y;
        node.OnTick(0);
        node.Process();
        Assert.Equal(CaptureStatus.Ok, node.Status);
        node.OnTick(10); // ticks 1..9 were dropped: a second of simulated time went by
        Assert.Equal(1.0, camera.Plant.TimeS, 9);
        // 20 cm/s straight ahead (the start line runs along +x) for one second.
        Assert.Equal(20, Math.Sqrt((camera.Plant.X - x0) * (camera.Plant.X - x0) + (camera.Plant.Y - y0) * (camera.Plant.Y - y0)), 6);
        Assert.Equal(20, camera.Laps.ProgressCm, 1);
        Assert.Equal((float)Math.Abs(camera.CrossTrackCm), node.FrameMetric);
        node.Process();
        Assert.Equal(320, node.Image.Payload.Frame.Width);
        Assert.True(node.CaptureNs > 0);
        Assert.Equal(0, Allocated(() => { node.OnTick(11); node.Process(); }));
    }

    [Fact]
    public void WithoutAMotorSinkOnItsChannelsStartNamesTheField()
    {
        using var context = new ComponentContext(Board(), "board.json");
        var node = LineTrackCameraNode.Create("robot", Config("""{ "pwm": [0, 1] }"""), context);
        var ex = Assert.Throws<InvalidOperationException>(node.Start);
        Assert.StartsWith("app.nodes[1].config.pwm[0]: no motor sink opened pwm 'left-motor'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "pwm": [0, 1], "corner_radius_cm": 80 }""", "app.nodes[1].config.corner_radius_cm: 80 cm corners do not fit a 220×140 cm track (width and height must be at least twice the radius)")]
    [InlineData("""{ "pwm": [0] }""", "app.nodes[1].config.pwm: two motors (left, right), got 1")]
    [InlineData("""{ "pwm": [0, 2] }""", "app.nodes[1].config.pwm[1]: the board has 2 pwm outputs, got 2")]
    [InlineData("""{ "pwm": [0, 1], "view_width_cm": 0 }""", "app.nodes[1].config.view_width_cm: must be between 0.1 and 200, got 0")]
    public void ABadConfigIsOneProblemNamingTheField(string json, string problem)
    {
        using var context = new ComponentContext(Board(), "board.json");
        var config = Config(json);
        Assert.Null(LineTrackCameraNode.Create("robot", config, context));
        Assert.Equal(problem, Assert.Single(config.Problems));
    }

    [Fact]
    public void ARealBoardIsRefused()
    {
        using var context = new ComponentContext(Board(simulated: false), "board.json");
        var config = Config("""{ "pwm": [0, 1] }""");
        Assert.Null(LineTrackCameraNode.Create("robot", config, context));
        Assert.StartsWith("app.nodes[1].config.pwm: the simulated robot reads simulated motor channels", Assert.Single(config.Problems), StringComparison.Ordinal);
    }

    private static long Allocated(Action a) => ThreadAllocations.Least(a, n: 1, warm: 1);
}
