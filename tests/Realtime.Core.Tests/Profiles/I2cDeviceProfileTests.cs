using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Core.Profiles;
using Realtime.Tests;

namespace Realtime.Core.Tests.Profiles;

/// <summary>
/// The profile fields of user-space I2C devices: PCA9685 servo channels (<c>pwm[].pca9685</c>) and
/// INA219 power monitors (<c>sensors[]</c> with <c>shunt_ohms</c>, <c>max_current_a</c>):
/// each mistake is one problem naming its field.
/// </summary>
public sealed class I2cDeviceProfileTests
{
    private const string Source = "test.json";

    private static JsonNode Sim() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "boards", "sim.json")), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;

    private static JsonObject Board(string device = "/dev/i2c-1", string address = "0x40") => new() { ["device"] = device, ["address"] = address };

    /// <summary>The sim board with both servos on one PCA9685, channels 0 and 1.</summary>
    private static JsonNode OnPca9685()
    {
        var j = Sim();
        for (int i = 0; i < 2; i++)
        {
            j["pwm"]![i]!["pca9685"] = Board();
            j["pwm"]![i]!["channel"] = i;
        }
        return j;
    }

    private static JsonNode WithMonitor(Action<JsonObject> edit)
    {
        var j = Sim();
        var s = new JsonObject { ["name"] = "power", ["bus"] = "i2c", ["device"] = "/dev/i2c-1", ["address"] = "0x41", ["chip"] = "ina219", ["shunt_ohms"] = 0.1, ["max_current_a"] = 3.2 };
        edit(s);
        j["sensors"] = new JsonArray(s);
        return j;
    }

    private static string Problem(JsonNode j, string field)
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), Source));
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        Assert.StartsWith(field + ":", ex.Problems[0], StringComparison.Ordinal);
        return ex.Problems[0];
    }

    [Fact]
    public void ServosOnAPca9685AndAPowerMonitorLoad()
    {
        var p = ProfileLoader.Parse(OnPca9685().ToJsonString(), Source);
        Assert.Equal(("/dev/i2c-1", "0x40"), (p.Pwm[1].Pca9685!.Device, p.Pwm[1].Pca9685!.Address));
        var m = ProfileLoader.Parse(WithMonitor(_ => { }).ToJsonString(), Source);
        Assert.Equal(0.1, m.Sensors[0].ShuntOhms);
        Assert.Equal(3.2, m.Sensors[0].MaxCurrentA);
    }

    [Theory]
    [InlineData("/dev/i2c-x")]
    [InlineData("/dev/i2c-")]
    [InlineData("/dev/i2c-01")]
    [InlineData("/dev/i2c-1/../../sda")]
    [InlineData("/dev/spidev0.0")]
    [InlineData("/dev/i2c-99999")]
    public void ABusThatIsNotDevI2cNIsReported(string device)
    {
        var j = OnPca9685();
        j["pwm"]![0]!["pca9685"] = Board(device);
        Assert.Contains(device, Problem(j, "pwm[0].pca9685.device"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x70")] // all-call
    [InlineData("0x3f")]
    [InlineData("0x78")]
    [InlineData("64")]
    [InlineData("0x400")]
    public void AnAddressAPca9685CannotHaveIsReported(string address)
    {
        var j = OnPca9685();
        j["pwm"]![1]!["pca9685"] = Board(address: address);
        Problem(j, "pwm[1].pca9685.address");
    }

    [Fact]
    public void AChannelBeyondFifteenIsReported()
    {
        var j = OnPca9685();
        j["pwm"]![1]!["channel"] = 16;
        Assert.Contains("0..15", Problem(j, "pwm[1].channel"), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFrequenciesOnOneBoardAreReportedBecauseItHasOnePrescaler()
    {
        var j = OnPca9685();
        j["pwm"]![1]!["frequency_hz"] = 60;
        Assert.Contains("one prescaler", Problem(j, "pwm[1].frequency_hz"), StringComparison.Ordinal);
        j["pwm"]![1]!["pca9685"] = Board(address: "0x41"); // another board may run at its own rate
        ProfileLoader.Parse(j.ToJsonString(), Source);
    }

    [Fact]
    public void AFrequencyThePrescalerCannotMakeIsReported()
    {
        var j = OnPca9685();
        j["pwm"]![0]!["frequency_hz"] = 20;
        j["pwm"]![1]!["frequency_hz"] = 20;
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(j.ToJsonString(), Source));
        Assert.Contains(ex.Problems, p => p.StartsWith("pwm[0].frequency_hz: a PCA9685 runs at 24..1526 Hz", StringComparison.Ordinal));
    }

    [Fact]
    public void AChannelUsedTwiceOnOneBoardIsReportedButTheSameNumberElsewhereIsFine()
    {
        var j = OnPca9685();
        j["pwm"]![1]!["channel"] = 0;
        Assert.Contains("already pwm[0]", Problem(j, "pwm[1].channel"), StringComparison.Ordinal);
        j["pwm"]![1]!["pca9685"] = Board("/dev/i2c-2");
        ProfileLoader.Parse(j.ToJsonString(), Source);
        j["pwm"]![1]!.AsObject().Remove("pca9685"); // sysfs pwmchip0 channel 0 beside the board's channel 0
        j["pwm"]![1]!["chip"] = 0;
        ProfileLoader.Parse(j.ToJsonString(), Source);
    }

    [Fact]
    public void AHeaderPinOnABoardChannelIsReported()
    {
        var j = OnPca9685();
        j["pwm"]![0]!["pin"] = 12;
        Problem(j, "pwm[0].pin");
    }

    [Fact]
    public void AnUnknownFieldInThePca9685SectionIsReported()
    {
        var j = OnPca9685();
        j["pwm"]![0]!["pca9685"]!["bus"] = 1;
        Assert.Contains("unknown field", Problem(j, "pwm[0].pca9685.bus"), StringComparison.Ordinal);
    }

    [Fact]
    public void APowerMonitorNeedsItsShuntAndItsCurrentRange()
    {
        Problem(WithMonitor(s => s.Remove("shunt_ohms")), "sensors[0].shunt_ohms");
        Problem(WithMonitor(s => s.Remove("max_current_a")), "sensors[0].max_current_a");
        Problem(WithMonitor(s => s["shunt_ohms"] = 0), "sensors[0].shunt_ohms");
        Problem(WithMonitor(s => s["max_current_a"] = -1), "sensors[0].max_current_a");
    }

    [Fact]
    public void ACurrentBeyondTheShuntRangeIsReported()
    {
        Assert.Contains("320 mV", Problem(WithMonitor(s => s["max_current_a"] = 4), "sensors[0].max_current_a"), StringComparison.Ordinal);
    }

    [Fact]
    public void APowerMonitorsAddressAndBusAreChecked()
    {
        Problem(WithMonitor(s => s["address"] = "0x68"), "sensors[0].address");
        Problem(WithMonitor(s => s["device"] = "/dev/i2c-one"), "sensors[0].device");
        Problem(WithMonitor(s => { s["bus"] = "spi"; s.Remove("address"); s["device"] = "/dev/spidev0.0"; }), "sensors[0].chip");
    }

    [Fact]
    public void ShuntFieldsOnAnImuAreReported()
    {
        Problem(WithMonitor(s => { s["chip"] = "mpu6050"; s["address"] = "0x68"; s.Remove("max_current_a"); }), "sensors[0].shunt_ohms");
    }

    [Fact]
    public void TheRigsRunOfTheX86Pca9685VariantLoads()
    {
        var p = ProfileLoader.LoadFile(Path.Combine(TestAssets.RepoRoot, "tests", "rig", "rig-pca9685.json"), BoardFiles.Options());
        Assert.Equal("rig-pca9685", p.Name);
        Assert.All(p.Pwm, o => Assert.Equal(("/dev/i2c-0", "0x40"), (o.Pca9685!.Device, o.Pca9685.Address)));
        Assert.Equal("0x41", Assert.Single(p.Sensors).Address);
        Assert.Equal(new[] { 1 }, p.Threads.Pipeline.Cores);
        Assert.Equal(180, p.App!.Nodes.Find(n => n.Type == "v4l2-camera")!.Config!.Value.GetProperty("height").GetInt32());
    }
}
