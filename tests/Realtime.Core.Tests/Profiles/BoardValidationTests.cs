using System;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// Each mistake in a real board's plan — its pins, its cores, its kernel command line, its timing,
/// its service — is one problem, naming the field, on the board that makes it possible (rpi5 with
/// its header pin map and 4 cores).
/// </summary>
public sealed class BoardValidationTests
{
    private const string Source = "rpi5-edit.json";

    private static string SingleProblem(JsonObject j)
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), Source));
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        Assert.Equal(Source + ": " + ex.Problems[0], ex.Message);
        return ex.Problems[0];
    }

    private static JsonObject Rpi5() => BoardFiles.Json("rpi5");

    [Fact]
    public void TheUnmodifiedRpi5RoundTrippedThroughJsonNodeParses()
    {
        Assert.Equal("rpi5", ProfileLoader.Parse(Rpi5().ToJsonString(), Source).Name);
    }

    [Fact]
    public void AnUnknownPinNamesThePinAndListsTheUsableOnes()
    {
        var j = Rpi5();
        j["pwm"]![0]!["pin"] = 40;
        string p = SingleProblem(j);
        Assert.StartsWith("pwm[0].pin: pin 40 is not in the board's header pin map", p, StringComparison.Ordinal);
        Assert.Contains("11, 12, 13, 15, 32, 33, 35", p, StringComparison.Ordinal);
    }

    [Fact]
    public void APinUsedTwiceIsOneProblemOnTheSecondOutput()
    {
        var j = Rpi5();
        j["pwm"]![1]!["pin"] = 32; // pan's pin; it carries channel 0 while tilt names channel 1: still one message
        Assert.Equal("pwm[1].pin: pin 32 is used twice", SingleProblem(j));
    }

    [Fact]
    public void APinWithoutHardwarePwmIsReported()
    {
        var j = Rpi5();
        j["pwm"]![1]!["pin"] = 11;
        Assert.Equal("pwm[1].pin: pin 11 (GPIO17) has no hardware PWM", SingleProblem(j));
    }

    [Fact]
    public void APinThatCarriesAnotherChannelNamesBoth()
    {
        var j = Rpi5();
        j["pwm"]![1]!["pin"] = 35; // PWM0 channel 3; tilt names channel 1
        Assert.Equal("pwm[1].pin: pin 35 (GPIO19 / PWM0_CHAN3) carries pwmchip2 channel 3, but this output names pwmchip2 channel 1", SingleProblem(j));
    }

    [Fact]
    public void AnOutputWithoutAPinOnABoardWithAHeaderMapIsReported()
    {
        var j = Rpi5();
        ((JsonObject)j["pwm"]![0]!).Remove("pin");
        Assert.StartsWith("pwm[0].pin: this board has a header pin map", SingleProblem(j), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pipeline", 4)]
    [InlineData("capture", 7)]
    [InlineData("watchdog", 4)]
    [InlineData("telemetry", 12)]
    public void ACoreTheBoardLacksIsReportedForEveryThread(string thread, int core)
    {
        var j = Rpi5();
        j["threads"]![thread]!["cores"] = new JsonArray(core);
        Assert.Equal($"threads.{thread}.cores: core {core} does not exist on a 4-core board", SingleProblem(j));
    }

    [Fact]
    public void APipelineCoreTheKernelDoesNotIsolateIsReported()
    {
        var j = Rpi5();
        j["threads"]!["pipeline"]!["cores"] = new JsonArray(2);
        Assert.Equal("threads.pipeline.cores: core 2 is not isolated by the profile's kernel.cmdline (isolcpus=3)", SingleProblem(j));
    }

    [Theory]
    [InlineData("isolcpus=3-4 nohz_full=3 rcu_nocbs=3", "isolcpus=3-4 names core 4, which a 4-core board does not have")]
    [InlineData("isolcpus=3 nohz_full=5 rcu_nocbs=3", "nohz_full=5 names core 5, which a 4-core board does not have")]
    [InlineData("isolcpus=3 nohz_full=3 rcu_nocbs=three", "rcu_nocbs=three: not a CPU list (e.g. 3, 2-3 or 1,3)")]
    public void AKernelCommandLineThatNamesCoresTheBoardLacksIsReported(string cmdline, string expected)
    {
        var j = Rpi5();
        j["kernel"]!["cmdline"] = cmdline;
        Assert.Equal("kernel.cmdline: " + expected, SingleProblem(j));
    }

    [Fact]
    public void IsolcpusFlagsAreAllowed()
    {
        var j = Rpi5();
        j["kernel"]!["cmdline"] = "isolcpus=nohz,domain,managed_irq,3 nohz_full=3 rcu_nocbs=3";
        Assert.Equal(new[] { 3 }, KernelCmdline.Cpus(ProfileLoader.Parse(j.ToJsonString(), Source).Kernel!.Cmdline, "isolcpus"));
    }

    [Fact]
    public void ADeadlineLongerThanThePeriodIsReported()
    {
        var j = Rpi5();
        j["timing"]!["deadline_us"] = 40000; // 30 Hz: 33333 µs
        Assert.Equal("timing.deadline_us: 40000 µs is longer than the period (33333 µs at 30 Hz)", SingleProblem(j));
    }

    [Fact]
    public void BudgetsThatExceedTheDeadlineAreReported()
    {
        var j = Rpi5();
        j["timing"]!["budgets_us"]!["infer"] = 17000; // 2000+1500+17000+500+100+500 = 21600 > 20000
        Assert.Equal("timing.budgets_us: stage budgets add up to 21600 µs, more than the 20000 µs deadline", SingleProblem(j));
    }

    [Fact]
    public void AServiceRunningAsRootIsRefused()
    {
        var j = Rpi5();
        j["service"]!["user"] = "root";
        Assert.StartsWith("service.user: must not be root", SingleProblem(j), StringComparison.Ordinal);
    }

    [Fact]
    public void ASystemdWatchdogShorterThanTwoPeriodsIsReported()
    {
        var j = Rpi5();
        j["timing"]!["rate_hz"] = 0.25;
        j["watchdog"]!["stall_timeout_us"] = 10_000_000; // a stall timeout must exceed the 4 s period too
        j["timing"]!["deadline_us"] = 20000;
        Assert.StartsWith("service.watchdog_sec: 5 s is less than two periods at 0.25 Hz", SingleProblem(j), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownArchitectureIsReported()
    {
        var j = Rpi5();
        j["arch"] = "armhf";
        Assert.StartsWith("arch: unknown architecture 'armhf'", SingleProblem(j), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("i2c", "0x90", "address")]
    [InlineData("i2c", null, "address")]
    [InlineData("can", null, "bus")]
    [InlineData("spi", "0x40", "address")]
    public void ASensorWithABadBusOrAddressIsReported(string bus, string? address, string field)
    {
        var j = Rpi5();
        var sensor = new JsonObject { ["name"] = "imu", ["bus"] = bus, ["device"] = "/dev/i2c-1" };
        if (address is not null) sensor["address"] = address;
        j["sensors"] = new JsonArray(sensor);
        Assert.StartsWith($"sensors[0].{field}: ", SingleProblem(j), StringComparison.Ordinal);
    }

    [Fact]
    public void AHeaderPinListedTwiceIsReported()
    {
        var j = Rpi5();
        ((JsonArray)j["header_pins"]!).Add(new JsonObject { ["pin"] = 11, ["function"] = "again" });
        Assert.Equal("header_pins[7].pin: pin 11 is listed twice", SingleProblem(j));
    }

    [Fact]
    public void AHeaderPinWithAChipButNoChannelIsReported()
    {
        var j = Rpi5();
        j["header_pins"]![4]!["pwm_chip"] = 2; // pin 11, no channel
        Assert.StartsWith("header_pins[4].pwm_chip: pwm_chip and pwm_channel go together", SingleProblem(j), StringComparison.Ordinal);
    }
}
