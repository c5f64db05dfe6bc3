using System;
using System.Collections.Generic;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Recording;

/// <summary>
/// The camera frames of one image source of a recording (<c>rtapp record</c>'s, or a run's with
/// <c>--record</c>), in order, as the source emitted them: what the variant table and a quantizer's
/// calibration read instead of their own rendered or simulated frames.
/// </summary>
public sealed class RecordedImages
{
    private readonly List<byte[]> _frames;

    private RecordedImages(string application, string source, PixelFormat format, int width, int height, List<byte[]> frames)
    {
        Application = application;
        Source = source;
        Format = format;
        Width = width;
        Height = height;
        _frames = frames;
    }

    /// <summary>The application recorded (the metadata's <c>application</c>).</summary>
    public string Application { get; }
    /// <summary>The image source's node name.</summary>
    public string Source { get; }
    /// <summary>The frames' pixel format.</summary>
    public PixelFormat Format { get; }
    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Frames recorded.</summary>
    public int Count => _frames.Count;

    /// <summary>Frame <paramref name="index"/>'s pixels (<see cref="FrameBuffer.FrameBytes"/> of them, rows tightly packed).</summary>
    public ReadOnlySpan<byte> this[int index] => _frames[index];

    /// <summary>Copies frame <paramref name="index"/> into <paramref name="to"/>, which must have this recording's size and format.</summary>
    public void CopyTo(int index, FrameBuffer to)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (to.Format != Format || to.Width != Width || to.Height != Height)
            throw new ArgumentException($"the frame is {to.Width}×{to.Height} {to.Format}; the recording's are {Width}×{Height} {Format}", nameof(to));
        _frames[index].AsSpan().CopyTo(to.Pixels);
    }

    /// <summary>
    /// Reads the frames of <paramref name="source"/> (null: the recording's only image source) from
    /// <paramref name="bytes"/>, a whole recording.
    /// </summary>
    /// <exception cref="McapFormatException">Not a readable rtapp recording, or none of its sources is that image source (said with what it holds).</exception>
    public static RecordedImages Read(byte[] bytes, string? source = null)
    {
        var r = Recording.Read(bytes);
        string application = r.Run.GetValueOrDefault("application", "?");
        var images = new List<string>();
        var all = new List<string>();
        foreach (var (name, d) in r.Sources)
        {
            all.Add($"{name}: {d.GetValueOrDefault("kind", "?")}");
            if (d.GetValueOrDefault("kind") == "image") images.Add(name);
        }
        all.Sort(StringComparer.Ordinal);
        images.Sort(StringComparer.Ordinal);
        string holds = $"a recording of '{application}' whose sources are {(all.Count == 0 ? "none" : string.Join(", ", all))}";
        if (images.Count == 0) throw new McapFormatException($"{holds}: no camera frames (an image source) in it");
        string name1 = source ?? (images.Count == 1 ? images[0]
            : throw new McapFormatException($"{holds}: more than one image source; name the one to read"));
        if (!images.Contains(name1)) throw new McapFormatException($"{holds}: no image source '{name1}'");
        var desc = r.Sources[name1];
        if (!Enum.TryParse(desc.GetValueOrDefault("format", ""), out PixelFormat format)
            || !int.TryParse(desc.GetValueOrDefault("width", ""), out int width) || !int.TryParse(desc.GetValueOrDefault("height", ""), out int height)
            || width < 1 || height < 1)
            throw new McapFormatException($"source '{name1}' is described as '{string.Join(';', desc)}': no format, width and height to read its frames by");
        int bytesPerFrame = FrameBuffer.FrameBytes(format, width, height);
        var frames = new List<byte[]>(r.Frames.Count);
        foreach (RecordedFrame f in r.Frames)
        {
            byte[] data = f.Inputs[name1].Data;
            if (data.Length != bytesPerFrame)
                throw new McapFormatException($"frame {f.Timing.Frame} of source '{name1}' holds {data.Length} bytes; a {width}×{height} {format} frame is {bytesPerFrame}");
            frames.Add(data);
        }
        return new RecordedImages(application, name1, format, width, height, frames);
    }
}
