using Realtime.Core.Reporting;

namespace Realtime.Core.Tests.Reporting;

public sealed class StartupTimelineTests
{
    [Fact]
    public void MarksComeOutInTimeOrderFromProcessStartWhateverOrderTheyWereStampedIn()
    {
        var t = new StartupTimeline();
        // A mark stamped late with an earlier time (another thread's) lands where it happened.
        t.Mark(StartupTimeline.ModelLoaded, 1_050_000_000);
        t.Mark(StartupTimeline.OutputsSafe, 1_004_000_000);
        t.Mark(StartupTimeline.Main, 1_001_500_000);
        var marks = t.ToReport(1_000_000_000);
        Assert.Equal(new[] { StartupTimeline.Main, StartupTimeline.OutputsSafe, StartupTimeline.ModelLoaded }, marks.ConvertAll(m => m.Phase));
        Assert.Equal(new[] { 1.5, 4.0, 50.0 }, marks.ConvertAll(m => m.AtMs));
        Assert.Equal(4.0, t.MsFromStart(StartupTimeline.OutputsSafe, 1_000_000_000));
    }

    [Fact]
    public void AMilestoneKeepsItsFirstTimeAndAnUnknownTimeIsNoMark()
    {
        var t = new StartupTimeline();
        t.Mark(StartupTimeline.FirstActuation, 0);
        t.Mark(StartupTimeline.FirstActuation, -5);
        Assert.Equal(0, t.TimeOf(StartupTimeline.FirstActuation));
        Assert.Equal(0, t.MsFromStart(StartupTimeline.FirstActuation, 1_000));
        t.Mark(StartupTimeline.FirstActuation, 2_000);
        // A report written twice (a crash handler, then the normal path) stamps it once.
        t.Mark(StartupTimeline.FirstActuation, 9_000);
        Assert.Equal(2_000, t.TimeOf(StartupTimeline.FirstActuation));
        Assert.Single(t.ToReport(1_000));
        // An unknown process start gives times from the first mark, never negative ones.
        Assert.Equal(0, t.ToReport(0)[0].AtMs);
        Assert.Equal(0, t.MsFromStart(StartupTimeline.FirstActuation, 0));
    }
}
