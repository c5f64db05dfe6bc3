using System;
using System.Threading;
using Realtime.Core.Audio;
using Realtime.Tests;

namespace Realtime.Core.Tests.Audio;

public sealed class SampleChunkRingTests
{
    private static void Produce(SampleChunkRing ring, short value, long time)
    {
        Assert.True(ring.TryBeginWrite(out Span<short> slot));
        slot.Fill(value);
        ring.CommitWrite(time);
    }

    [Fact]
    public void ChunksComeOutInOrderWithTheirTimesAsFloats()
    {
        var ring = new SampleChunkRing(4, 3);
        Produce(ring, 16384, 100);
        Produce(ring, -32768, 200);
        var dst = new float[4];
        Assert.True(ring.TryRead(dst, out long t, out long seq));
        Assert.Equal((100L, 0L), (t, seq));
        Assert.All(dst, v => Assert.Equal(0.5f, v));
        Assert.True(ring.TryRead(dst, out t, out seq));
        Assert.Equal((200L, 1L), (t, seq));
        Assert.All(dst, v => Assert.Equal(-1f, v));
        Assert.False(ring.TryRead(dst, out _, out _));
    }

    [Fact]
    public void AFullRingRefusesTheWriteAndCountsTheOverrunWithoutLosingWhatItHolds()
    {
        var ring = new SampleChunkRing(2, 2);
        Produce(ring, 1, 1);
        Produce(ring, 2, 2);
        Assert.False(ring.TryBeginWrite(out _));
        ring.CountOverrun();
        Assert.Equal(1, ring.Overruns);
        Assert.Equal(2, ring.Count);
        var dst = new float[2];
        Assert.True(ring.TryRead(dst, out long t, out _));
        Assert.Equal(1, t);
        Produce(ring, 3, 3); // room again
        Assert.Equal(2, ring.Count);
    }

    [Fact]
    public void SkipToKeepsOnlyTheNewest()
    {
        var ring = new SampleChunkRing(1, 8);
        for (short i = 0; i < 6; i++) Produce(ring, i, i);
        Assert.Equal(4, ring.SkipTo(2));
        var dst = new float[1];
        Assert.True(ring.TryRead(dst, out long t, out long seq));
        Assert.Equal((4L, 4L), (t, seq));
    }

    [Fact]
    public void AProducerThreadAndAConsumerNeverSeeATornOrReorderedChunk()
    {
        const int chunks = 20000;
        var ring = new SampleChunkRing(64, 4);
        long produced = 0;
        var producer = new Thread(() =>
        {
            for (int i = 0; i < chunks; i++)
            {
                Span<short> slot;
                while (!ring.TryBeginWrite(out slot)) Thread.SpinWait(20);
                slot.Fill((short)(i % 30000));
                ring.CommitWrite(i);
                produced++;
            }
        });
        producer.Start();
        var dst = new float[64];
        long expected = 0;
        while (expected < chunks)
        {
            if (!ring.TryRead(dst, out long t, out long seq)) { Thread.SpinWait(10); continue; }
            Assert.Equal(expected, seq);
            Assert.Equal(expected, t);
            float v = (expected % 30000) / 32768f;
            foreach (float s in dst) Assert.Equal(v, s);
            expected++;
        }
        producer.Join();
        Assert.Equal(chunks, produced);
        Assert.Equal(0, ring.Overruns);
    }

    [Fact]
    public void ReadingAllocatesNothing()
    {
        var ring = new SampleChunkRing(512, 4);
        var dst = new float[512];
        long written = 0;
        Assert.Equal(0, ThreadAllocations.Least(() =>
        {
            Assert.True(ring.TryBeginWrite(out Span<short> slot));
            slot[0] = 1;
            ring.CommitWrite(written++);
            Assert.True(ring.TryRead(dst, out _, out _));
        }, n: 1000, warm: 1));
    }
}
