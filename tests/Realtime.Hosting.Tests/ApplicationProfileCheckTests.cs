using System;
using System.Collections.Generic;
using System.IO;
using Realtime.Bench;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;

namespace Realtime.Hosting.Tests;

/// <summary>
/// Each application checks what it needs of a profile, and the host asks it wherever a command
/// loads the profile for it; a profile that names no application runs the host's first one.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ApplicationProfileCheckTests : IDisposable
{
    /// <summary>An application that needs three outputs: its check is all these tests use of it.</summary>
    private sealed class ThreeOutputs : IRealtimeApplication
    {
        public int Checked { get; private set; }
        public string Name => "three-outputs";
        public string Description => "needs three PWM outputs";
        public IApplicationInstance Build(ApplicationContext context) => throw new InvalidOperationException("its profile never passes");
        public IActuator OpenSafeOutputs(ApplicationContext context) => throw new InvalidOperationException("its profile never passes");
        public IReadOnlyList<string> ProfileProblems(BoardProfile profile)
        {
            Checked++;
            return profile.Pwm.Count == 3 ? Array.Empty<string>() : new[] { $"pwm: three-outputs needs three PWM outputs, got {profile.Pwm.Count}" };
        }
    }

    /// <summary>An application that asks nothing of a profile: the interface's default check.</summary>
    private sealed class Undemanding : IRealtimeApplication
    {
        public string Name => "undemanding";
        public string Description => "asks nothing";
        public IApplicationInstance Build(ApplicationContext context) => throw new InvalidOperationException("not built in these tests");
        public IActuator OpenSafeOutputs(ApplicationContext context) => throw new InvalidOperationException("not opened in these tests");
    }

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rtapp-app-check-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>A profile file over the sim board; <paramref name="demo"/> null writes "demo": null (names none).</summary>
    private string Profile(string? demo, string extra = "")
    {
        string file = Path.Combine(_dir.FullName, "mine.json");
        string named = demo is null ? "null" : $"\"{demo}\"";
        File.WriteAllText(file, $$"""{ "extends": "sim", "name": "mine", "demo": {{named}} {{extra}} }""");
        return file;
    }

    [Fact]
    public void AProfileThatNamesNoApplicationGetsTheHostsFirstAndItsCheck()
    {
        var needy = new ThreeOutputs();
        var host = new RealtimeHost("mine").Add(needy).AddDemos();
        string file = Profile(null);
        var ex = Assert.Throws<ProfileException>(() => ProfileCatalog.Load(file, null, null, host));
        Assert.Equal(file + " (extends sim)", ex.Source);
        Assert.Equal("pwm: three-outputs needs three PWM outputs, got 2", Assert.Single(ex.Problems));

        // Another host's first application is another default; the sim board fits the face tracker.
        var (p, _) = ProfileCatalog.Load(file, null, null, new RealtimeHost("rtapp").AddDemos());
        Assert.Equal("face-tracker", p.Demo);
        // Without a host, Core leaves the choice empty: it knows no application.
        Assert.Equal("", ProfileCatalog.Load(file).Profile.Demo);
        // One with no needs of its own fits any well-formed profile.
        Assert.Equal("undemanding", ProfileCatalog.Load(file, new[] { "pwm=null", "plant=null" }, null, new RealtimeHost("u").Add(new Undemanding()).AddDemos()).Profile.Demo);
    }

    [Fact]
    public void TheCommandLinesChoiceIsTheApplicationAsked()
    {
        var host = new RealtimeHost("mine").Add(new ThreeOutputs()).Add(new Undemanding());
        var p = new BoardProfile { Demo = "three-outputs" };
        Assert.Equal("pwm: three-outputs needs three PWM outputs, got 0", Assert.Single(host.ProfileProblems(p)));
        Assert.Empty(host.ProfileProblems(p, "undemanding"));
        // A name not registered has no check here: the commands say "unknown demo" themselves.
        Assert.Empty(host.ProfileProblems(new BoardProfile { Demo = "nobody" }));
    }

    [Fact]
    public void TheApplicationsProblemsJoinTheLoadersInOneError()
    {
        var host = new RealtimeHost("mine").Add(new ThreeOutputs());
        var ex = Assert.Throws<ProfileException>(() => ProfileCatalog.Load(Profile("three-outputs"), new[] { "timing.frames=-1" }, null, host));
        Assert.Equal(new[] { "timing.frames: must be 0..10000000 (0: run until stopped), got -1", "pwm: three-outputs needs three PWM outputs, got 2" }, ex.Problems);
    }

    [Theory]
    [InlineData("run", "--no-rt", "--quiet", "--frames", "1")]
    [InlineData("check")]
    [InlineData("safe")]
    [InlineData("bundle", "--out", "OUT")]
    [InlineData("bench", "--frames", "1")]
    [InlineData("profile", "--runs", "1")]
    [InlineData("boards", "--show", "BOARD")]
    public void EveryCommandThatLoadsTheProfileAsksTheApplication(params string[] args)
    {
        var needy = new ThreeOutputs();
        var host = new RealtimeHost("mine").Add(needy).AddDemos().AddBench();
        string file = Profile("three-outputs");
        var line = new List<string>();
        foreach (string a in args) line.Add(a switch { "OUT" => Path.Combine(_dir.FullName, "out"), "BOARD" => file, _ => a });
        if (!line.Contains(file)) line.AddRange(new[] { "--board", file });
        var r = ConsoleCapture.Run(host, line.ToArray());
        Assert.Equal(ExitCodes.BadInput, r.Exit);
        Assert.Equal($"mine: error: {file} (extends sim): pwm: three-outputs needs three PWM outputs, got 2\n", r.Err);
        Assert.True(needy.Checked > 0);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "out")));
    }
}
