using System;
using System.Runtime.InteropServices;
using Realtime.Core.Audio;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Audio;

public sealed class AudioChunkPreprocessorTests
{
    [Fact]
    public void TheTensorIsTheLastContextOfThePreviousChunkThenTheChunk()
    {
        var samples = new float[4 * 8];
        for (int i = 0; i < samples.Length; i++) samples[i] = i;
        var source = new WavChunkSource(samples, 8, loop: false);
        var slot = new FrameBuffer(source.Width, source.Height, source.Format);
        var pre = new AudioChunkPreprocessor(8, 3);
        var tensor = new float[pre.TensorLength];

        Assert.Equal(CaptureStatus.Ok, source.Capture(slot));
        pre.Process(slot, tensor);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7 }, tensor);
        Assert.Equal(CaptureStatus.Ok, source.Capture(slot));
        pre.Process(slot, tensor);
        Assert.Equal(new float[] { 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, tensor);
        Assert.Equal(1, slot.Sequence);
    }

    [Fact]
    public void TheSourceEndsAfterItsWholeChunksOrLoopsCountingOn()
    {
        var samples = new float[2 * 4 + 3];
        var once = new WavChunkSource(samples, 4, loop: false);
        var slot = new FrameBuffer(4, 1, PixelFormat.Float32);
        Assert.Equal(2, once.ChunksPerPass);
        Assert.Equal(CaptureStatus.Ok, once.Capture(slot));
        Assert.Equal(CaptureStatus.Ok, once.Capture(slot));
        Assert.Equal(CaptureStatus.Ended, once.Capture(slot));

        var looping = new WavChunkSource(samples, 4, loop: true);
        for (int i = 0; i < 5; i++) Assert.Equal(CaptureStatus.Ok, looping.Capture(slot));
        Assert.Equal(4, slot.Sequence);
    }

    [Fact]
    public void GainScalesTheNewSamples()
    {
        var slot = new FrameBuffer(4, 1, PixelFormat.Float32);
        MemoryMarshal.Cast<byte, float>(slot.Pixels.AsSpan()).Fill(0.25f);
        var tensor = new float[4];
        new AudioChunkPreprocessor(4, 0, gain: 2f).Process(slot, tensor);
        Assert.All(tensor, v => Assert.Equal(0.5f, v));
    }
}
