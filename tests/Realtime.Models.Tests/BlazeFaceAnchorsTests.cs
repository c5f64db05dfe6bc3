using Realtime.Core.Decoding;
using Realtime.Models;

namespace Realtime.Models.Tests;

/// <summary>BlazeFace front anchors (MediaPipe's SSD layout) and box overlap.</summary>
public sealed class BlazeFaceAnchorsTests
{
    private const float Eps = 1e-6f;

    [Fact]
    public void Anchors128Has896Entries()
    {
        var (x, y) = BlazeFaceDecoder.Anchors(128);
        Assert.Equal(896, x.Length);
        Assert.Equal(896, y.Length);
    }

    [Fact]
    public void First512AnchorsAreTwoPerCellOnA16By16GridRowMajor()
    {
        var (xs, ys) = BlazeFaceDecoder.Anchors(128);
        Assert.Equal(0.5f / 16, xs[0], Eps);
        Assert.Equal(0.5f / 16, ys[0], Eps);
        for (int gy = 0; gy < 16; gy++)
            for (int gx = 0; gx < 16; gx++)
                for (int a = 0; a < 2; a++)
                {
                    int k = (gy * 16 + gx) * 2 + a;
                    Assert.Equal((gx + 0.5f) / 16, xs[k], Eps);
                    Assert.Equal((gy + 0.5f) / 16, ys[k], Eps);
                }
    }

    [Fact]
    public void Last384AnchorsAreSixPerCellOnAn8By8Grid()
    {
        var (xs, ys) = BlazeFaceDecoder.Anchors(128);
        Assert.Equal(0.5f / 8, xs[512], Eps);
        Assert.Equal(0.5f / 8, ys[512], Eps);
        for (int gy = 0; gy < 8; gy++)
            for (int gx = 0; gx < 8; gx++)
                for (int a = 0; a < 6; a++)
                {
                    int k = 512 + (gy * 8 + gx) * 6 + a;
                    Assert.Equal((gx + 0.5f) / 8, xs[k], Eps);
                    Assert.Equal((gy + 0.5f) / 8, ys[k], Eps);
                }
        Assert.Equal(7.5f / 8, xs[895], Eps);
        Assert.Equal(7.5f / 8, ys[895], Eps);
    }

    [Fact]
    public void IoUOfIdenticalBoxesIsOne()
    {
        var a = new FaceBox { CenterX = 50, CenterY = 60, Width = 20, Height = 30 };
        Assert.Equal(1f, a.IoU(in a), Eps);
    }

    [Fact]
    public void IoUOfDisjointOrMerelyTouchingBoxesIsZero()
    {
        var a = new FaceBox { CenterX = 10, CenterY = 10, Width = 10, Height = 10 };
        var far = new FaceBox { CenterX = 100, CenterY = 100, Width = 10, Height = 10 };
        var touching = new FaceBox { CenterX = 20, CenterY = 10, Width = 10, Height = 10 };
        Assert.Equal(0f, a.IoU(in far));
        Assert.Equal(0f, a.IoU(in touching));
    }

    [Fact]
    public void IoUOfBoxesOverlappingByHalfTheirWidthIsOneThird()
    {
        // Two 2x2 boxes shifted by 1: intersection 2, union 4 + 4 - 2 = 6.
        var a = new FaceBox { CenterX = 0, CenterY = 0, Width = 2, Height = 2 };
        var b = new FaceBox { CenterX = 1, CenterY = 0, Width = 2, Height = 2 };
        Assert.Equal(1f / 3f, a.IoU(in b), Eps);
        Assert.Equal(a.IoU(in b), b.IoU(in a));
    }

    [Fact]
    public void IoUOfABoxInsideAnotherIsTheAreaRatio()
    {
        var outer = new FaceBox { CenterX = 0, CenterY = 0, Width = 4, Height = 4 };
        var inner = new FaceBox { CenterX = 0, CenterY = 0, Width = 2, Height = 2 };
        Assert.Equal(0.25f, outer.IoU(in inner), Eps);
    }
}

/// <summary>The back model (256 input, strides 16,32,32,32) has the front model's grids: the same 896 normalised centres.</summary>
public sealed class BlazeFaceBackAnchorsTests
{
    [Fact]
    public void TheBackModelsAnchorsAreTheFrontModelsNormalisedGrid()
    {
        var (fx, fy) = BlazeFaceDecoder.Anchors(128);
        var (bx, by) = BlazeFaceDecoder.Anchors(256, firstStride: 16);
        Assert.Equal(896, bx.Length);
        Assert.Equal(fx, bx);
        Assert.Equal(fy, by);
        // With the front model's stride the 256 input would need 32x32x2 + 16x16x6 anchors, which its outputs do not have.
        Assert.Equal(32 * 32 * 2 + 16 * 16 * 6, BlazeFaceDecoder.Anchors(256).X.Length);
    }
}
