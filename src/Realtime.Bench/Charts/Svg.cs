using System;
using System.Globalization;
using System.Text;

namespace Realtime.Bench.Charts;

/// <summary>
/// A tiny SVG writer (no dependencies, nothing reflective): elements are appended to a string as
/// well-formed XML, numbers in the invariant culture, text escaped. Enough for axes, lines, bars,
/// dots and labels.
/// </summary>
public sealed class Svg
{
    private readonly StringBuilder _sb = new();
    private int _open;

    /// <summary>Opens an &lt;svg&gt; of the given size; <paramref name="attributes"/> is raw attribute text (already escaped).</summary>
    public Svg(double width, double height, string attributes = "")
    {
        Width = width;
        Height = height;
        _sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
           .Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height)).Append('"');
        if (attributes.Length > 0) _sb.Append(' ').Append(attributes);
        _sb.Append('>');
    }

    /// <summary>Width.</summary>
    public double Width { get; }
    /// <summary>Height.</summary>
    public double Height { get; }

    /// <summary>A number as SVG wants it: invariant culture, at most two decimals.</summary>
    public static string N(double v) => double.IsFinite(v) ? Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    /// <summary>Escapes text for XML content and attribute values.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Opens a group; <paramref name="attributes"/> is raw attribute text (already escaped).</summary>
    public Svg Group(string attributes)
    {
        _sb.Append("<g ").Append(attributes).Append('>');
        _open++;
        return this;
    }

    /// <summary>Closes the innermost group.</summary>
    public Svg End()
    {
        if (_open == 0) throw new InvalidOperationException("no group is open");
        _sb.Append("</g>");
        _open--;
        return this;
    }

    /// <summary>A line.</summary>
    public Svg Line(double x1, double y1, double x2, double y2, string cls, string extra = "")
    {
        _sb.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2)).Append("\" y2=\"").Append(N(y2))
           .Append("\" class=\"").Append(cls).Append('"');
        if (extra.Length > 0) _sb.Append(' ').Append(extra);
        _sb.Append("/>");
        return this;
    }

    /// <summary>A rectangle, with an optional tooltip.</summary>
    public Svg Rect(double x, double y, double w, double h, string cls, string? title = null, string extra = "")
    {
        _sb.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(Math.Max(0, w))).Append("\" height=\"").Append(N(Math.Max(0, h)))
           .Append("\" class=\"").Append(cls).Append('"');
        if (extra.Length > 0) _sb.Append(' ').Append(extra);
        return Close("rect", title);
    }

    /// <summary>A dot, with an optional tooltip.</summary>
    public Svg Circle(double cx, double cy, double r, string cls, string? title = null, string extra = "")
    {
        _sb.Append("<circle cx=\"").Append(N(cx)).Append("\" cy=\"").Append(N(cy)).Append("\" r=\"").Append(N(r)).Append("\" class=\"").Append(cls).Append('"');
        if (extra.Length > 0) _sb.Append(' ').Append(extra);
        return Close("circle", title);
    }

    /// <summary>A polyline through the points; <paramref name="extra"/> is raw attribute text.</summary>
    public Svg Polyline(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, string cls, string extra = "")
    {
        if (xs.Length != ys.Length) throw new ArgumentException("xs and ys differ in length");
        _sb.Append("<polyline class=\"").Append(cls).Append("\" points=\"");
        for (int i = 0; i < xs.Length; i++)
        {
            if (i > 0) _sb.Append(' ');
            _sb.Append(N(xs[i])).Append(',').Append(N(ys[i]));
        }
        _sb.Append('"');
        if (extra.Length > 0) _sb.Append(' ').Append(extra);
        _sb.Append("/>");
        return this;
    }

    /// <summary>Text at a point; <paramref name="anchor"/> is start, middle or end.</summary>
    public Svg Text(double x, double y, string text, string cls, string anchor = "start", string extra = "")
    {
        _sb.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" class=\"").Append(cls).Append("\" text-anchor=\"").Append(anchor).Append('"');
        if (extra.Length > 0) _sb.Append(' ').Append(extra);
        _sb.Append('>').Append(Escape(text)).Append("</text>");
        return this;
    }

    /// <summary>Closes every open group and the svg; returns the markup.</summary>
    public override string ToString()
    {
        var copy = new StringBuilder(_sb.ToString());
        for (int i = 0; i < _open; i++) copy.Append("</g>");
        copy.Append("</svg>");
        return copy.ToString();
    }

    private Svg Close(string element, string? title)
    {
        if (title is null) _sb.Append("/>");
        else _sb.Append("><title>").Append(Escape(title)).Append("</title></").Append(element).Append('>');
        return this;
    }
}
