using System;
using System.Globalization;
using System.Text;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Graph;

/// <summary>
/// What a port carries or accepts, compared once when the graph is built (never per frame). An
/// output's type is concrete; an input's may leave parts open: a null pixel format, a size or
/// sample count of 0, a tensor dimension of -1 or a null shape accept any.
/// </summary>
public sealed class PayloadType
{
    private readonly int[]? _shape;

    private PayloadType(PayloadKind kind, PixelFormat? format = null, int width = 0, int height = 0, TensorElement element = default,
        int[]? shape = null, int sampleRateHz = 0, int count = 0, Type? valueType = null)
    {
        Kind = kind;
        Format = format;
        Width = width;
        Height = height;
        Element = element;
        _shape = shape;
        SampleRateHz = sampleRateHz;
        Count = count;
        ValueType = valueType;
    }

    /// <summary>What flows.</summary>
    public PayloadKind Kind { get; }
    /// <summary>Image pixel format (null: any).</summary>
    public PixelFormat? Format { get; }
    /// <summary>Image width (0: any).</summary>
    public int Width { get; }
    /// <summary>Image height (0: any).</summary>
    public int Height { get; }
    /// <summary>Tensor element type.</summary>
    public TensorElement Element { get; }
    /// <summary>Tensor shape (a -1 dimension: any; null: any shape).</summary>
    public ReadOnlySpan<int> Shape => _shape;
    /// <summary>Whether a tensor type names its shape.</summary>
    public bool HasShape => _shape is not null;
    /// <summary>Audio sample rate (0: any).</summary>
    public int SampleRateHz { get; }
    /// <summary>Audio samples per chunk, detections' capacity or a command's channels (0: any).</summary>
    public int Count { get; }
    /// <summary>The struct a <see cref="PayloadKind.Value"/> payload holds.</summary>
    public Type? ValueType { get; }

    /// <summary>An image; leave parts open on an input to accept any.</summary>
    public static PayloadType Image(PixelFormat? format = null, int width = 0, int height = 0)
    {
        if (width < 0 || height < 0) throw new ArgumentOutOfRangeException(nameof(width), "an image size is positive (0: any)");
        return new(PayloadKind.Image, format, width, height);
    }

    /// <summary>A tensor of <paramref name="element"/>; <paramref name="shape"/> null (any) or its dimensions (-1: any).</summary>
    public static PayloadType Tensor(TensorElement element, params int[]? shape)
    {
        if (shape is not null)
        {
            if (shape.Length == 0 || shape.Length > 8) throw new ArgumentOutOfRangeException(nameof(shape), "a tensor has 1 to 8 dimensions");
            foreach (int d in shape) if (d < -1 || d == 0) throw new ArgumentOutOfRangeException(nameof(shape), "a dimension is positive (-1: any)");
            shape = (int[])shape.Clone();
        }
        return new(PayloadKind.Tensor, element: element, shape: shape);
    }

    /// <summary>Audio chunks of <paramref name="samples"/> mono float samples at <paramref name="sampleRateHz"/> (0: any).</summary>
    public static PayloadType Audio(int sampleRateHz = 0, int samples = 0)
    {
        if (sampleRateHz < 0 || samples < 0) throw new ArgumentOutOfRangeException(nameof(samples), "rate and samples are positive (0: any)");
        return new(PayloadKind.Audio, sampleRateHz: sampleRateHz, count: samples);
    }

    /// <summary>One IMU sample.</summary>
    public static PayloadType Imu() => new(PayloadKind.Imu);

    /// <summary>Detections, up to <paramref name="capacity"/> (0: any).</summary>
    public static PayloadType Detections(int capacity = 0)
    {
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity));
        return new(PayloadKind.Detections, count: capacity);
    }

    /// <summary>A command of <paramref name="channels"/> channels (0: any).</summary>
    public static PayloadType Command(int channels = 0)
    {
        if (channels < 0 || channels > ChannelValues.MaxChannels) throw new ArgumentOutOfRangeException(nameof(channels), $"0 to {ChannelValues.MaxChannels} channels");
        return new(PayloadKind.Command, count: channels);
    }

    /// <summary>A struct of the application's own.</summary>
    public static PayloadType Value<T>() where T : struct => new(PayloadKind.Value, valueType: typeof(T));

    /// <summary>
    /// Null when a payload of type <paramref name="offered"/> (an output's) may flow into a port
    /// accepting this type; otherwise why not, in words naming both.
    /// </summary>
    public string? Mismatch(PayloadType offered)
    {
        if (offered.Kind != Kind) return $"{offered} cannot flow into {this}";
        bool ok = Kind switch
        {
            PayloadKind.Image => (Format is null || Format == offered.Format) && (Width == 0 || Width == offered.Width) && (Height == 0 || Height == offered.Height),
            PayloadKind.Tensor => Element == offered.Element && ShapeAccepts(offered),
            PayloadKind.Audio => (SampleRateHz == 0 || SampleRateHz == offered.SampleRateHz) && (Count == 0 || Count == offered.Count),
            PayloadKind.Detections => Count == 0 || Count <= offered.Count,
            PayloadKind.Command => Count == 0 || Count == offered.Count,
            PayloadKind.Value => ValueType == offered.ValueType,
            _ => true,
        };
        return ok ? null : $"{offered} cannot flow into {this}";
    }

    private bool ShapeAccepts(PayloadType offered)
    {
        if (_shape is null) return true;
        if (offered._shape is null || offered._shape.Length != _shape.Length) return false;
        for (int i = 0; i < _shape.Length; i++)
            if (_shape[i] != -1 && _shape[i] != offered._shape[i]) return false;
        return true;
    }

    /// <summary>The type in a profile's words (<c>image bgr24 320x240</c>, <c>tensor float32 [1,3,-1,-1]</c>).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        switch (Kind)
        {
            case PayloadKind.Image:
                sb.Append("image ").Append(Format is { } f ? f.ToString().ToLowerInvariant() : "any-format");
                sb.Append(' ').Append(Width == 0 ? "any" : Width.ToString(c)).Append('x').Append(Height == 0 ? "any" : Height.ToString(c));
                break;
            case PayloadKind.Tensor:
                sb.Append("tensor ").Append(Element.ToString().ToLowerInvariant());
                if (_shape is null) sb.Append(" any-shape");
                else
                {
                    sb.Append(" [");
                    for (int i = 0; i < _shape.Length; i++) sb.Append(i > 0 ? "," : "").Append(_shape[i].ToString(c));
                    sb.Append(']');
                }
                break;
            case PayloadKind.Audio:
                sb.Append("audio ").Append(SampleRateHz == 0 ? "any-rate" : SampleRateHz.ToString(c) + " Hz")
                    .Append(", ").Append(Count == 0 ? "any" : Count.ToString(c)).Append(" samples");
                break;
            case PayloadKind.Imu:
                sb.Append("imu sample");
                break;
            case PayloadKind.Detections:
                sb.Append("detections (").Append(Count == 0 ? "any" : Count.ToString(c)).Append(')');
                break;
            case PayloadKind.Command:
                sb.Append("command of ").Append(Count == 0 ? "any" : Count.ToString(c)).Append(" channels");
                break;
            default:
                sb.Append("value ").Append(ValueType?.Name);
                break;
        }
        return sb.ToString();
    }
}
