using System;
using System.Text.Json;
using Realtime.Core.Graph;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// A profile composes an application by component type: each type's factory reads its own
/// settings and names the field on error, an unknown type or setting is named, and a profile
/// carrying an <c>app</c> section and <c>"$schema"</c> loads beside the board's own sections.
/// </summary>
public sealed class ComponentRegistryTests
{
    private readonly ManualClock _clock = new();

    private ComponentRegistry Registry() => new ComponentRegistry()
        .Register("pattern-camera", (name, c, _) => new PatternSource(name, _clock, c.Integer("width", 8, 4096, 16), c.Integer("height", 8, 4096, 16)), "a test pattern")
        .Register("mean", (name, c, _) => new MeanTransform(name))
        .Register("follow", (name, c, _) => new FollowController(name, (float)c.Number("gain", 0, 1000, 100)))
        .Register("threshold", (name, c, _) => new ConstantController(name, c.Number("threshold", 0, 1) > 0.5 ? 1 : 0))
        .Register("servo", (name, c, _) => new RecordingSink(name, safe: (float)c.Number("safe", -90, 90, 0)), role: NodeRole.Sink);

    private ComponentContext Context(string source) => new(new BoardProfile { Simulated = true }, source, _clock);

    private static AppProfile App(string json) => JsonSerializer.Deserialize(json, ProfileJsonContext.Default.AppProfile)!;

    private const string Connections = """
        "connections": [
          { "from": "cam.image", "to": "mean.image" },
          { "from": "mean.mean", "to": "pid.observation" },
          { "from": "pid.command", "to": "servo.command" }
        ]
        """;

    /// <summary>A camera, a model (type "mean"), a controller and a servo, connected as <see cref="Connections"/> says.</summary>
    private const string CameraModelControllerServo = """
        { "nodes": [
            { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "mean" },
            { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo" } ],
        """ + Connections + "}";

    private string[] Problems(string json)
    {
        var ex = Assert.Throws<ProfileException>(() => Registry().Build(App(json), Context("board.json")));
        Assert.Equal("board.json", ex.Source);
        return [.. ex.Problems];
    }

