using System.Text.Json;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Tests.Graph;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Components;

/// <summary>The threshold controller's hysteresis, frame by frame, on a loop ticked by hand.</summary>
public sealed class ThresholdControllerNodeTests
{
    private static NodeConfig Config(string json) => new(JsonDocument.Parse(json).RootElement, "app.nodes[1].config");

    [Fact]
    public void ItTurnsOnAfterOnFramesAboveOnAndOffAfterOffFramesBelowOff()
    {
        var clock = new ManualClock();
        // Frames: two highs (not enough), three highs (on at the 3rd), values between off and on (stays on),
        // one low (not enough), two lows (off at the 2nd).
        float[] scores = { 0.9f, 0.9f, 0f, 0.9f, 0.9f, 0.9f, 0.6f, 0.6f, 0.2f, 0.7f, 0.2f, 0.2f, 0.6f };
        bool[] expected = { false, false, false, false, false, true, true, true, true, true, true, false, false };
        var source = new ScriptedScores("faces", clock, scores);
        var config = Config("""{ "on": 0.8, "off": 0.5, "on_frames": 3, "off_frames": 2 }""");
        var presence = new ThresholdControllerNode("presence", config);
        Assert.Empty(config.Problems);
        var relay = new RecordingSink("relay", safe: 0);
        var graph = new GraphBuilder().Add(source).Add(presence).Add(relay)
            .Connect("faces.detections", "presence.detections").Connect("presence.command", "relay.command").Build();
        var watchdog = new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3);
        using var loop = new GraphLoop(graph, new ClosedLoopOptions { Frames = scores.Length, PeriodNs = 10_000_000, DeadlineNs = 8_000_000 }, watchdog, clock);
        for (int f = 0; f < scores.Length; f++)
        {
            loop.RunFrames(1);
            Assert.True((relay.Output.Values[0] >= 0.5f) == expected[f], $"frame {f}: relay {relay.Output.Values[0]}, expected {(expected[f] ? "on" : "off")}");
        }
        Assert.Equal(2, presence.Switches);
    }

    /// <summary>The relay's state frame by frame for <paramref name="probabilities"/> on the value input.</summary>
    private static bool[] DriveValue(string config, params float[] probabilities)
    {
        var clock = new ManualClock();
        var source = new ScriptedScores("speech", clock, probabilities);
        var c = Config(config);
        var hysteresis = new ThresholdControllerNode("hysteresis", c);
        Assert.Empty(c.Problems);
        var relay = new RecordingSink("relay", safe: 0);
        var graph = new GraphBuilder().Add(source).Add(hysteresis).Add(relay)
            .Connect("speech.value", "hysteresis.value").Connect("hysteresis.command", "relay.command").Build();
        var watchdog = new LoopWatchdog(FaultAction.Skip, FaultAction.Ignore, FaultAction.SafeState, FaultAction.HoldLast, 100, 3);
        using var loop = new GraphLoop(graph, new ClosedLoopOptions { Frames = probabilities.Length, PeriodNs = 10_000_000, DeadlineNs = 8_000_000 }, watchdog, clock);
        var states = new bool[probabilities.Length];
        for (int f = 0; f < probabilities.Length; f++)
        {
            loop.RunFrames(1);
            states[f] = relay.Output.Values[0] >= 0.5f;
        }
        return states;
    }

    [Fact]
    public void OnAProbabilityItClosesAtTheOnLevelAndNotBetweenTheLevels() =>
        Assert.Equal(new[] { false, false, true },
            DriveValue("""{ "input": "value", "on": 0.6, "off": 0.3, "off_frames": 2 }""", 0.2f, 0.59f, 0.6f));

    [Fact]
    public void OnAProbabilityItOpensOnlyAfterTheHangoverInARowBelowTheOffLevel() =>
        //           close hold(between) below below back  below below below: open
        Assert.Equal(new[] { true, true, true, true, true, true, true, false },
            DriveValue("""{ "input": "value", "on": 0.6, "off": 0.3, "off_frames": 3 }""", 0.9f, 0.4f, 0.1f, 0.1f, 0.35f, 0.1f, 0.1f, 0.1f));

    [Fact]
    public void AValueInputTakesAFloatValueNotATensor()
    {
        var c = Config("""{ "input": "value", "on": 0.5 }""");
        var node = new ThresholdControllerNode("hysteresis", c);
        var input = Assert.Single(node.Inputs);
        Assert.Equal("value", input.Name);
        Assert.Equal("value Single", input.Type.ToString());
    }

    [Fact]
    public void AnOffAboveOnIsRefusedNamingTheField()
    {
        var config = Config("""{ "on": 0.5, "off": 0.8 }""");
        _ = new ThresholdControllerNode("presence", config);
        Assert.Contains("app.nodes[1].config.off: must be at most on (0.5), got 0.8: the command would chatter", config.Problems);
    }

    [Fact]
    public void ABadOnIsOneProblemNotASecondAboutOff()
    {
        var config = Config("""{ "on": "0.75", "off": 0.5 }""");
        _ = new ThresholdControllerNode("presence", config);
        Assert.Equal(new[] { "app.nodes[1].config.on: expected a number, got '0.75'" }, config.Problems);
    }
}
