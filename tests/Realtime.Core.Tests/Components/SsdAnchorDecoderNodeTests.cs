using Realtime.Core.Components;
using Realtime.Core.Decoding;

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
}
