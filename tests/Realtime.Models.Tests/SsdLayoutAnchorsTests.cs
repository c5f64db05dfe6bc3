using Realtime.Core.Components;
using Realtime.Models;

namespace Realtime.Models.Tests;

/// <summary>The generic SSD decoder's derived anchor layout equals the BlazeFace decoder's fixed anchor table.</summary>
public sealed class SsdLayoutAnchorsTests
{
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
