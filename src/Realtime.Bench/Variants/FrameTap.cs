using System;
using Realtime.Core.Components;
using Realtime.Core.Control;
using Realtime.Core.Decoding;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Bench.Variants;

/// <summary>
/// What a ladder's lane keeps of each frame: its graph's decoder output (the best detection, the
/// line segments or the value it computed) and, where the decoder feeds a pure-pursuit controller,
/// that controller's line estimate. An instrument attached to the lane's loop: it reads the nodes'
/// output ports after the frame, so the figures are what the graph itself computed, and it
/// allocates nothing per frame.
/// </summary>
public sealed class FrameTap : LoopInstrument
{
    private readonly DetectionsPayload? _detections;
    private readonly ValuePayload<LineSegments>? _segments;
    private readonly ValuePayload<float>? _value;
    private readonly PurePursuit? _steering;
    // Detections are in 0..1 of the image; the camera's size puts them back in its pixels.
    private readonly int _imageWidth, _imageHeight;

    private FrameTap(int frames, DetectionsPayload? detections, ValuePayload<LineSegments>? segments, ValuePayload<float>? value, PurePursuit? steering, int imageWidth, int imageHeight)
    {
        _imageWidth = imageWidth;
        _imageHeight = imageHeight;
        _detections = detections;
        _segments = segments;
        _value = value;
        _steering = steering;
        Faces = new FaceDetection[detections is null ? 0 : frames];
        Segments = new LineSegments[segments is null ? 0 : frames];
        Lines = new LineEstimate[steering is null ? 0 : frames];
        Values = new float[value is null ? 0 : frames];
    }

    /// <summary>Per frame (warm-up included), the decoder's best detection, in the camera image's pixels, and how many it found (detection decoders).</summary>
    public FaceDetection[] Faces { get; }
    /// <summary>Per frame, the decoder's segments (line-segment decoders).</summary>
    public LineSegments[] Segments { get; }
    /// <summary>Per frame, the controller's line estimate (a pure-pursuit controller after the decoder).</summary>
    public LineEstimate[] Lines { get; }
    /// <summary>Per frame, the decoder's value (a probability).</summary>
    public float[] Values { get; }

    /// <summary>
    /// A tap on <paramref name="loop"/>'s node <paramref name="decoder"/> (its first output) and, when it is a
    /// pure-pursuit controller, <paramref name="controller"/>, for <paramref name="frames"/> frames; attached.
    /// </summary>
    /// <exception cref="InvalidOperationException">The decoder is missing or puts out something no ladder scores.</exception>
    public static FrameTap Attach(GraphLoop loop, string decoder, string? controller, int frames)
    {
        ArgumentNullException.ThrowIfNull(loop);
        Node node = loop.Graph.Find(decoder) ?? throw new InvalidOperationException($"the graph has no node '{decoder}'");
        if (node.Outputs.Count == 0) throw new InvalidOperationException($"node '{decoder}' has no output to score");
        Payload output = node.Outputs[0].Untyped;
        int width = 1, height = 1;
        foreach (SourceNode source in loop.Graph.Sources)
            foreach (OutputPort port in source.Outputs)
                if (port.Untyped is ImagePayload image && width == 1) (width, height) = (image.Frame.Width, image.Frame.Height);
        var tap = new FrameTap(frames, output as DetectionsPayload, output as ValuePayload<LineSegments>, output as ValuePayload<float>,
            controller is null ? null : loop.Graph.Find(controller) as PurePursuit, width, height);
        if (tap._detections is null && tap._segments is null && tap._value is null)
            throw new InvalidOperationException($"node '{decoder}' puts out {output.Type}: no ladder scores it (detections, line segments or a value)");
        loop.Attach(tap);
        return tap;
    }

    /// <inheritdoc/>
    public override void OnFrameEnd(int frame, ref FrameRecord record)
    {
        // A frame whose sources failed ran no decoder: it keeps nothing (the lane's run then fails its count).
        if ((record.Flags & FrameFlags.SourceFault) != 0) return;
        if (frame < Faces.Length)
        {
            ref var f = ref Faces[frame];
            f.Count = 0;
            f.FrameWidth = _imageWidth;
            f.FrameHeight = _imageHeight;
            foreach (ref readonly Detection d in _detections!.Current)
            {
                if (f.Count++ > 0 && d.Score <= f.Best.Score) continue;
                f.Best = new FaceBox { CenterX = d.CenterX * _imageWidth, CenterY = d.CenterY * _imageHeight, Width = d.Width * _imageWidth, Height = d.Height * _imageHeight, Score = d.Score };
            }
        }
        if (frame < Segments.Length) Segments[frame] = _segments!.Value;
        if (frame < Lines.Length) Lines[frame] = _steering!.Last;
        if (frame < Values.Length) Values[frame] = _value!.Value;
    }
}
