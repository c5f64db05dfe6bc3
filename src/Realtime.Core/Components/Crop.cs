using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Components;

/// <summary>
/// <c>crop</c>: a region of an image, as an image of the same pixel format (row copies, no
/// resampling). Config: <c>x</c>, <c>y</c>, <c>width</c>, <c>height</c> (the region, pixels),
/// <c>format</c> (the pixel format in and out; default bgr24). YUYV needs an even x and width (two
/// pixels share their colour), NV12 even x, y, width and height. The region must lie inside the
/// incoming image: checked at start, when the upstream's size is known.
/// </summary>
public sealed class Crop : Node
{
    private readonly int _x, _y, _w, _h;
    private long _frames;

    /// <summary>Where the region was configured (file and field), for the start-time check; null when built in code.</summary>
    public (string Source, string Field)? ConfiguredAt { get; init; }

    /// <summary>The region (<paramref name="x"/>, <paramref name="y"/>, <paramref name="width"/>, <paramref name="height"/>) of images in <paramref name="format"/>.</summary>
    public Crop(string name, int x, int y, int width, int height, PixelFormat format) : base(name, NodeRole.Transform)
    {
        if (AlignmentProblem(format, x, y, width, height) is { } why) throw new ArgumentException(why);
        if (x < 0 || y < 0 || width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "a region inside the image");
        _x = x;
        _y = y;
        _w = width;
        _h = height;
        Image = Input<ImagePayload>("image", PayloadType.Image(format));
        Region = Output("image_out", new ImagePayload(width, height, format));
    }

    /// <summary>The whole image.</summary>
    public InputPort<ImagePayload> Image { get; }
    /// <summary>The region.</summary>
    public OutputPort<ImagePayload> Region { get; }

    /// <summary>The pixel formats by their profile names.</summary>
    public static readonly string[] FormatNames = ["bgr24", "grey8", "yuyv", "nv12", "float32"];

    /// <summary>A format by its profile name.</summary>
    public static PixelFormat Format(string name) => name switch
    {
        "grey8" => PixelFormat.Grey8,
        "yuyv" => PixelFormat.Yuyv,
        "nv12" => PixelFormat.Nv12,
        "float32" => PixelFormat.Float32,
        _ => PixelFormat.Bgr24,
    };

    /// <summary>The registry's factory.</summary>
    public static Node Create(string name, NodeConfig config, ComponentContext context)
    {
        int x = config.Integer("x", 0, 16_384, 0);
        int y = config.Integer("y", 0, 16_384, 0);
        int w = config.Integer("width", 1, 16_384);
        int h = config.Integer("height", 1, 16_384);
        PixelFormat f = Format(config.Text("format", "bgr24", FormatNames));
        if (config.Problems.Count > 0) return null!;
        if (AlignmentProblem(f, x, y, w, h) is { } why) { config.Problem(f == PixelFormat.Nv12 && (y | h) % 2 != 0 ? "y" : "x", why); return null!; }
        return new Crop(name, x, y, w, h, f) { ConfiguredAt = (context.Source, config.Field) };
    }

    private static string? AlignmentProblem(PixelFormat f, int x, int y, int w, int h) => f switch
    {
        PixelFormat.Yuyv when (x | w) % 2 != 0 => $"a yuyv region needs an even x and width (two pixels share their colour), got x {x}, width {w}",
        PixelFormat.Nv12 when (x | y | w | h) % 2 != 0 => $"an nv12 region needs an even x, y, width and height (2x2 pixels share their colour), got {x},{y} {w}x{h}",
        _ => null,
    };

    /// <summary>Checks the region against the incoming image's size (a bad region is the profile's: <see cref="Profiles.ProfileException"/>).</summary>
    public override void Start()
    {
        FrameBuffer src = Image.Payload.Frame;
        if (_x + _w <= src.Width && _y + _h <= src.Height) return;
        string why = $"the region {_x},{_y} {_w}x{_h} does not fit the {src.Width}x{src.Height} image of {Image.Source}";
        if (ConfiguredAt is { } at) throw new Profiles.ProfileException(at.Source, [$"{at.Field}.width: {why}"]);
        throw new InvalidOperationException($"node '{Name}': {why}");
    }

    /// <inheritdoc/>
    public override void Process()
    {
        FrameBuffer src = Image.Payload.Frame, dst = Region.Payload.Frame;
        int bpp = FrameBuffer.BytesPerPixel(src.Format);
        ReadOnlySpan<byte> s = src.Pixels;
        Span<byte> d = dst.Pixels;
        int rowBytes = _w * bpp;
        for (int r = 0; r < _h; r++)
            s.Slice((_y + r) * src.Stride + _x * bpp, rowBytes).CopyTo(d.Slice(r * dst.Stride, rowBytes));
        if (src.Format == PixelFormat.Nv12)
        {
            // The interleaved UV plane: one row per two image rows, one U V pair per two columns.
            int sPlane = src.Stride * src.Height, dPlane = dst.Stride * dst.Height;
            for (int r = 0; r < _h / 2; r++)
                s.Slice(sPlane + (_y / 2 + r) * src.Stride + _x, _w).CopyTo(d.Slice(dPlane + r * dst.Stride, _w));
        }
        dst.CaptureNs = src.CaptureNs;
        dst.Sequence = src.Sequence;
        Region.Payload.CaptureNs = Image.Payload.CaptureNs;
        _frames++;
    }

    /// <inheritdoc/>
    public override void Report(NodeReport report) => report.Add("frames", _frames);
}
