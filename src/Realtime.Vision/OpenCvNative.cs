using System;

namespace Realtime.Vision;

/// <summary>Loads OpenCV's native library once, turning a loader failure into an instruction.</summary>
public static class OpenCvNative
{
    private static bool _loaded;

    /// <summary>OpenCV's native library, beside the binary: what a component type over OpenCV declares it loads (a bundle ships it only then).</summary>
    public const string LibraryFile = "libOpenCvSharpExtern.so";

    /// <summary>The libraries a component type over OpenCV declares (<c>libraries:</c> at registration).</summary>
    public static readonly string[] Libraries = { LibraryFile };

    /// <summary>Throws <see cref="InvalidOperationException"/> with what to install when OpenCvSharpExtern cannot load.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        try
        {
            _ = OpenCvSharp.Cv2.GetVersionString();
            _loaded = true;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is TypeInitializationException { InnerException: DllNotFoundException })
        {
            if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
                throw new InvalidOperationException(
                    "OpenCV's native library (libOpenCvSharpExtern.so) could not load: OpenCvSharp publishes it for linux-x64 only, and this is linux-" +
                    System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() +
                    ". Video files and the simulated camera need it; on a board, use a profile with a v4l2 camera.", ex);
            throw new InvalidOperationException(
                "OpenCV's native library (libOpenCvSharpExtern.so, beside the binary) could not load. It needs GTK 3: " +
                "install it with 'sudo apt-get install libgtk-3-0' (Debian/Ubuntu), or run ./scripts/demo.sh which does. " +
                "OpenCV is only used for video files and simulation; it exists for linux-x64 only.", ex);
        }
    }
}
