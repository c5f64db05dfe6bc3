using System;
using System.Runtime.InteropServices;

namespace Realtime.Core.Graph;

/// <summary>
/// A tensor of an element type and shape in pinned memory, so a model can be bound to it once.
/// The base owns its memory; a subclass may expose memory someone else owns and pins (a model's
/// own bound input) by overriding <see cref="Bytes"/>.
/// </summary>
public class TensorPayload : Payload
{
    private readonly byte[]? _memory;

    /// <summary>Allocates a pinned tensor of the given element type and (fully known) shape.</summary>
    public TensorPayload(TensorElement element, params int[] shape) : base(Concrete(element, shape))
    {
        _memory = GC.AllocateArray<byte>(checked(Elements(shape) * ElementSize(element)), pinned: true);
    }

    /// <summary>For a subclass over memory it owns elsewhere: <see cref="Bytes"/> must be overridden.</summary>
    protected TensorPayload(PayloadType type) : base(type)
    {
        if (type.Kind != PayloadKind.Tensor || !type.HasShape) throw new ArgumentException("a tensor payload has a tensor type with a shape", nameof(type));
        foreach (int d in type.Shape) if (d < 1) throw new ArgumentException("a tensor payload's shape is fully known", nameof(type));
    }

    /// <summary>The tensor's bytes.</summary>
    public virtual Span<byte> Bytes => _memory;

    /// <summary>The tensor as elements of <typeparamref name="T"/> (which must match its element type in size).</summary>
    public Span<T> As<T>() where T : struct => MemoryMarshal.Cast<byte, T>(Bytes);

    /// <summary>The tensor as floats (a <see cref="TensorElement.Float32"/> tensor).</summary>
    public Span<float> Floats => MemoryMarshal.Cast<byte, float>(Bytes);

    /// <summary>Bytes per element of a type.</summary>
    public static int ElementSize(TensorElement element) => element switch
    {
        TensorElement.Float32 or TensorElement.Int32 => 4,
        TensorElement.Float16 => 2,
        TensorElement.UInt8 or TensorElement.Int8 => 1,
        TensorElement.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(element)),
    };

    private static PayloadType Concrete(TensorElement element, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape) if (d < 1) throw new ArgumentOutOfRangeException(nameof(shape), "a tensor payload's dimensions are known and positive");
        return PayloadType.Tensor(element, shape);
    }

    /// <summary>Elements in a tensor of <paramref name="shape"/> (every dimension known); an overflow throws.</summary>
    public static int Elements(ReadOnlySpan<int> shape)
    {
        int n = 1;
        foreach (int d in shape) n = checked(n * d);
        return n;
    }

    /// <inheritdoc/>
    public override Payload? NewCopy() => new TensorPayload(Type.Element, Type.Shape.ToArray());

    /// <inheritdoc/>
    protected override void CopyData(Payload target) => Bytes.CopyTo(((TensorPayload)target).Bytes);
}
