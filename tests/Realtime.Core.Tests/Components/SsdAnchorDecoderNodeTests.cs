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

    [Fact]
    public void TheDerivedLayoutsAnchorsAreBlazeFacesOwn()
    {
        // The two front layers as the node lays them out, in order, against the BlazeFace decoder's fixed table.
        var (x, y) = BlazeFaceDecoder.Anchors(128);
        int k = 0;
        foreach (var (anchors, _) in new[] { (512, 0), (384, 0) })
        {
            var (stride, perCell) = SsdAnchorDecoderNode.Layout(anchors, 128);
            int grid = 128 / stride;
            for (int r = 0; r < grid; r++)
                for (int c = 0; c < grid; c++)
                    for (int a = 0; a < perCell; a++, k++)
                    {
                        Assert.Equal(x[k], (c + 0.5f) / grid);
                        Assert.Equal(y[k], (r + 0.5f) / grid);
                    }
        }
        Assert.Equal(x.Length, k);
    }
}
