using System;
using System.Globalization;

namespace Realtime.Bench.Charts;

/// <summary>A chart frame: an SVG with a plot area, linear or log axes with round ticks, a title and axis labels.</summary>
public sealed class Plot
{
    private const double Left = 64, Right = 18, Top = 30, Bottom = 42;
    private readonly double _x0, _x1, _y0, _y1;
    private readonly bool _logX, _logY;

    /// <summary>Draws the frame, grid, ticks and labels; plot into it with <see cref="X"/> and <see cref="Y"/>.</summary>
    public Plot(double width, double height, string title, string xLabel, string yLabel,
        double x0, double x1, double y0, double y1, bool logX = false, bool logY = false, string attributes = "")
    {
        if (logX) { x0 = Math.Max(x0, 1e-3); x1 = Math.Max(x1, x0 * 1.0001); }
        if (logY) { y0 = Math.Max(y0, 1e-3); y1 = Math.Max(y1, y0 * 1.0001); }
        if (!(x1 > x0)) x1 = x0 + 1;
        if (!(y1 > y0)) y1 = y0 + 1;
        _x0 = x0; _x1 = x1; _y0 = y0; _y1 = y1; _logX = logX; _logY = logY;
        Svg = new Svg(width, height, attributes);
        AreaWidth = width - Left - Right;
        AreaHeight = height - Top - Bottom;
        Svg.Text(Left, 18, title, "title");
        Svg.Rect(Left, Top, AreaWidth, AreaHeight, "area");
        foreach (double t in logX ? ChartMath.LogTicks(x0, x1) : ChartMath.LinearTicks(x0, x1, 6))
        {
            double x = X(t);
            Svg.Line(x, Top, x, Top + AreaHeight, "grid");
            Svg.Text(x, Top + AreaHeight + 14, Label(t), "tick", "middle");
        }
        foreach (double t in logY ? ChartMath.LogTicks(y0, y1) : ChartMath.LinearTicks(y0, y1, 5))
        {
            double y = Y(t);
            Svg.Line(Left, y, Left + AreaWidth, y, "grid");
            Svg.Text(Left - 6, y + 4, Label(t), "tick", "end");
        }
        Svg.Text(Left + AreaWidth / 2, height - 6, xLabel, "axis", "middle");
        Svg.Text(14, Top + AreaHeight / 2, yLabel, "axis", "middle", $"transform=\"rotate(-90 14 {Svg.N(Top + AreaHeight / 2)})\"");
    }

    /// <summary>The SVG being drawn.</summary>
    public Svg Svg { get; }
    /// <summary>Plot area width.</summary>
    public double AreaWidth { get; }
    /// <summary>Plot area height.</summary>
    public double AreaHeight { get; }
    /// <summary>Plot area left edge.</summary>
    public double AreaLeft => Left;
    /// <summary>Plot area top edge.</summary>
    public double AreaTop => Top;
    /// <summary>Plot area bottom edge.</summary>
    public double AreaBottom => Top + AreaHeight;

    /// <summary>The x pixel of a value (values outside the axis are drawn at its edge).</summary>
    public double X(double v) => Left + AreaWidth * Fraction(v, _x0, _x1, _logX);

    /// <summary>The y pixel of a value (values outside the axis are drawn at its edge).</summary>
    public double Y(double v) => Top + AreaHeight * (1 - Fraction(v, _y0, _y1, _logY));

    private static double Fraction(double v, double lo, double hi, bool log)
    {
        double f = log ? (Math.Log10(Math.Max(v, lo)) - Math.Log10(lo)) / (Math.Log10(hi) - Math.Log10(lo)) : (v - lo) / (hi - lo);
        return Math.Clamp(f, 0, 1);
    }

    /// <summary>A tick label: short, invariant.</summary>
    public static string Label(double v)
    {
        double a = Math.Abs(v);
        if (a < 1e-9) return "0";
        if (a >= 1e6) return (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        if (a >= 10) return v.ToString("0.#", CultureInfo.InvariantCulture);
        if (a >= 1) return v.ToString("0.##", CultureInfo.InvariantCulture);
        return v.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
