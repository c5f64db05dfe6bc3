namespace Realtime.Core.Pipeline;

/// <summary>Cheap, allocation-free checks that a frame comes from a live sensor.</summary>
public static class FrameSanity
{
    /// <summary>Grid points sampled per axis by <see cref="IsFlat"/>.</summary>
    public const int GridPoints = 8;

    /// <summary>Default flat frames in a row that make a source fault (one can be a real black frame).</summary>
    public const int FlatFramesForFault = 3;

    /// <summary>
    /// True when all 64 pixels sampled on an 8×8 grid are identical: a covered, dead or
    /// disconnected sensor (or, once in a while, a truly uniform scene).
    /// </summary>
    public static bool IsFlat(FrameBuffer frame)
    {
        // A frame smaller than the grid (a synthetic 1×1 sensor) cannot be judged.
        if (frame.Width < GridPoints || frame.Height < GridPoints) return false;
        byte[] px = frame.Pixels;
        int bpp = FrameBuffer.BytesPerPixel(frame.Format);
        int first = -1;
        for (int gy = 0; gy < GridPoints; gy++)
        {
            int y = (int)((gy + 0.5) * frame.Height / GridPoints);
            for (int gx = 0; gx < GridPoints; gx++)
            {
                int x = (int)((gx + 0.5) * frame.Width / GridPoints);
                int o = y * frame.Stride + x * bpp;
                int v = px[o] | (bpp > 1 ? px[o + 1] << 8 : 0) | (bpp > 2 ? px[o + 2] << 16 : 0);
                if (first < 0) first = v;
                else if (v != first) return false;
            }
        }
        return true;
    }
}
