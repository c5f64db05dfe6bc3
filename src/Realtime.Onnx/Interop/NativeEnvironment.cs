using System.Runtime.InteropServices;

namespace Realtime.Onnx.Interop;

/// <summary>
/// The C library's own environment, which native code such as ONNX Runtime reads with getenv
/// (.NET keeps a copy of its own: <c>Environment.SetEnvironmentVariable</c> never reaches it).
/// </summary>
internal static partial class NativeEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int SetEnv(string name, string value, int overwrite);
}
