namespace Realtime.Core.Imaging;

/// <summary>Which implementation of the fused letterbox pass runs.</summary>
public enum PreprocessKernel
{
    /// <summary>The widest vectors this CPU accelerates: <see cref="Vector256"/> where 256-bit vectors are hardware accelerated (x64 with AVX2), else <see cref="Vector128"/> (SSE4, arm64 NEON), else <see cref="Scalar"/>.</summary>
    Auto,
    /// <summary>One value at a time: the reference the vector kernels are tested against.</summary>
    Scalar,
    /// <summary>4 floats per step with System.Runtime.Intrinsics' Vector128 (what an arm64 board runs).</summary>
    Vector128,
    /// <summary>8 floats per step with Vector256 (AVX2's hardware gather on x64).</summary>
    Vector256,
}
