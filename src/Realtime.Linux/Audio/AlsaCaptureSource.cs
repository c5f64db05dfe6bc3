using System;
using System.Runtime.InteropServices;
using System.Threading;
using Realtime.Core.Audio;
using Realtime.Core.Pipeline;
using Realtime.Core.Timing;
using Realtime.Linux.Interop;

namespace Realtime.Linux.Audio;

/// <summary>Audio capture could not start: the message carries ALSA's own words and the device.</summary>
public sealed class AudioDeviceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AudioDeviceException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Audio from an ALSA capture device (alsa-lib through P/Invoke): signed 16-bit, mono, at the
/// profile's rate, read in fixed chunks on its own capture thread into a lock-free
/// <see cref="SampleChunkRing"/>, so the pipeline never waits on the sound card. <see cref="Capture"/>
/// takes the oldest waiting chunk into a <see cref="PixelFormat.Float32"/> slot, stamped with the
/// time its last sample was read; with none waiting it leaves the slot as it was (the loop sees a
/// stale frame and applies its source-failure policy) and counts an underrun. Overruns (the
/// device's buffer filled: ALSA's -EPIPE, recovered with <c>snd_pcm_recover</c>) and chunks dropped
/// because the ring was full are counted apart.
/// </summary>
public sealed unsafe class AlsaCaptureSource : IFrameSource
{
    private readonly IntPtr _pcm;
    private readonly SampleChunkRing _ring;
    private readonly short[] _scratch;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _deviceOverruns;
    private long _underruns;
    private int _failedErr;
    private bool _disposed;

    private AlsaCaptureSource(IntPtr pcm, string device, int sampleRate, int chunk, int ringChunks)
    {
        _pcm = pcm;
        Device = device;
        SampleRate = sampleRate;
        Width = chunk;
        _ring = new SampleChunkRing(chunk, ringChunks);
        _scratch = GC.AllocateArray<short>(chunk, pinned: true);
        _thread = new Thread(CaptureThread) { IsBackground = true, Name = "rt-audio-capture" };
    }

