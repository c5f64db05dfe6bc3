using System;
using System.IO;
using Realtime.Tests;

namespace Realtime.EndToEnd.Tests;

/// <summary>Each kind of bad input gives one clear message naming the file and the field, and exit code 2.</summary>
public sealed class BadInputTests
{
    private static RtappResult RunWith(string? profile, string? assets, params string[] extra)
    {
        var args = new System.Collections.Generic.List<string> { "run", "--frames", "5", "--warmup", "0", "--no-rt" };
        if (profile is not null) { args.Add("--board"); args.Add(profile); }
        if (assets is not null) { args.Add("--assets"); args.Add(assets); }
        args.AddRange(extra);
        return Rtapp.Run(TimeSpan.FromSeconds(60), args.ToArray());
    }

    private static void AssertOneError(RtappResult r, params string[] parts)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        string[] lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one message:\n" + r);
        Assert.StartsWith("rtapp: error: ", lines[0]);
        foreach (string p in parts) Assert.Contains(p, lines[0]);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    private static string WriteProfile(string dir, string text)
    {
        string path = Path.Combine(dir, "board.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void AMissingModelNamesTheProfileAndModelPath()
    {
        // The video is there, the model is not: the face tracker's model node names its field.
        string dir = Rtapp.TempDir();
        Directory.CreateSymbolicLink(Path.Combine(dir, "video"), Path.Combine(TestAssets.Dir, "video"));
        AssertOneError(RunWith(null, dir), "boards/sim.json (built in): app.nodes[2].config.path: model file not found", dir);
    }

    [Fact]
    public void AMissingVideoNamesCameraVideo()
    {
        string dir = Rtapp.TempDir();
        Directory.CreateSymbolicLink(Path.Combine(dir, "models"), Path.Combine(TestAssets.Dir, "models"));
        AssertOneError(RunWith(null, dir), "app.nodes[0].config.video: video file not found", "Megamind.avi");
    }

    [Fact]
    public void AVideoThatIsAFifoIsRefusedNamingCameraVideoInsteadOfBlockingOnTheOpen()
    {
        string dir = Rtapp.TempDir();
        Directory.CreateSymbolicLink(Path.Combine(dir, "models"), Path.Combine(TestAssets.Dir, "models"));
        Directory.CreateDirectory(Path.Combine(dir, "video"));
        using (var mk = System.Diagnostics.Process.Start("mkfifo", Path.Combine(dir, "video", "Megamind.avi"))) mk.WaitForExit();
        AssertOneError(RunWith(null, dir), "app.nodes[0].config.video: video file", "is not a regular file");
    }

    [Fact]
    public void AModelThatIsADeviceIsRefusedNamingModelPathInsteadOfReadingWithoutEnd()
    {
        string dir = Rtapp.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "video"), Path.Combine(TestAssets.Dir, "video"));
        File.CreateSymbolicLink(Path.Combine(dir, "models", "face_detection_front_128x128_barracuda.onnx"), "/dev/zero");
        AssertOneError(RunWith(null, dir), "app.nodes[2].config.path: model file", "is not a regular file");
    }

    [Fact]
    public void ATruncatedModelIsRefusedByItsPinnedHashBeforeAnythingMoves()
    {
        string dir = Rtapp.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "video"), Path.Combine(TestAssets.Dir, "video"));
        byte[] model = File.ReadAllBytes(TestAssets.BlazeFace128);
        File.WriteAllBytes(Path.Combine(dir, "models", "face_detection_front_128x128_barracuda.onnx"), model.AsSpan(0, model.Length / 2).ToArray());
        AssertOneError(RunWith(null, dir), "app.nodes[2].config.sha256", "truncated");
    }

    [Fact]
    public void AModelInputThatDoesNotFitTheProfileNamesTheFieldAndBothShapes()
    {
        // The face tracker's preprocessing makes 256x256 tensors for a 128x128 model: its connection names both.
        var json = Rtapp.SimProfileJson();
        json["app"]!["nodes"]![1]!["config"]!["width"] = 256;
        json["app"]!["nodes"]![1]!["config"]!["height"] = 256;
        string profile = WriteProfile(Rtapp.TempDir(), json.ToJsonString());
        AssertOneError(RunWith(profile, null), profile, "app.connections[1] (pre.tensor → blazeface.input_0)", "[1,128,128,3]", "[1,256,256,3]");
    }

    [Fact]
    public void AMalformedProfileNamesTheFileAndTheLine()
    {
        string text = File.ReadAllText(TestAssets.SimProfile);
        string profile = WriteProfile(Rtapp.TempDir(), text[..(text.Length / 2)]);
        AssertOneError(RunWith(profile, null), profile, "malformed JSON", "(line ");
    }

    [Fact]
    public void AnInvalidValueNamesTheFileAndTheField()
    {
        var json = Rtapp.SimProfileJson();
        json["timing"]!["deadline_us"] = 50000;
        string profile = WriteProfile(Rtapp.TempDir(), json.ToJsonString());
        AssertOneError(RunWith(profile, null), profile, "timing.deadline_us", "longer than the period");
    }

    [Fact]
    public void AnUnknownFieldIsNamed()
    {
        var json = Rtapp.SimProfileJson();
        json["timing"]!["rate"] = 30;
        string profile = WriteProfile(Rtapp.TempDir(), json.ToJsonString());
        AssertOneError(RunWith(profile, null), profile, "timing.rate", "unknown field");
    }

    [Fact]
    public void AnUnknownBoardListsTheBuiltInOnes()
    {
        AssertOneError(RunWith("nosuchboard", null), "no such board", "sim", "rpi5");
    }

    [Fact]
    public void AMissingProfileFileIsNamed()
    {
        string path = Path.Combine(Rtapp.TempDir(), "absent.json");
        AssertOneError(RunWith(path, null), path, "file not found");
    }

    [Fact]
    public void AnUnknownOptionIsAUsageError()
    {
        var r = Rtapp.Run(TimeSpan.FromSeconds(30), "run", "--fames", "10");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option '--fames'", r.Stderr);
    }
}
