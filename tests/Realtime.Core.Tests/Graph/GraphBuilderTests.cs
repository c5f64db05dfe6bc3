using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Timing;

namespace Realtime.Core.Tests.Graph;

/// <summary>
/// A graph is checked when it is built: each kind of mistake is one line naming the field (and
/// the file), and a graph that builds is bound in place — an input reads its upstream's very payload.
/// </summary>
public sealed class GraphBuilderTests
{
    private readonly ManualClock _clock = new();

    private static string OneProblem(GraphBuilder b)
    {
        var ex = Assert.Throws<ProfileException>(() => b.Build());
        Assert.True(ex.Problems.Count == 1, "expected one problem, got:\n" + ex.Message);
        Assert.Equal("app.json", ex.Source);
        return ex.Problems[0];
    }

    private GraphBuilder Tracker(out PatternSource cam, out MeanTransform mean, out FollowController pid, out RecordingSink servo)
    {
        var b = new GraphBuilder("app.json");
        b.Add(servo = new RecordingSink("servo"));
        b.Add(pid = new FollowController("pid"));
        b.Add(mean = new MeanTransform("mean"));
        b.Add(cam = new PatternSource("cam", _clock));
        return b;
    }

    [Fact]
    public void AGoodGraphRunsInDataFlowOrderAndItsInputsReadTheUpstreamPayloadItself()
    {
        var b = Tracker(out var cam, out var mean, out var pid, out var servo)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command");
        AppGraph g = b.Build();
        Assert.Equal(new Node[] { cam, mean, pid, servo }, g.Nodes);
        Assert.Same(cam.Image.Payload, mean.Image.Payload);
        Assert.Same(pid.Command.Payload, servo.Command.Payload);
        Assert.Equal(new Node[] { mean, pid }, g.Steps);
        Assert.Same(servo, Assert.Single(g.Sinks));
        Assert.Null(g.FallbackProducers[0]);
        Assert.False(servo.Fallback.IsBound);
    }

