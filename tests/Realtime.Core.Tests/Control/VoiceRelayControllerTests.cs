using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Control;

public sealed class VoiceRelayControllerTests
{
    private static bool[] Drive(VoiceRelayController c, params float[] probabilities)
    {
        var applied = new ActuatorCommand { Count = 1 };
        var states = new bool[probabilities.Length];
        for (int i = 0; i < probabilities.Length; i++)
        {
            var next = default(ActuatorCommand);
            c.Update(new VoiceActivity { Probability = probabilities[i], Chunk = i }, in applied, ref next);
            applied = next;
            states[i] = VoiceRelayController.IsClosed(in applied);
        }
        return states;
    }

    [Fact]
    public void ClosesAtTheOnThresholdAndNotBetweenTheThresholds()
    {
        var c = new VoiceRelayController(0.6f, 0.3f, 2);
        Assert.Equal(new[] { false, false, true }, Drive(c, 0.2f, 0.59f, 0.6f));
    }

    [Fact]
    public void OpensOnlyAfterTheHangoverInARowBelowTheOffThreshold()
    {
        var c = new VoiceRelayController(0.6f, 0.3f, 3);
        //                                 close  hold(between) below below back  below below below
        Assert.Equal(new[] { true, true, true, true, true, true, true, false },
            Drive(c, 0.9f, 0.4f, 0.1f, 0.1f, 0.35f, 0.1f, 0.1f, 0.1f));
    }

    [Fact]
    public void AfterTheOutputsWereForcedOpenItClosesAgainOnlyOnSpeech()
    {
        var c = new VoiceRelayController(0.6f, 0.3f, 2);
        var open = new ActuatorCommand { Count = 1 };
        var next = default(ActuatorCommand);
        c.Update(new VoiceActivity { Probability = 0.5f }, in open, ref next);
        Assert.False(VoiceRelayController.IsClosed(in next));
        c.Update(new VoiceActivity { Probability = 0.7f }, in open, ref next);
        Assert.True(VoiceRelayController.IsClosed(in next));
    }

    [Theory]
    [InlineData(200, 32, 7)]
    [InlineData(192, 32, 6)]
    [InlineData(0, 32, 1)]
    public void HangoverMsIsWholeChunksRoundedUp(double ms, double chunkMs, int chunks) =>
        Assert.Equal(chunks, VoiceRelayController.ChunksFor(ms, chunkMs));
}