    [Fact]
    public void TheFilesAGraphReferencesAreWhatEachTypeDeclaresReadFromTheConfigAloneEachOnce()
    {
        var registry = Registry()
            .Register("clip", (name, c, _) => throw new InvalidOperationException("a file list creates no node"), files: ReferencedFile.Fields("path", "labels"))
            .Register("scorer", (name, c, _) => throw new InvalidOperationException("a file list creates no node"),
                files: c => new[] { new ReferencedFile(c.Field + ".recording", c.Text("recording")), new ReferencedFile(c.Field + ".recording", c.Text("recording") + ".csv") });
        var files = registry.Files(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera", "config": { "width": 32 } },
                { "name": "a", "type": "clip", "config": { "path": "models/a.onnx", "labels": "models/a.txt" } },
                { "name": "b", "type": "clip", "config": { "path": "models/a.onnx" } },
                { "name": "c", "type": "scorer", "config": { "recording": "audio/x.wav" } },
                { "name": "d", "type": "warp-drive", "config": { "path": "nowhere" } } ],
              "connections": [] }
            """));
        Assert.Equal(new[]
        {
            new ReferencedFile("app.nodes[1].config.path", "models/a.onnx"),
            new ReferencedFile("app.nodes[1].config.labels", "models/a.txt"),
            new ReferencedFile("app.nodes[3].config.recording", "audio/x.wav"),
            new ReferencedFile("app.nodes[3].config.recording", "audio/x.wav.csv"),
        }, files);
    }

    [Fact]
    public void TheNativeLibrariesAGraphLoadsAreWhatItsNodesTypesDeclareEachOnce()
    {
        var registry = Registry()
            .Register("video", (name, c, _) => throw new InvalidOperationException("a declaration creates no node"), libraries: new[] { "libvideo.so" })
            .Register("renderer", (name, c, _) => throw new InvalidOperationException("a declaration creates no node"), libraries: new[] { "libvideo.so", "libgl.so" });
        var app = App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" },
                { "name": "a", "type": "video" },
                { "name": "b", "type": "renderer" },
                { "name": "c", "type": "warp-drive" } ],
              "connections": [] }
            """);
        Assert.Equal(new[] { "libvideo.so", "libgl.so" }, registry.NativeLibraries(app));
        // A graph whose types declare none loads none (a real board's camera and model need no OpenCV).
        Assert.Empty(registry.NativeLibraries(App("""{ "nodes": [ { "name": "cam", "type": "pattern-camera" } ], "connections": [] }""")));
    }

    // The devices a type declares (a camera's node) are files too, marked as devices: what a bundle's unit allows instead of packing.
    [Fact]
    public void ADeclaredDeviceIsAFileMarkedAsADevice()
    {
        var registry = Registry().Register("cam2", (name, c, _) => throw new InvalidOperationException("a declaration creates no node"),
            files: c => new[] { new ReferencedFile(c.Field + ".device", c.Text("device", "/dev/video0"), Device: true) });
        var files = registry.Files(App("""{ "nodes": [ { "name": "a", "type": "cam2" }, { "name": "b", "type": "cam2", "config": { "device": "/dev/video2" } } ], "connections": [] }"""));
        Assert.Equal(new[] { new ReferencedFile("app.nodes[0].config.device", "/dev/video0", true), new ReferencedFile("app.nodes[1].config.device", "/dev/video2", true) }, files);
    }

    [Fact]
    public void AProfileGraphIsBuiltFromTypesAndTheirOwnSettings()
    {
        AppGraph g = Registry().Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera", "config": { "width": 32, "height": 24 } },
                { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "follow", "config": { "gain": 50 } },
                { "name": "servo", "type": "servo", "config": { "safe": 10 } } ],
            """ + Connections + "}"), Context("board.json"));
        var cam = (PatternSource)g.Find("cam")!;
        Assert.Equal(32, cam.Image.Payload.Frame.Width);
        Assert.Equal(24, cam.Image.Payload.Frame.Height);
        Assert.Equal(10f, ((RecordingSink)g.Find("servo")!).Safe.Values[0]);
        Assert.Equal(4, g.Nodes.Count);
    }

    [Fact]
    public void AGraphComposedFromAProfileRunsOnTheLoop()
    {
        AppGraph g = Registry().Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo", "config": { "safe": 5 } } ],
            """ + Connections + "}"), Context("board.json"));
        var watchdog = new Realtime.Core.Pipeline.LoopWatchdog(Realtime.Core.Pipeline.FaultAction.Skip, Realtime.Core.Pipeline.FaultAction.Ignore,
            Realtime.Core.Pipeline.FaultAction.SafeState, Realtime.Core.Pipeline.FaultAction.HoldLast, 10, 3);
        using var loop = new GraphLoop(g, new Realtime.Core.Pipeline.ClosedLoopOptions { Frames = 20, WarmupFrames = 0, PeriodNs = 10_000_000, DeadlineNs = 5_000_000 }, watchdog, _clock);
        var servo = (RecordingSink)g.Find("servo")!;
        Assert.Equal(1, servo.SafeWrites);
        Assert.Equal(Realtime.Core.Pipeline.LoopOutcome.Completed, loop.RunFrames(20));
        Assert.Equal(20, servo.Writes);
        Assert.NotEqual(5f, servo.Output.Values[0]);
    }

    [Fact]
    public void AnUnknownTypeIsNamedWithTheKnownOnesAndItsConnectionsMakeNoMoreNoise()
    {
        var p = Problems("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" },
                { "name": "mean", "type": "meen" },
                { "name": "pid", "type": "follow" },
                { "name": "servo", "type": "servo" } ],
            """ + Connections + "}");
        Assert.Equal(new[] { "app.nodes[1].type: unknown component type 'meen' (known types: follow, mean, pattern-camera, servo, threshold)" }, p);
    }

    [Fact]
    public void ABadSettingNamesItsFieldTheLimitsAndTheValue()
    {
        var p = Problems("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera", "config": { "width": "wide" } },
                { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "threshold", "config": { "threshold": 3 } },
                { "name": "servo", "type": "servo", "config": { "safe": 10, "sfe": 3 } } ],
              "connections": [ { "from": "cam.image", "to": "mean.image" }, { "from": "pid.command", "to": "servo.command" } ] }
            """);
        Assert.Equal(new[]
        {
            "app.nodes[0].config.width: expected a whole number, got 'wide'",
            "app.nodes[2].config.threshold: must be between 0 and 1, got 3",
            "app.nodes[3].config.sfe: unknown field",
        }, p);
    }

    [Fact]
    public void ARequiredSettingLeftOutAndAConfigThatIsNotAnObjectAreNamed()
    {
        var p = Problems("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera", "config": [1, 2] },
                { "name": "pid", "type": "threshold" },
                { "name": "servo", "type": "servo" } ],
              "connections": [ { "from": "pid.command", "to": "servo.command" } ] }
            """);
        Assert.Equal(new[]
        {
            "app.nodes[0].config: expected an object of settings, got a list",
            "app.nodes[1].config.threshold: required",
        }, p);
    }

    [Fact]
    public void ABadNodeNameIsNamed()
    {
        var p = Problems("""
            { "nodes": [ { "name": "cam.0", "type": "pattern-camera" }, { "name": "servo", "type": "servo" } ], "connections": [] }
            """);
        Assert.Equal("app.nodes[0].name: 'cam.0' only letters, digits, '-' and '_' (a '.' would split node.port)", p[0]);
    }

    [Fact]
    public void ATypeIsRegisteredOnceUnderAValidName()
    {
        var r = Registry();
        Assert.Throws<ArgumentException>(() => r.Register("mean", (n, c, _) => new MeanTransform(n)));
        Assert.Throws<ArgumentException>(() => r.Register("my type", (n, c, _) => new MeanTransform(n)));
        Assert.True(r.Contains("servo"));
        Assert.Equal("a test pattern", r.Describe("pattern-camera"));
    }

    [Fact]
    public void AProfileCarriesItsSchemaAndAnAppSectionBesideTheBoard()
    {
        string board = System.IO.File.ReadAllText(System.IO.Path.Combine(Realtime.Tests.TestAssets.RepoRoot, "boards", "sim.json"));
        var root = System.Text.Json.Nodes.JsonNode.Parse(board, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        root["$schema"] = "profile.schema.json";
        root["app"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "follow", "config": { "gain": 20 } }, { "name": "servo", "type": "servo" } ],
            """ + Connections + """, "loop": { "rate_hz": 50, "deadline_us": 10000, "budgets_us": { "infer": 5000 } } }""");
        BoardProfile p = ProfileLoader.Parse(root.ToJsonString(), "mine.json");
        Assert.Equal("profile.schema.json", p.Schema);
        Assert.Equal(50, p.App!.Loop!.RateHz);
        AppGraph g = Registry().Build(p.App, Context("mine.json"));
        Assert.Equal(4, g.Nodes.Count);

        root["app"]!["loop"]!["deadline_us"] = 30000;
        root["app"]!["loop"]!["budgets_us"]!["inference"] = 5;
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(root.ToJsonString(), "mine.json"));
        Assert.Equal(new[]
        {
            "app.loop.deadline_us: 30000 µs is longer than the period (20000 µs at 50 Hz)",
            "app.loop.budgets_us.inference: unknown stage (expected one of capture, preprocess, infer, decode, control, actuate)",
        }, ex.Problems);

        root["app"]!["nodes"]![0]!["colour"] = "red";
        ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(root.ToJsonString(), "mine.json"));
        Assert.Contains("app.nodes[0].colour: unknown field", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SinksAreCreatedFirstAndAnnouncedBeforeAnyOtherNodeIsCreated()
    {
        // Every factory records when it ran; the callback records what it was given, and when.
        var created = new System.Collections.Generic.List<string>();
        var r = new ComponentRegistry()
            .Register("pattern-camera", (name, c, _) => { created.Add(name); return new PatternSource(name, _clock, 16, 16); })
            .Register("mean", (name, c, _) => { created.Add(name); return new MeanTransform(name); })
            .Register("follow", (name, c, _) => { created.Add(name); return new FollowController(name, 100); })
            .Register("servo", (name, c, _) => { created.Add(name); return new RecordingSink(name); }, role: NodeRole.Sink);
        var announced = new System.Collections.Generic.List<string>();
        AppGraph g = r.Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo" },
                { "name": "pid2", "type": "follow" }, { "name": "servo2", "type": "servo" } ],
              "connections": [
                { "from": "cam.image", "to": "mean.image" },
                { "from": "mean.mean", "to": "pid.observation" }, { "from": "mean.mean", "to": "pid2.observation" },
                { "from": "pid.command", "to": "servo.command" }, { "from": "pid2.command", "to": "servo2.command" } ] }
            """), Context("board.json"), sinksOpen: sinks =>
            {
                foreach (var s in sinks) announced.Add(s.Name);
                announced.Add($"after {created.Count} created");
            });
        Assert.Equal(new[] { "servo", "servo2", "cam", "mean", "pid", "pid2" }, created);
        Assert.Equal(new[] { "servo", "servo2", "after 2 created" }, announced);
        // The graph itself keeps the declaration order: fields and run order are the profile's.
        Assert.Equal(new[] { "cam", "mean", "pid", "pid2", "servo", "servo2" }, Names(g.Nodes));
        Assert.Equal("servo", g.Sinks[0].Name);
    }

    [Fact]
    public void AConcurrentTypesNodesAreCreatedBesideTheOthersAfterTheSinksAndJoinedBeforeTheBuildReturns()
    {
        // The "model" factory waits for the camera's, and the camera's for the model's: created one
        // after the other, whichever came first would wait its full (generous) timeout and say so.
        using var modelStarted = new System.Threading.ManualResetEventSlim();
        using var cameraStarted = new System.Threading.ManualResetEventSlim();
        var timeout = TimeSpan.FromSeconds(30);
        int mainThread = Environment.CurrentManagedThreadId;
        int modelThread = 0, sinksAnnouncedWhenModelStarted = -1, sinksAnnounced = 0;
        System.Text.StringBuilder? cameraShared = null, modelShared = null;
        var createdOn = new System.Collections.Generic.List<(string Node, int Thread)>();
        var r = new ComponentRegistry()
            .Register("pattern-camera", (name, c, ctx) =>
            {
                cameraShared = ctx.Shared(() => new System.Text.StringBuilder());
                cameraStarted.Set();
                Assert.True(modelStarted.Wait(timeout), "the model node was not being created while the camera was");
                return new PatternSource(name, _clock, 16, 16);
            })
            .Register("mean", (name, c, ctx) =>
            {
                modelShared = ctx.Shared(() => new System.Text.StringBuilder());
                modelThread = Environment.CurrentManagedThreadId;
                sinksAnnouncedWhenModelStarted = System.Threading.Volatile.Read(ref sinksAnnounced);
                modelStarted.Set();
                Assert.True(cameraStarted.Wait(timeout), "the camera node was not being created while the model was");
                return new MeanTransform(name);
            }, concurrent: true)
            .Register("follow", (name, c, _) => new FollowController(name, 100))
            .Register("servo", (name, c, _) => new RecordingSink(name), role: NodeRole.Sink);
        AppGraph g = r.Build(App(CameraModelControllerServo), Context("board.json"), sinksOpen: _ => System.Threading.Interlocked.Increment(ref sinksAnnounced),
            created: n => { lock (createdOn) createdOn.Add((n.Name, Environment.CurrentManagedThreadId)); });
        Assert.NotEqual(mainThread, modelThread);
        Assert.Equal(1, sinksAnnouncedWhenModelStarted);
        // Each node is told once, on the thread that created it.
        createdOn.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));
        Assert.Equal(new[] { ("cam", mainThread), ("mean", modelThread), ("pid", mainThread), ("servo", mainThread) }, createdOn);
        // What nodes share is one instance, whichever thread asked first.
        Assert.NotNull(cameraShared);
        Assert.Same(cameraShared, modelShared);
        // The graph keeps the declaration order whichever node was ready first.
        Assert.Equal(new[] { "cam", "mean", "pid", "servo" }, Names(g.Nodes));
    }

    [Fact]
    public void TheWiringThreadIsToldOnceItsOwnNodesAreCreatedWhileAConcurrentNodeIsStillBeingCreated()
    {
        // The model's factory waits for the call: a call made only after every node was joined
        // would leave it waiting its full (generous) timeout, and it would say so.
        using var told = new System.Threading.ManualResetEventSlim();
        var timeout = TimeSpan.FromSeconds(30);
        int mainThread = Environment.CurrentManagedThreadId;
        int calls = 0, toldOn = 0;
        var createdBeforeTold = new System.Collections.Generic.List<string>();
        var created = new System.Collections.Generic.List<string>();
        var r = new ComponentRegistry()
            .Register("pattern-camera", (name, c, ctx) => new PatternSource(name, _clock, 16, 16))
            .Register("mean", (name, c, ctx) =>
            {
                Assert.True(told.Wait(timeout), "the wiring thread was not told while the model node was still being created");
                return new MeanTransform(name);
            }, concurrent: true)
            .Register("follow", (name, c, _) => new FollowController(name, 100))
            .Register("servo", (name, c, _) => new RecordingSink(name), role: NodeRole.Sink);
        AppGraph g = r.Build(App(CameraModelControllerServo), Context("board.json"),
            created: n => { lock (created) created.Add(n.Name); },
            whileConcurrentLoad: () =>
            {
                calls++;
                toldOn = Environment.CurrentManagedThreadId;
                lock (created) createdBeforeTold.AddRange(created);
                told.Set();
            });
        Assert.Equal(1, calls);
        Assert.Equal(mainThread, toldOn);
        // Every node the wiring thread creates itself came first; the model came after.
        createdBeforeTold.Sort(StringComparer.Ordinal);
        Assert.Equal(new[] { "cam", "pid", "servo" }, createdBeforeTold);
        Assert.Equal(new[] { "cam", "mean", "pid", "servo" }, Names(g.Nodes));
    }

    [Fact]
    public void AConcurrentNodesProblemsAndFailuresReachTheBuildAndASinkCannotBeConcurrent()
    {
        var r = Registry()
            .Register("slow-mean", (name, c, _) => { c.Number("gain", 0, 1); return new MeanTransform(name); }, concurrent: true)
            .Register("broken", (name, c, _) => throw new NotSupportedException("a bug in a factory"), concurrent: true);
        var ex = Assert.Throws<ProfileException>(() => r.Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "slow-mean", "config": { "gain": 7 } },
                { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo" } ],
            """ + Connections + "}"), Context("board.json")));
        Assert.Equal(new[] { "app.nodes[1].config.gain: must be between 0 and 1, got 7" }, ex.Problems);
        // What a factory throws that is not a refusal is a bug: it reaches the caller as it was thrown.
        var bug = Assert.Throws<NotSupportedException>(() => r.Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "broken" },
                { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo" } ],
            """ + Connections + "}"), Context("board.json")));
        Assert.Equal("a bug in a factory", bug.Message);
        Assert.False(r.IsConcurrent("mean"));
        Assert.True(r.IsConcurrent("slow-mean"));
        Assert.Throws<ArgumentException>(() => new ComponentRegistry().Register("relay", (name, c, _) => new RecordingSink(name), role: NodeRole.Sink, concurrent: true));
    }

    [Fact]
    public void ASinkThatFailsIsNotAnnouncedAndTheBuildNamesIt()
    {
        int announced = 0;
        var ex = Assert.Throws<ProfileException>(() => Registry().Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo", "config": { "safe": 300 } } ],
            """ + Connections + "}"), Context("board.json"), sinksOpen: _ => announced++));
        Assert.Equal(0, announced);
        Assert.Equal(new[] { "app.nodes[3].config.safe: must be between -90 and 90, got 300" }, ex.Problems);
    }

    [Fact]
    public void ANodeWhoseRoleContradictsItsRegistrationIsRefusedByName()
    {
        var r = new ComponentRegistry()
            .Register("pattern-camera", (name, c, _) => new PatternSource(name, _clock, 16, 16))
            .Register("mean", (name, c, _) => new MeanTransform(name), role: NodeRole.Sink)
            .Register("follow", (name, c, _) => new FollowController(name, 100))
            .Register("servo", (name, c, _) => new RecordingSink(name));
        Assert.Null(r.RoleOf("servo"));
        Assert.Equal(NodeRole.Sink, r.RoleOf("mean"));
        var ex = Assert.Throws<ProfileException>(() => r.Build(App("""
            { "nodes": [
                { "name": "cam", "type": "pattern-camera" }, { "name": "mean", "type": "mean" },
                { "name": "pid", "type": "follow" }, { "name": "servo", "type": "servo" } ],
            """ + Connections + "}"), Context("board.json")));
        Assert.Equal(new[]
        {
            "app.nodes[1]: node 'mean' is a Transform but its type 'mean' was registered as a Sink (the registration's role must be the node's)",
            "app.nodes[3]: node 'servo' is a Sink but its type 'servo' was not registered with role: NodeRole.Sink (sinks are opened first and driven safe on their own, so a sink type must say so)",
        }, ex.Problems);
    }

    [Fact]
    public void BuildSinksCreatesOnlyTheSinksAndNeedsNothingElseOfTheGraph()
    {
        var created = new System.Collections.Generic.List<string>();
        var r = new ComponentRegistry()
            .Register("follow", (name, c, _) => { created.Add(name); return new FollowController(name, 100); })
            .Register("servo", (name, c, _) => { created.Add(name); return new RecordingSink(name, safe: (float)c.Number("safe", -90, 90, 0)); }, role: NodeRole.Sink);
        // An unknown type, a missing source and a connection to nowhere: none of it is a sink's business.
        var sinks = r.BuildSinks(App("""
            { "nodes": [
                { "name": "cam", "type": "no-such-camera", "config": { "file": "/nonexistent.mp4" } },
                { "name": "pan", "type": "servo", "config": { "safe": 7 } }, { "name": "pid", "type": "follow" },
                { "name": "tilt", "type": "servo" } ],
              "connections": [ { "from": "nowhere.out", "to": "pan.command" } ] }
            """), Context("board.json"));
        Assert.Equal(new[] { "pan", "tilt" }, created);
        Assert.Equal(new[] { "pan", "tilt" }, Names(sinks));
        Assert.Equal(7f, ((RecordingSink)sinks[0]).Safe.Values[0]);
        Assert.Equal(new[] { "channel 0" }, sinks[1].DescribeOutputs());

        var ex = Assert.Throws<ProfileException>(() => r.BuildSinks(App("""
            { "nodes": [ { "name": "pan", "type": "servo", "config": { "safe": 700 } } ] }
            """), Context("board.json")));
        Assert.Equal(new[] { "app.nodes[0].config.safe: must be between -90 and 90, got 700" }, ex.Problems);
    }

    private static string[] Names<T>(System.Collections.Generic.IReadOnlyList<T> nodes) where T : Node
    {
        var names = new string[nodes.Count];
        for (int i = 0; i < names.Length; i++) names[i] = nodes[i].Name;
        return names;
    }
}
