using System;
using Realtime.Core.Components;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Core.Tests.Graph;
using Realtime.Tests;

namespace Realtime.Core.Tests.Components;

/// <summary><c>crop</c>: the region's pixels exactly (packed and NV12 planes), its checks when created and when the upstream's size is known, 0 B per frame.</summary>
public sealed class CropTests
{
    [Fact]
    public void ABgrRegionIsTheSourcesPixelsRowByRowInAGraphOnTheLoop()
    {
        using var kit = new ComponentKit();
        kit.Registry.Register("pattern", (name, c, ctx) => new PatternSource(name, ctx.Clock, 64, 48));
        AppGraph g = kit.Build("""
            { "nodes": [
                { "name": "cam", "type": "pattern" },
                { "name": "roi", "type": "crop", "config": { "x": 10, "y": 6, "width": 20, "height": 12 } },
                { "name": "px", "type": "mean" },
                { "name": "pid", "type": "pid", "config": { "kp": 0.01 } },
                { "name": "out", "type": "recorder" } ],
              "connections": [ { "from": "cam.image", "to": "roi.image" }, { "from": "roi.image_out", "to": "px.image" },
                { "from": "px.mean", "to": "pid.value" }, { "from": "pid.command", "to": "out.command" } ] }
            """);
        var cam = (PatternSource)g.Find("cam")!;
        var roi = (Crop)g.Find("roi")!;
        using GraphLoop loop = kit.Loop(g, 5000);
        for (int f = 0; f < 3; f++)
        {
            loop.RunFrames(1);
            Assert.Equal(f + 1, loop.FramesRun);
            FrameBuffer src = cam.Image.Payload.Frame, dst = roi.Region.Payload.Frame;
            for (int y = 0; y < 12; y++)
                Assert.True(src.Pixels.AsSpan((6 + y) * src.Stride + 10 * 3, 20 * 3).SequenceEqual(dst.Pixels.AsSpan(y * dst.Stride, 20 * 3)), $"row {y}");
            Assert.Equal(src.CaptureNs, dst.CaptureNs);
        }
        Assert.Equal(0, ComponentKit.LoopAllocated(loop, 2000));
        Assert.Equal(4003, loop.FramesRun);
    }

    [Fact]
    public void AnNv12RegionTakesItsLumaRowsAndTheHalfHeightColourRows()
    {
        var src = new ImageSource("cam", 16, 8, PixelFormat.Nv12);
        var roi = new Crop("roi", 4, 2, 6, 4, PixelFormat.Nv12);
        DecoderComponentsTests.Wire([src, roi], ("cam.image", "roi.image"));
        byte[] px = src.Image.Payload.Frame.Pixels;
        for (int i = 0; i < px.Length; i++) px[i] = (byte)i;
        roi.Start();
        roi.Process();
        byte[] d = roi.Region.Payload.Frame.Pixels;
        Assert.Equal(6 * 4 + 6 * 2, d.Length);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 6; x++) Assert.Equal(px[(2 + y) * 16 + 4 + x], d[y * 6 + x]);
        // UV plane: starts after 16×8 luma bytes; row 1 of it holds image rows 2–3.
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 6; x++) Assert.Equal(px[128 + (1 + y) * 16 + 4 + x], d[24 + y * 6 + x]);
        Assert.Equal(0, ThreadAllocations.Least(roi.Process));
    }

    [Fact]
    public void ARegionOutsideTheIncomingImageIsTheProfilesProblemAtStart()
    {
        using var kit = new ComponentKit();
        kit.Registry.Register("pattern", (name, c, ctx) => new PatternSource(name, ctx.Clock, 32, 24));
        AppGraph g = kit.Build("""
            { "nodes": [
                { "name": "cam", "type": "pattern" },
                { "name": "roi", "type": "crop", "config": { "x": 20, "y": 0, "width": 16, "height": 8 } },
                { "name": "px", "type": "mean" }, { "name": "pid", "type": "pid", "config": { "kp": 1 } }, { "name": "out", "type": "recorder" } ],
              "connections": [ { "from": "cam.image", "to": "roi.image" }, { "from": "roi.image_out", "to": "px.image" },
                { "from": "px.mean", "to": "pid.value" }, { "from": "pid.command", "to": "out.command" } ] }
            """);
        var ex = Assert.Throws<ProfileException>(() => g.Start());
        Assert.Equal("board.json", ex.Source);
        Assert.Equal("app.nodes[1].config.width: the region 20,0 16x8 does not fit the 32x24 image of cam.image", Assert.Single(ex.Problems));
    }

    [Theory]
    [InlineData("""{ "width": 8 }""", "app.nodes[0].config.height: required")]
    [InlineData("""{ "width": 0, "height": 4 }""", "app.nodes[0].config.width: must be between 1 and 16384, got 0")]
    [InlineData("""{ "x": 3, "width": 8, "height": 4, "format": "yuyv" }""", "app.nodes[0].config.x: a yuyv region needs an even x and width (two pixels share their colour), got x 3, width 8")]
    [InlineData("""{ "y": 1, "width": 8, "height": 4, "format": "nv12" }""", "app.nodes[0].config.y: an nv12 region needs an even x, y, width and height (2x2 pixels share their colour), got 0,1 8x4")]
    [InlineData("""{ "width": 8, "height": 4, "format": "rgb565" }""", "app.nodes[0].config.format: must be one of bgr24, grey8, yuyv, nv12, float32, got 'rgb565'")]
    public void BadSettingsAreOneProblemNamingTheField(string config, string problem)
    {
        using var kit = new ComponentKit();
        Assert.Equal(problem, kit.NodeProblem("crop", config));
    }

    [Fact]
    public void AnImageOfAnotherFormatIsRefusedWhenTheGraphIsBuilt()
    {
        using var kit = new ComponentKit();
        kit.Registry.Register("pattern", (name, c, ctx) => new PatternSource(name, ctx.Clock, 32, 24));
        string[] p = kit.Problems("""
            { "nodes": [ { "name": "cam", "type": "pattern" }, { "name": "roi", "type": "crop", "config": { "width": 8, "height": 8, "format": "grey8" } } ],
              "connections": [ { "from": "cam.image", "to": "roi.image" } ] }
            """);
        Assert.Contains("image bgr24 32x24 cannot flow into image grey8 anyxany", Assert.Single(p));
    }

    private sealed class ImageSource : SourceNode
    {
        public ImageSource(string name, int w, int h, PixelFormat f) : base(name) => Image = Output("image", new ImagePayload(w, h, f));
        public OutputPort<ImagePayload> Image { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }
}
