using System;
using OpenCvSharp;
using Realtime.Vision;

namespace Realtime.Sim;

/// <summary>
/// A closed track: a dark line painted on a light floor along a rounded rectangle (two pairs of
/// straights joined by quarter circles), centred on the world's origin, run counter-clockwise from
/// the middle of the bottom straight (the start line, heading +x). World units are centimetres, y up.
/// The centreline is kept as a dense polyline with its arc length, for progress and cross-track error.
/// </summary>
public sealed class LineTrack
{
    private readonly double[] _x, _y, _s; // polyline vertices and arc length at each (closed: last = first)

    /// <summary>Plans the track.</summary>
    /// <param name="widthCm">Outer width of the centreline's rectangle, cm.</param>
    /// <param name="heightCm">Outer height, cm.</param>
    /// <param name="cornerRadiusCm">Radius of the corners, cm.</param>
    /// <param name="lineWidthCm">Width of the painted line, cm.</param>
    /// <param name="stepCm">Spacing of the centreline polyline, cm.</param>
    public LineTrack(double widthCm, double heightCm, double cornerRadiusCm, double lineWidthCm, double stepCm = 0.5)
    {
        if (!(cornerRadiusCm > 0) || !(widthCm >= 2 * cornerRadiusCm) || !(heightCm >= 2 * cornerRadiusCm))
            throw new ArgumentOutOfRangeException(nameof(cornerRadiusCm), "the corners must fit: width and height at least twice the corner radius, radius positive");
        if (!(lineWidthCm > 0)) throw new ArgumentOutOfRangeException(nameof(lineWidthCm), "the line width must be positive");
        WidthCm = widthCm;
        HeightCm = heightCm;
        CornerRadiusCm = cornerRadiusCm;
        LineWidthCm = lineWidthCm;
        double a = widthCm / 2, b = heightCm / 2, r = cornerRadiusCm;
        double sx = a - r, sy = b - r; // half straights
        Length = 4 * sx + 4 * sy + 2 * Math.PI * r;
        int n = Math.Max(16, (int)Math.Ceiling(Length / stepCm));
        _x = new double[n + 1];
        _y = new double[n + 1];
        _s = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double s = Length * i / n;
            var (x, y, _) = At(s);
            _x[i] = x;
            _y[i] = y;
            _s[i] = s;
        }
    }

    /// <summary>Centreline rectangle width, cm.</summary>
    public double WidthCm { get; }
    /// <summary>Centreline rectangle height, cm.</summary>
    public double HeightCm { get; }
    /// <summary>Corner radius, cm.</summary>
    public double CornerRadiusCm { get; }
    /// <summary>Painted line width, cm.</summary>
    public double LineWidthCm { get; }
    /// <summary>Length of the centreline (one lap), cm.</summary>
    public double Length { get; }

    /// <summary>The centreline point and heading (radians, 0 = +x) at arc length <paramref name="s"/> from the start line.</summary>
    public (double X, double Y, double Heading) At(double s)
    {
        double a = WidthCm / 2, b = HeightCm / 2, r = CornerRadiusCm;
        double sx = a - r, sy = b - r;
        s %= Length;
        if (s < 0) s += Length;
        // Pieces counter-clockwise from (0, -b): half bottom, corner, right, corner, top, corner, left, corner, half bottom.
        double q = Math.PI * r / 2;
        if (s < sx) return (s, -b, 0);
        s -= sx;
        if (s < q) return Arc(sx, -sy, -Math.PI / 2, s / r);
        s -= q;
        if (s < 2 * sy) return (a, -sy + s, Math.PI / 2);
        s -= 2 * sy;
        if (s < q) return Arc(sx, sy, 0, s / r);
        s -= q;
        if (s < 2 * sx) return (sx - s, b, Math.PI);
        s -= 2 * sx;
        if (s < q) return Arc(-sx, sy, Math.PI / 2, s / r);
        s -= q;
        if (s < 2 * sy) return (-a, sy - s, -Math.PI / 2);
        s -= 2 * sy;
        if (s < q) return Arc(-sx, -sy, Math.PI, s / r);
        s -= q;
        return (-sx + s, -b, 0);

        (double, double, double) Arc(double cx, double cy, double start, double turned)
        {
            double ang = start + turned;
            return (cx + r * Math.Cos(ang), cy + r * Math.Sin(ang), ang + Math.PI / 2);
        }
    }

    /// <summary>
    /// The centreline point nearest (x, y): its arc length from the start line and the signed
    /// distance to it (positive: the point is left of the direction of travel, i.e. inside). Allocation-free.
    /// </summary>
    public (double Progress, double SignedDistance) Project(double x, double y)
    {
        double bestD2 = double.MaxValue, bestS = 0, bestSide = 0;
        for (int i = 0; i + 1 < _x.Length; i++)
        {
            double dx = _x[i + 1] - _x[i], dy = _y[i + 1] - _y[i];
            double len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? Math.Clamp(((x - _x[i]) * dx + (y - _y[i]) * dy) / len2, 0, 1) : 0;
            double px = _x[i] + t * dx - x, py = _y[i] + t * dy - y;
            double d2 = px * px + py * py;
            if (d2 < bestD2)
            {
                bestD2 = d2;
                bestS = _s[i] + t * (_s[i + 1] - _s[i]);
                // Cross product of travel direction and (point - centreline): positive on the left.
                bestSide = dx * (-py) - dy * (-px);
            }
        }
        double d = Math.Sqrt(bestD2);
        return (bestS % Length, bestSide >= 0 ? d : -d);
    }

    /// <summary>
    /// Draws the floor and the line with OpenCV into a new BGR image of the world, <paramref name="pxPerCm"/>
    /// pixels per centimetre with <paramref name="marginCm"/> of floor around the track. The floor is light
    /// grey with a fixed-seed speckle (a real floor is never flat); the line is near black, anti-aliased.
    /// </summary>
    public TrackWorld Render(double pxPerCm, double marginCm)
    {
        if (!(pxPerCm > 0) || !(marginCm >= 0)) throw new ArgumentOutOfRangeException(nameof(pxPerCm));
        OpenCvNative.EnsureLoaded();
        double originX = -WidthCm / 2 - marginCm, topY = HeightCm / 2 + marginCm;
        int w = (int)Math.Ceiling((WidthCm + 2 * marginCm) * pxPerCm), h = (int)Math.Ceiling((HeightCm + 2 * marginCm) * pxPerCm);
        var image = new Mat(h, w, MatType.CV_8UC3, new Scalar(196, 200, 204));
        AddSpeckle(image);
        var pts = new Point[_x.Length - 1];
        for (int i = 0; i < pts.Length; i++)
            pts[i] = new Point((_x[i] - originX) * pxPerCm * 16, (topY - _y[i]) * pxPerCm * 16); // 4 fractional bits
        Cv2.Polylines(image, new[] { pts }, true, new Scalar(38, 36, 34), (int)Math.Round(LineWidthCm * pxPerCm), LineTypes.AntiAlias, 4);
        return new TrackWorld(image, pxPerCm, originX, topY);
    }

    /// <summary>Fixed-seed grey noise (±8 levels, softened by a 3×3 blur): the same floor every run.</summary>
    private static unsafe void AddSpeckle(Mat image)
    {
        uint state = 2463534242;
        byte* row0 = (byte*)image.DataPointer;
        long step = image.Step();
        int rows = image.Rows, cols = image.Cols;
        for (int y = 0; y < rows; y++)
        {
            byte* px = row0 + y * step;
            for (int x = 0; x < cols; x++, px += 3)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                int n = (int)(state % 17) - 8;
                for (int c = 0; c < 3; c++) px[c] = (byte)Math.Clamp(px[c] + n, 0, 255);
            }
        }
        Cv2.GaussianBlur(image, image, new Size(3, 3), 0);
    }
}

/// <summary>The rendered floor: a BGR image and how world centimetres map onto it.</summary>
public sealed class TrackWorld : IDisposable
{
    internal TrackWorld(Mat image, double pxPerCm, double originXCm, double topYCm)
    {
        Image = image;
        PxPerCm = pxPerCm;
        OriginXCm = originXCm;
        TopYCm = topYCm;
    }

    /// <summary>The floor image (BGR).</summary>
    public Mat Image { get; }
    /// <summary>Image pixels per world centimetre.</summary>
    public double PxPerCm { get; }
    /// <summary>World x of the image's left edge, cm.</summary>
    public double OriginXCm { get; }
    /// <summary>World y of the image's top edge, cm.</summary>
    public double TopYCm { get; }

    /// <inheritdoc/>
    public void Dispose() => Image.Dispose();
}