    [Fact]
    public void AConnectionToAMissingNodeOrPortNamesTheConnectionAndWhatExists()
    {
        var b = Tracker(out _, out _, out _, out _)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command")
            .Connect("camera.image", "mean.image");
        Assert.Equal("app.connections[3].from: no node named 'camera' (nodes: servo, pid, mean, cam)", OneProblem(b));

        b = Tracker(out _, out _, out _, out _)
            .Connect("cam.frame", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command");
        Assert.Equal("app.connections[0].from: node 'cam' has no output 'frame' (outputs: image)", OneProblem(b));

        b = Tracker(out _, out _, out _, out _)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.cmd");
        Assert.Equal("app.connections[2].to: node 'servo' has no input 'cmd' (inputs: command, fallback)", OneProblem(b));

        b = Tracker(out _, out _, out _, out _)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid", "servo.command");
        Assert.Equal("app.connections[2].from: 'pid' is not node.port", OneProblem(b));
    }

    [Fact]
    public void AKindFormatShapeOrElementMismatchNamesTheConnectionAndBothTypes()
    {
        // An image where a value is read.
        var b = Tracker(out _, out _, out _, out _)
            .Connect("cam.image", "mean.image").Connect("cam.image", "pid.observation").Connect("pid.command", "servo.command");
        Assert.Equal("app.connections[1] (cam.image → pid.observation): image bgr24 16x16 cannot flow into value Single", OneProblem(b));

        // A YUYV camera into a BGR-only transform.
        b = new GraphBuilder("app.json")
            .Add(new PatternSource("cam", _clock, 16, 16, PixelFormat.Yuyv)).Add(new MeanTransform("mean"))
            .Add(new FollowController("pid")).Add(new RecordingSink("servo"))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command");
        Assert.Equal("app.connections[0] (cam.image → mean.image): image yuyv 16x16 cannot flow into image bgr24 anyxany", OneProblem(b));

        // A tensor of the wrong shape, then of the wrong element type.
        foreach (var (accepts, expected) in new[]
        {
            (PayloadType.Tensor(TensorElement.Float32, 1, 3, 128, 128), "tensor float32 [1,8,8,3] cannot flow into tensor float32 [1,3,128,128]"),
            (PayloadType.Tensor(TensorElement.UInt8, 1, -1, -1, 3), "tensor float32 [1,8,8,3] cannot flow into tensor uint8 [1,-1,-1,3]"),
        })
        {
            b = new GraphBuilder("app.json")
                .Add(new PatternSource("cam", _clock)).Add(new ImageToTensor("pre", 8, 8))
                .Add(new TensorScale("model", accepts, TensorElement.Float32, 1, 4))
                .Add(new ConstantController("pid", 0)).Add(new RecordingSink("servo"))
                .Connect("cam.image", "pre.image").Connect("pre.tensor", "model.input").Connect("pid.command", "servo.command");
            Assert.Equal("app.connections[1] (pre.tensor → model.input): " + expected, OneProblem(b));
        }

        // Open dimensions accept any size.
        var ok = new GraphBuilder("app.json")
            .Add(new PatternSource("cam", _clock)).Add(new ImageToTensor("pre", 8, 8))
            .Add(new TensorScale("model", PayloadType.Tensor(TensorElement.Float32, 1, -1, -1, 3), TensorElement.Float32, 1, 4))
            .Add(new ConstantController("pid", 0)).Add(new RecordingSink("servo"))
            .Connect("cam.image", "pre.image").Connect("pre.tensor", "model.input").Connect("pid.command", "servo.command");
        Assert.Equal(5, ok.Build().Nodes.Count);
    }

    [Fact]
    public void ACommandOfTheWrongChannelCountIsAMismatch()
    {
        var b = new GraphBuilder("app.json")
            .Add(new PatternSource("cam", _clock)).Add(new ConstantController("park", 0, channels: 2)).Add(new RecordingSink("servo", channels: 1))
            .Connect("park.command", "servo.command");
        Assert.Equal("app.connections[0] (park.command → servo.command): command of 2 channels cannot flow into command of 1 channels", OneProblem(b));
    }

    [Fact]
    public void ACycleNamesTheConnectionThatClosesItAndThePath()
    {
        var b = new GraphBuilder("app.json")
            .Add(new PatternSource("cam", _clock))
            .Add(new TensorScale("a", PayloadType.Tensor(TensorElement.Float32, 4), TensorElement.Float32, 4))
            .Add(new TensorScale("b", PayloadType.Tensor(TensorElement.Float32, 4), TensorElement.Float32, 4))
            .Add(new ConstantController("pid", 0)).Add(new RecordingSink("servo"))
            .Connect("a.output", "b.input").Connect("b.output", "a.input").Connect("pid.command", "servo.command");
        string p = OneProblem(b);
        Assert.StartsWith("app.connections[", p, StringComparison.Ordinal);
        Assert.Contains("closes a cycle", p, StringComparison.Ordinal);
        Assert.True(p.Contains("a → b → a", StringComparison.Ordinal) || p.Contains("b → a → b", StringComparison.Ordinal), p);
    }

    [Fact]
    public void AnUnconnectedRequiredInputNamesTheNodeAndTheInput()
    {
        var b = Tracker(out _, out _, out _, out _).Connect("cam.image", "mean.image").Connect("pid.command", "servo.command");
        Assert.Equal("app.nodes[1]: required input 'pid.observation' (value Single) is not connected", OneProblem(b));
    }

    [Fact]
    public void TwoControllersOnOneActuatorAreTwoWriters()
    {
        var b = Tracker(out _, out _, out _, out _)
            .Add(new ConstantController("park", 0))
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command")
            .Connect("park.command", "servo.command");
        Assert.Equal("app.connections[3].to: two writers on one actuator: 'servo.command' is already fed by 'pid.command' (app.connections[2]); an output has one controller", OneProblem(b));
    }

    [Fact]
    public void DuplicateNamesAreRefusedAndEveryProblemIsReportedAtOnce()
    {
        var b = new GraphBuilder("app.json")
            .Add(new PatternSource("cam", _clock)).Add(new PatternSource("cam", _clock))
            .Add(new ConstantController("pid", 0)).Add(new RecordingSink("servo"))
            .Connect("pid.command", "servo.nope").Connect("x.y", "pid.z");
        var ex = Assert.Throws<ProfileException>(() => b.Build());
        Assert.Equal(new[]
        {
            "app.nodes[1].name: 'cam' is already the name of app.nodes[0]; node names are unique",
            "app.connections[0].to: node 'servo' has no input 'nope' (inputs: command, fallback)",
            "app.connections[1].from: no node named 'x' (nodes: cam, pid, servo)",
            "app.connections[1].to: node 'pid' has no input 'z' (inputs: none)",
        }, ex.Problems);
    }

    [Fact]
    public void AGraphNeedsASourceAndASink()
    {
        var b = new GraphBuilder("app.json").Add(new ConstantController("pid", 0)).Add(new RecordingSink("servo")).Connect("pid.command", "servo.command");
        Assert.Equal("app.nodes: no source (a loop needs something to read)", OneProblem(b));
        b = new GraphBuilder("app.json").Add(new PatternSource("cam", _clock));
        Assert.Equal("app.nodes: no sink (a loop needs an output to drive)", OneProblem(b));
    }

    [Fact]
    public void AControllerFeedingOnlyAFallbackRunsOnDemandNotEveryFrame()
    {
        var park = new ConstantController("park", 0);
        var b = Tracker(out _, out var mean, out var pid, out var servo).Add(park)
            .Connect("cam.image", "mean.image").Connect("mean.mean", "pid.observation").Connect("pid.command", "servo.command")
            .Connect("park.command", "servo.fallback");
        AppGraph g = b.Build();
        Assert.Equal(new Node[] { mean, pid }, g.Steps);
        Assert.Same(park, g.FallbackProducers[0]);
        Assert.Contains(park, g.Nodes);
    }

    [Fact]
    public void ANodeOrPortNameThatCannotBeSpelledAsNodePortIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RecordingSink("servo.left"));
        Assert.Contains("'.'", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(Node.NameProblem(""));
        Assert.NotNull(Node.NameProblem(new string('a', 65)));
        Assert.NotNull(Node.NameProblem("a\nb"));
        Assert.Null(Node.NameProblem("pan-tilt_2"));
    }
}
