using System;
using System.Runtime.InteropServices;

namespace Realtime.Linux.Interop;

/// <summary>The few ALSA PCM calls audio capture uses (alsa-lib's <c>libasound.so.2</c>), source-generated.</summary>
internal static unsafe partial class Alsa
{
    public const string Lib = "libasound.so.2";

    public const int SND_PCM_STREAM_CAPTURE = 1;
    public const int SND_PCM_FORMAT_S16_LE = 2;
    public const int SND_PCM_ACCESS_RW_INTERLEAVED = 3;
    public const int EPIPE = 32;     // overrun: the device's buffer filled before it was read
    public const int ESTRPIPE = 86;  // the device was suspended

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int snd_pcm_open(out IntPtr pcm, string name, int stream, int mode);

    [LibraryImport(Lib)]
    public static partial int snd_pcm_set_params(IntPtr pcm, int format, int access, uint channels, uint rate, int softResample, uint latencyUs);

    [LibraryImport(Lib)]
    public static partial nint snd_pcm_readi(IntPtr pcm, void* buffer, nuint frames);

    [LibraryImport(Lib)]
    public static partial int snd_pcm_recover(IntPtr pcm, int err, int silent);

    [LibraryImport(Lib)]
    public static partial int snd_pcm_drop(IntPtr pcm);

    [LibraryImport(Lib)]
    public static partial int snd_pcm_start(IntPtr pcm);

    [LibraryImport(Lib)]
    public static partial int snd_pcm_close(IntPtr pcm);

    [LibraryImport(Lib)]
    public static partial IntPtr snd_strerror(int errnum);

    [LibraryImport(Lib)]
    public static partial IntPtr snd_asoundlib_version();

    /// <summary>ALSA's own text for a negative error code.</summary>
    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(snd_strerror(err)) ?? $"error {err}";
}
