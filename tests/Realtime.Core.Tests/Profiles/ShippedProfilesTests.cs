using System;
using System.Collections.Generic;
using System.Linq;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>Every profile in boards/ loads and validates, and each real board's plan holds together.</summary>
public sealed class ShippedProfilesTests
{
    public static IEnumerable<object[]> Shipped() => BoardFiles.Names().Select(n => new object[] { n });

    private static readonly string[] RealBoards = { "rpi4", "rpi5", "jetson-orin-nano", "generic-x86", "generic-x86-pca9685" };

    [Fact]
    public void TheShippedSetIsTheFourBoardsTheirVariantsTheSimAndTheDemoOverlay()
    {
        Assert.Equal(new[] { "generic-x86", "generic-x86-pca9685", "jetson-orin-nano", "rpi4", "rpi4-tracker-15hz", "rpi5", "sim" }, BoardFiles.Names());
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void EveryShippedProfileLoadsWithNoProblemAndIsNamedAfterItsFile(string name)
    {
        var p = BoardFiles.Load(name);
        Assert.Empty(ProfileLoader.Validate(p));
        Assert.Equal(name, p.Name);
        Assert.False(string.IsNullOrWhiteSpace(p.Description));
        // Every model the board's graph runs is pinned by its hash.
        var models = p.App!.Nodes.FindAll(n => n.Type == "onnx-model");
        Assert.NotEmpty(models);
        Assert.All(models, n => Assert.NotNull(n.ConfigText("sha256")));
        Assert.Equal(6, p.Timing.BudgetsUs.Count);
        Assert.Equal(2, p.Pwm.Count);
        Assert.NotEqual("root", p.Service.User);
    }

    [Theory]
    [InlineData("rpi4", "arm64", 4, new[] { 12, 35 }, new[] { 3 })]
    [InlineData("rpi5", "arm64", 4, new[] { 32, 33 }, new[] { 3 })]
    [InlineData("jetson-orin-nano", "arm64", 6, new[] { 15, 33 }, new[] { 5 })]
    public void HeaderBoardsPinTheirServosToHardwarePwmPinsAndIsolateThePipelineCore(string name, string arch, int cores, int[] pins, int[] pipeline)
    {
        var p = BoardFiles.Load(name);
        Assert.Equal(arch, p.Arch);
        Assert.Equal(cores, p.CpuCores);
        Assert.False(p.Simulated);
        Assert.Equal("v4l2-camera", p.App!.Nodes[0].Type);
        Assert.Equal(pins, p.Pwm.Select(o => o.Pin!.Value).ToArray());
        foreach (var o in p.Pwm)
        {
            var h = Assert.Single(p.HeaderPins!, x => x.Pin == o.Pin);
            Assert.Equal((o.Chip, o.Channel), (h.PwmChip!.Value, h.PwmChannel!.Value));
        }
        Assert.Equal(pipeline, p.Threads.Pipeline.Cores);
        AssertIsolates(p, pipeline);
    }

    [Fact]
    public void TheX86BoardDrivesAPca9685OnI2cAndHasNoHeader()
    {
        var p = BoardFiles.Load("generic-x86");
        Assert.Equal("x64", p.Arch);
        Assert.Null(p.HeaderPins);
        var s = Assert.Single(p.Sensors);
        Assert.Equal(("i2c", "0x40"), (s.Bus, s.Address));
        AssertIsolates(p, p.Threads.Pipeline.Cores.ToArray());
    }

    [Fact]
    public void TheX86Pca9685VariantKeepsThePcAndPutsTheServosOnAUserSpacePca9685WithAPowerMonitor()
    {
        var x86 = BoardFiles.Load("generic-x86");
        var p = BoardFiles.Load("generic-x86-pca9685");
        Assert.Equal(x86.Threads.Pipeline.Cores, p.Threads.Pipeline.Cores);
        Assert.Equal(x86.Kernel!.Cmdline, p.Kernel!.Cmdline);
        Assert.Equal(new[] { 0, 1 }, p.Pwm.Select(o => o.Channel).ToArray());
        Assert.All(p.Pwm, o => Assert.Equal(("/dev/i2c-1", "0x40"), (o.Pca9685!.Device, o.Pca9685.Address)));
        Assert.All(p.Pwm, o => Assert.Null(o.Pin));
        var monitor = Assert.Single(p.Sensors);
        Assert.Equal(("ina219", "0x41", 0.1, 3.2), (monitor.Chip, monitor.Address, monitor.ShuntOhms, monitor.MaxCurrentA));
    }

    private static void AssertIsolates(BoardProfile p, int[] cores)
    {
        string cmdline = p.Kernel!.Cmdline;
        foreach (string param in new[] { "isolcpus", "nohz_full", "rcu_nocbs" })
        {
            var set = KernelCmdline.Cpus(cmdline, param);
            Assert.True(set is not null, $"{p.Name}: kernel.cmdline has no {param}=");
            Assert.Superset(new SortedSet<int>(cores), set!);
        }
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void EveryRealBoardPlansEachThreadOnItsOwnCoresWithTheWatchdogHighest(string name)
    {
        var p = BoardFiles.Load(name);
        if (Array.IndexOf(RealBoards, p.Name) < 0 && p.Name != "rpi4-tracker-15hz")
        {
            Assert.True(p.Simulated, $"{name} is neither a real board nor simulated");
            return;
        }
        var t = p.Threads;
        Assert.NotNull(t.Capture);
        Assert.NotNull(t.Watchdog);
        Assert.NotNull(t.Telemetry);
        Assert.True(t.Watchdog!.Priority > t.Pipeline.Priority && t.Pipeline.Priority > t.Capture!.Priority, $"{name}: watchdog > pipeline > capture");
        Assert.Empty(t.Pipeline.Cores.Intersect(t.Capture!.Cores.Concat(t.Telemetry!.Cores).Concat(t.Watchdog.Cores)));
    }

    [Fact]
    public void TheDemoOverlayTakesTheBoardFromRpi4AndTheTimingFromItself()
    {
        var rpi4 = BoardFiles.Load("rpi4");
        var overlay = BoardFiles.Load("rpi4-tracker-15hz");
        Assert.Equal(15, overlay.Timing.RateHz);
        Assert.Equal(50000, overlay.Timing.DeadlineUs);
        Assert.Equal(30, overlay.Timing.WarmupFrames);                 // merged from rpi4's timing
        // Its face-tracker graph (restated whole: lists replace) has the gentler gains and the 15 Hz camera.
        var tracker = overlay.App!.Nodes.Single(n => n.Type == "pan-tilt").Config!.Value;
        Assert.Equal(0.3, tracker.GetProperty("kp").GetDouble());
        Assert.Equal(rpi4.App!.Nodes.Single(n => n.Type == "pan-tilt").Config!.Value.GetProperty("max_step_deg").GetDouble(), tracker.GetProperty("max_step_deg").GetDouble());
        Assert.Equal(15, overlay.App.Nodes.Single(n => n.Type == "v4l2-camera").Config!.Value.GetProperty("rate_hz").GetDouble());
        Assert.Equal(rpi4.Pwm.Select(o => (o.Chip, o.Channel, o.Pin)), overlay.Pwm.Select(o => (o.Chip, o.Channel, o.Pin)));
        Assert.Equal(rpi4.Kernel!.Cmdline, overlay.Kernel!.Cmdline);
        Assert.Equal(rpi4.HeaderPins!.Count, overlay.HeaderPins!.Count);
    }
}
