using Realtime.Core.Components;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Components;

/// <summary>The SSD decoder derives BlazeFace's anchor layout from the outputs' anchor counts alone.</summary>
public sealed class SsdAnchorDecoderNodeTests
{
    [Theory]
    [InlineData(512, 128, 8, 2)]   // BlazeFace front: 16×16 cells, 2 anchors each
    [InlineData(384, 128, 16, 6)]  // BlazeFace front: 8×8 cells, 6 anchors each
    [InlineData(512, 256, 16, 2)]  // BlazeFace back: 16×16 cells at stride 16
    [InlineData(384, 256, 32, 6)]  // BlazeFace back: 8×8 cells at stride 32
    [InlineData(500, 128, 0, 0)]   // fits no grid
    public void TheLayoutIsTheFinestGridThatDividesTheAnchorCount(int anchors, int input, int stride, int perCell) =>
        Assert.Equal((stride, perCell), SsdAnchorDecoderNode.Layout(anchors, input));

    [Theory]
    [InlineData("letterbox", 0.25f, 0.5f, 80f, 120f, 40f, 40f)]
    [InlineData("stretch", 0.25f, 0.5f, 80f, 120f, 40f, 30f)]
    public void ImageMappingPutsTheBoxInTheCameraImagesCoordinates(string fit, float inX, float inY, float px, float py, float w, float h)
    {
        // One layer of 16x16 cells (stride 8, one anchor each) on a 128-pixel input; a 320x240 image
        // letterboxed is 128x96 at rows 16..112, stretched it is 128x128.
        var node = Decoder($$"""{ "input_size": 128, "layers": 1, "image_width": 320, "image_height": 240, "fit": "{{fit}}" }""", out var scores, out var boxes);
        // The anchor whose cell centre is nearest (inX, inY) of the input, offset to land on it exactly, 16x16 input pixels.
        int gx = (int)(inX * 16), gy = (int)(inY * 16), a = gy * 16 + gx;
        scores.Floats[a] = 10;
        boxes.Floats[a * 4] = inX * 128 - (gx + 0.5f) * 8;
        boxes.Floats[a * 4 + 1] = inY * 128 - (gy + 0.5f) * 8;
        boxes.Floats[a * 4 + 2] = 16;
        boxes.Floats[a * 4 + 3] = 16;
        node.Process();
        var d = Assert.Single(node.Detections.Payload.Current.ToArray());
        // Letterbox: x = 0.25*128*2.5 = 80 px, y = (64-16)*2.5 = 120 px, 16 input px = 40 image px; stretched, 16 px is 40 wide and 30 (1.875 per px) high.
        Assert.Equal(px / 320, d.CenterX, 4);
        Assert.Equal(py / 240, d.CenterY, 4);
        Assert.Equal(w / 320, d.Width, 4);
        Assert.Equal(h / 240, d.Height, 4);
    }

    [Fact]
    public void WithoutTheImageTheBoxesStayInTheInputsCoordinates()
    {
        var node = Decoder("""{ "input_size": 128, "layers": 1 }""", out var scores, out var boxes);
        scores.Floats[0] = 10;
        boxes.Floats[2] = 16;
        boxes.Floats[3] = 16;
        node.Process();
        var d = Assert.Single(node.Detections.Payload.Current.ToArray());
        Assert.Equal(0.5f / 16, d.CenterX, 5);
        Assert.Equal(16f / 128, d.Width, 5);
    }

    private sealed class Outputs : SourceNode
    {
        public Outputs() : base("model")
        {
            Scores = Output("scores", new TensorPayload(TensorElement.Float32, 1, 256, 1));
            Boxes = Output("boxes", new TensorPayload(TensorElement.Float32, 1, 256, 4));
        }
        public OutputPort<TensorPayload> Scores { get; }
        public OutputPort<TensorPayload> Boxes { get; }
        protected override CaptureStatus Capture() => CaptureStatus.Ok;
    }

    private static SsdAnchorDecoderNode Decoder(string config, out TensorPayload scores, out TensorPayload boxes)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(config);
        var cfg = new NodeConfig(doc.RootElement.Clone(), "app.nodes[0].config");
        var node = new SsdAnchorDecoderNode("faces", cfg);
        Assert.Empty(cfg.Problems);
        var model = new Outputs();
        scores = model.Scores.Payload;
        boxes = model.Boxes.Payload;
        scores.Floats.Fill(-10);
        DecoderComponentsTests.Wire([model, node], ("model.scores", "faces.scores_0"), ("model.boxes", "faces.boxes_0"));
        node.Start();
        return node;
    }
}
