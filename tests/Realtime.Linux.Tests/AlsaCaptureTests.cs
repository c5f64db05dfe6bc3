using System;
using System.Threading;
using Realtime.Core.Pipeline;
using Realtime.Linux.Audio;

namespace Realtime.Linux.Tests;

/// <summary>
/// ALSA capture through the real alsa-lib. These machines have no sound card: the library load,
/// the device-open failure (ALSA's own words in the message), and the whole capture path against
/// ALSA's own "null" PCM plugin (which delivers silence) are tested here; a real microphone is not.
/// </summary>
public sealed class AlsaCaptureTests
{
    [Fact]
    public void LibasoundLoadsAndReportsItsVersion()
    {
        string version = AlsaCaptureSource.LibraryVersion();
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    [Theory]
    [InlineData("hw:0")]
    [InlineData("hw:7,0")]
    [InlineData("no-such-pcm")]
    public void ADeviceThatCannotOpenIsOneMessageWithAlsasOwnWords(string device)
    {
        var ex = Assert.Throws<AudioDeviceException>(() => AlsaCaptureSource.Open(device, 16000, 512));
        Assert.Contains($"ALSA cannot open capture device '{device}'", ex.Message);
        // ALSA's text and its negative errno, e.g. "No such file or directory (-2)".
        Assert.Matches(@": [A-Za-z].* \(-\d+\)$", ex.Message);
    }

    [Fact]
    public void TheNullPluginIsCapturedOnItsOwnThreadIntoChunksInOrder()
    {
        using var source = AlsaCaptureSource.Open("null", 16000, 512, ringChunks: 4);
        Assert.Equal(PixelFormat.Float32, source.Format);
        var slot = new FrameBuffer(source.Width, source.Height, source.Format);
        // The capture thread fills the ring without the pipeline; wait (generously) for chunks.
        for (int i = 0; i < 200 && source.ChunksCaptured < 4; i++) Thread.Sleep(10);
        Assert.True(source.ChunksCaptured >= 4, $"captured {source.ChunksCaptured}");
        long last = -1, lastTime = 0;
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(CaptureStatus.Ok, source.Capture(slot));
            Assert.Equal(last + 1, slot.Sequence);
            Assert.True(slot.CaptureNs >= lastTime);
            last = slot.Sequence;
            lastTime = slot.CaptureNs;
        }
        Assert.Null(source.FailureText);
    }
}