    /// <summary>The ALSA device name (e.g. <c>hw:1,0</c>, <c>default</c>).</summary>
    public string Device { get; }
    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }
    /// <summary>Samples per chunk.</summary>
    public int Width { get; }
    /// <inheritdoc/>
    public int Height => 1;
    /// <inheritdoc/>
    public PixelFormat Format => PixelFormat.Float32;
    /// <summary>Times the device's own buffer overflowed (-EPIPE) and capture was recovered.</summary>
    public long DeviceOverruns => Interlocked.Read(ref _deviceOverruns);
    /// <summary>Chunks dropped because the pipeline left the ring full.</summary>
    public long RingOverruns => _ring.Overruns;
    /// <summary>Captures that found no new chunk waiting.</summary>
    public long Underruns => _underruns;
    /// <summary>Chunks read from the device so far.</summary>
    public long ChunksCaptured => _ring.Written;

    /// <summary>
    /// The alsa-lib version string: proves <c>libasound.so.2</c> loads. A missing library is an
    /// <see cref="AudioDeviceException"/> saying which package provides it.
    /// </summary>
    public static string LibraryVersion()
    {
        try
        {
            return Marshal.PtrToStringUTF8(Alsa.snd_asoundlib_version()) ?? "";
        }
        catch (DllNotFoundException ex)
        {
            throw new AudioDeviceException($"{Alsa.Lib} could not be loaded (install Debian's libasound2): {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Opens <paramref name="device"/> for capture (S16_LE, mono, <paramref name="sampleRate"/> Hz,
    /// ALSA resampling allowed, <paramref name="latencyUs"/> of device buffer) and starts the
    /// capture thread. Failure is an <see cref="AudioDeviceException"/> with ALSA's error text.
    /// </summary>
    public static AlsaCaptureSource Open(string device, int sampleRate, int chunk, int ringChunks = 8, uint latencyUs = 100_000)
    {
        LibraryVersion();
        int err = Alsa.snd_pcm_open(out IntPtr pcm, device, Alsa.SND_PCM_STREAM_CAPTURE, 0);
        if (err < 0) throw new AudioDeviceException($"ALSA cannot open capture device '{device}': {Alsa.ErrorText(err)} ({err})");
        err = Alsa.snd_pcm_set_params(pcm, Alsa.SND_PCM_FORMAT_S16_LE, Alsa.SND_PCM_ACCESS_RW_INTERLEAVED, 1, (uint)sampleRate, 1, latencyUs);
        if (err < 0)
        {
            Alsa.snd_pcm_close(pcm);
            throw new AudioDeviceException($"ALSA capture device '{device}' refuses S16_LE mono at {sampleRate} Hz: {Alsa.ErrorText(err)} ({err})");
        }
        // Start explicitly: snd_pcm_set_params puts the start threshold at the whole buffer, and a
        // read of one chunk (less than that) never starts a capture stream: it waits out ALSA's
        // timeout and fails with -EIO (found over snd-aloop on the qemu rig; the null plugin hid it).
        err = Alsa.snd_pcm_start(pcm);
        if (err < 0)
        {
            Alsa.snd_pcm_close(pcm);
            throw new AudioDeviceException($"ALSA capture device '{device}' does not start: {Alsa.ErrorText(err)} ({err})");
        }
        var source = new AlsaCaptureSource(pcm, device, sampleRate, chunk, ringChunks);
        source._thread.Start();
        return source;
    }

    /// <inheritdoc/>
    public CaptureStatus Capture(FrameBuffer slot)
    {
        if (_ring.TryRead(MemoryMarshal.Cast<byte, float>(slot.Pixels.AsSpan()), out long timeNs, out long sequence))
        {
            slot.CaptureNs = timeNs;
            slot.Sequence = sequence;
            return CaptureStatus.Ok;
        }
        if (Volatile.Read(ref _failedErr) != 0) return CaptureStatus.Failed;
        _underruns++;
        return CaptureStatus.Ok; // the slot keeps its old capture time: the loop flags the frame stale
    }

    /// <summary>The ALSA error that stopped the capture thread, in words; null while it runs.</summary>
    public string? FailureText => Volatile.Read(ref _failedErr) is int e and < 0 ? $"ALSA capture on '{Device}' failed: {Alsa.ErrorText(e)} ({e})" : null;

    private void CaptureThread()
    {
        fixed (short* scratch = _scratch)
        {
            while (!_stop)
            {
                bool toRing = _ring.TryBeginWrite(out Span<short> slot);
                long got;
                fixed (short* dst = slot)
                {
                    // With the ring full, the chunk is still read (the device must be drained) and then dropped.
                    got = Alsa.snd_pcm_readi(_pcm, toRing ? dst : scratch, (nuint)Width);
                }
                if (got == Width)
                {
                    if (toRing) _ring.CommitWrite(MonotonicClock.NowNs());
                    else _ring.CountOverrun();
                    continue;
                }
                if (got >= 0) continue; // a short read only happens at a stop; read again
                int err = (int)got;
                if (err == -Alsa.EPIPE) Interlocked.Increment(ref _deviceOverruns);
                if (_stop) break;
                // -EPIPE (overrun), -ESTRPIPE (suspend) and -EINTR are recovered in place; anything else ends capture.
                if (Alsa.snd_pcm_recover(_pcm, err, 1) < 0)
                {
                    Volatile.Write(ref _failedErr, err);
                    return;
                }
                // Recovery leaves the stream prepared, not running: start it again (see Open).
                Alsa.snd_pcm_start(_pcm);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop = true;
        // Dropping the stream makes a blocked read return, so the thread ends before the handle closes.
        Alsa.snd_pcm_drop(_pcm);
        if (_thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(2));
        Alsa.snd_pcm_close(_pcm);
    }
}
