using System.Runtime.CompilerServices;

namespace Realtime.Core.Imaging;

/// <summary>
/// YUV → RGB for BT.601 limited range (Y 16..235, U/V 16..240 around 128), what V4L2 cameras deliver
/// in YUYV and NV12. Same 20-bit fixed-point coefficients and rounding as OpenCV's
/// COLOR_YUV2RGB_YUYV / COLOR_YUV2RGB_NV12, so the fused pass agrees with OpenCV to the bit.
/// </summary>
public static class Bt601
{
    // Internal so the vectorised pass (LetterboxLanes) uses the very same coefficients.
    internal const int Shift = 20;
    internal const int Round = 1 << (Shift - 1);
    internal const int Cy = 1220542;   // 1.164 = 255/219
    internal const int Cub = 2116026;  // 2.018
    internal const int Cug = -409993;  // -0.391
    internal const int Cvg = -852492;  // -0.813
    internal const int Cvr = 1673527;  // 1.596

    /// <summary>One pixel's Y, U, V (bytes) to 8-bit R, G, B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToRgb(int y, int u, int v, out int r, out int g, out int b)
    {
        int yy = (y > 16 ? y - 16 : 0) * Cy;
        int uu = u - 128, vv = v - 128;
        r = Clamp((yy + Cvr * vv + Round) >> Shift);
        g = Clamp((yy + Cvg * vv + Cug * uu + Round) >> Shift);
        b = Clamp((yy + Cub * uu + Round) >> Shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Clamp(int v) => v < 0 ? 0 : v > 255 ? 255 : v;
}
