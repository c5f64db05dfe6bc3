using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Realtime.EndToEnd.Tests;

/// <summary>
/// The sim board's face tracker pipelined (<c>app.pipeline</c>: camera and preprocessing on core 0,
/// the model, decoder, controller and servos on core 1) through the published NativeAOT binary:
/// each stage group's thread as the kernel reports it, 0 B a frame on every one, drops counted; and
/// the plans a profile may not ask for, refused in one line naming the field.
/// </summary>
public sealed class PipelinedFaceTrackerRunTests
{
    private const string TwoGroups =
        "app.pipeline=[{\"nodes\":[\"camera\",\"pre\"],\"cores\":[0],\"priority\":70},{\"nodes\":[\"blazeface\",\"faces\",\"tracker\",\"servos\",\"park\"],\"cores\":[1],\"priority\":80}]";

    [Fact]
    public void EachStageGroupRunsOnItsCoreAndPolicyAsTheKernelReportsItAndAllocatesNothing()
    {
        string dir = Rtapp.TempDir();
        string report = Path.Combine(dir, "report.json");
        var r = Rtapp.Run(TimeSpan.FromMinutes(3), "run", "--board", "sim", "--demo", "face-tracker", "--frames", "300", "--set", TwoGroups, "--report", report);
        Assert.True(r.ExitCode == 0, r.ToString());

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var j = doc.RootElement;
        Assert.Equal("completed", j.GetProperty("outcome").GetString());
        Assert.Equal(300, j.GetProperty("frames").GetInt32());
        // Each frame's latency is still counted from its capture to its actuation, in every stage.
        Assert.Equal(300, j.GetProperty("end_to_end").GetProperty("count").GetInt32());
        foreach (string stage in new[] { "capture", "preprocess", "infer", "decode", "control", "actuate" })
            Assert.Equal(300, j.GetProperty("stages").GetProperty(stage).GetProperty("count").GetInt32());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_frame").GetDouble());
        Assert.Equal(0, j.GetProperty("gc_collections").GetInt32());

        var groups = j.GetProperty("pipeline");
        Assert.Equal(2, groups.GetArrayLength());
        Assert.Equal(new[] { "camera", "pre" }, Names(groups[0].GetProperty("nodes")));
        Assert.Equal(new[] { "blazeface", "faces", "tracker", "park", "servos" }, Names(groups[1].GetProperty("nodes")));
        var tids = new HashSet<int>();
        long dropped = 0;
        int[] cores = { 0, 1 }, priorities = { 70, 80 };
        for (int g = 0; g < 2; g++)
        {
            var group = groups[g];
            var sched = group.GetProperty("scheduling");
            Assert.True(tids.Add(sched.GetProperty("tid").GetInt32()), "each group has a thread of its own");
            Assert.True(group.GetProperty("counted_frames").GetInt64() > 0, group.ToString());
            Assert.Equal(0, group.GetProperty("allocated_bytes").GetInt64());
            Assert.Equal(0, group.GetProperty("alloc_bytes_per_frame").GetDouble());
            dropped += group.GetProperty("dropped_at_input").GetInt64();
            if (sched.GetProperty("policy").GetString() == "SCHED_FIFO")
            {
                // Read back twice: sched_getscheduler/sched_getaffinity, and the thread's own /proc/self/task/TID/stat.
                Assert.Equal(priorities[g], sched.GetProperty("priority").GetInt32());
                Assert.Equal(new[] { cores[g] }, Ints(sched.GetProperty("affinity")));
                Assert.Equal("SCHED_FIFO", group.GetProperty("proc_policy").GetString());
                Assert.Equal(priorities[g], group.GetProperty("proc_priority").GetInt32());
                Assert.Equal(cores[g], group.GetProperty("proc_core").GetInt32());
            }
            else
            {
                Assert.Contains("SCHED_FIFO", j.GetProperty("scheduling").GetProperty("notes").GetRawText() + sched.GetProperty("notes").GetRawText());
            }
        }
        Assert.Equal(0, groups[0].GetProperty("dropped_at_input").GetInt64());
        // Frames overtaken between the groups (newest wins) are dropped frames of the run.
        Assert.True(j.GetProperty("dropped_frames").GetInt64() >= dropped);
    }

    [Theory]
    [InlineData("app.pipeline=[{\"nodes\":[\"camera\",\"pre\"]},{\"nodes\":[\"blazeface\",\"nope\"]}]", "app.pipeline[1].nodes: no node is named 'nope'")]
    [InlineData("app.pipeline=[{\"nodes\":[\"camera\",\"pre\"]},{\"nodes\":[\"pre\",\"blazeface\"]}]", "app.pipeline[1].nodes: 'pre' is already in app.pipeline[0]; a node runs in one group")]
    [InlineData("app.pipeline=[{\"nodes\":[\"camera\",\"pre\"],\"cores\":[1]},{\"nodes\":[\"blazeface\"],\"cores\":[1]}]", "app.pipeline[1].cores: core 1 is also app.pipeline[0]'s: each stage group runs on cores of its own")]
    [InlineData("app.pipeline=[{\"nodes\":[\"camera\",\"pre\",\"faces\"]},{\"nodes\":[\"blazeface\"]}]", "app.pipeline[0]: 'faces' reads 'blazeface.")]
    [InlineData("app.pipeline=[{\"nodes\":[\"camera\",\"pre\",\"tracker\"]},{\"nodes\":[\"blazeface\"]}]", "app.pipeline[0]: 'tracker' feeds an output")]
    public void APlanThatCannotRunIsOneLineNamingTheFieldAndExit2(string set, string expected)
    {
        var r = Rtapp.Run(TimeSpan.FromMinutes(2), "run", "--board", "sim", "--demo", "face-tracker", "--frames", "10", "--set", set);
        Assert.True(r.ExitCode == 2, r.ToString());
        string line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(expected, line);
    }

    private static string[] Names(JsonElement array)
    {
        var names = new List<string>();
        foreach (var e in array.EnumerateArray()) names.Add(e.GetString()!);
        return names.ToArray();
    }

    private static int[] Ints(JsonElement array)
    {
        var values = new List<int>();
        foreach (var e in array.EnumerateArray()) values.Add(e.GetInt32());
        return values.ToArray();
    }
}
