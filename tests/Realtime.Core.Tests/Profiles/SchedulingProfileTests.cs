using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>The profile's <c>scheduling</c> section and the pipeline's SCHED_DEADLINE runtime: read as written, each mistake one problem naming its field.</summary>
public sealed class SchedulingProfileTests
{
    private static string OneProblem(params string[] sets)
    {
        var ex = Assert.Throws<ProfileException>(() => BoardFiles.Load("sim", sets));
        Assert.True(ex.Problems.Count == 1, ex.Message);
        return ex.Problems[0];
    }

    [Fact]
    public void ASchedulingSectionIsReadWithItsDefaultRange()
    {
        Assert.Null(BoardFiles.Load("sim").Scheduling);
        var p = BoardFiles.Load("sim", "scheduling.policy=fixed-priority");
        Assert.Equal("fixed-priority", p.Scheduling!.Policy);
        Assert.Equal(new[] { 50, 79 }, p.Scheduling.Priorities);
        var edf = BoardFiles.Load("sim", "scheduling.policy=edf", "scheduling.priorities=[10, 20]", "threads.pipeline.runtime_us=4000");
        Assert.Equal(new[] { 10, 20 }, edf.Scheduling!.Priorities);
        Assert.Equal(4000, edf.Threads.Pipeline.RuntimeUs);
        Assert.Equal(1, edf.Scheduling.InferenceSlots);
        Assert.Equal(2, BoardFiles.Load("sim", "scheduling.inference_slots=2", "scheduling.shared_accelerator=true").Scheduling!.InferenceSlots);
    }

    [Theory]
    [InlineData("scheduling.policy=rate-monotonic", "scheduling.policy: unknown policy 'rate-monotonic' (expected manual, fixed-priority or edf)")]
    [InlineData("scheduling.priorities=[60]", "scheduling.priorities: [lowest, highest] within 1..99, lowest first; got [60]")]
    [InlineData("scheduling.priorities=[70, 60]", "scheduling.priorities: [lowest, highest] within 1..99, lowest first; got [70, 60]")]
    [InlineData("scheduling.priorities=[0, 60]", "scheduling.priorities: [lowest, highest] within 1..99, lowest first; got [0, 60]")]
    [InlineData("scheduling.priorities=[60, 95]", "scheduling.priorities: the highest, 95, must be below threads.watchdog.priority 90: the watchdog must be able to preempt a stuck loop")]
    [InlineData("scheduling.inference_slots=0", "scheduling.inference_slots: must be 1..64 inferences at once, got 0")]
    [InlineData("threads.pipeline.runtime_us=0", "threads.pipeline.runtime_us: must be a positive time in µs, got 0")]
    public void AMistakeIsOneProblemNamingItsField(string set, string problem) => Assert.Equal(problem, OneProblem(set));
}
