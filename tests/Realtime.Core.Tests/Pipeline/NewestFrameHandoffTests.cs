using System;
using System.Threading;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Pipeline;

/// <summary>The triple buffer between a capture thread and the loop: newest wins, drops counted, no torn frames.</summary>
public sealed class NewestFrameHandoffTests
{
    private static void Put(NewestFrameHandoff h, long seq)
    {
        FrameBuffer b = h.Back;
        b.Pixels.AsSpan().Fill((byte)seq);
        b.Sequence = seq;
        b.CaptureNs = 1000 + seq;
        h.Publish();
    }

    [Fact]
    public void NothingPublishedMeansNothingToTake()
    {
        var h = new NewestFrameHandoff(4, 4, PixelFormat.Grey8);
        Assert.False(h.HasFresh);
        Assert.Null(h.TryTake());
    }

    [Fact]
    public void TheNewestPublishedFrameIsTakenOnceAndOverwrittenOnesAreCounted()
    {
        var h = new NewestFrameHandoff(4, 4, PixelFormat.Grey8);
        Put(h, 1);
        Put(h, 2);
        Put(h, 3);
        FrameBuffer? f = h.TryTake();
        Assert.NotNull(f);
        Assert.Equal(3, f!.Sequence);
        Assert.Equal(1003, f.CaptureNs);
        Assert.Null(h.TryTake());
        Assert.Equal((3L, 2L, 1L), (h.Published, h.Dropped, h.Taken));
        Put(h, 4);
        Assert.Equal(4, h.TryTake()!.Sequence);
        Assert.Equal(2, h.Dropped);
    }

    [Fact]
    public void TheProducerNeverWritesTheSlotTheConsumerHolds()
    {
        var h = new NewestFrameHandoff(4, 4, PixelFormat.Grey8);
        Put(h, 1);
        FrameBuffer held = h.TryTake()!;
        for (int i = 2; i < 50; i++)
        {
            Assert.NotSame(held, h.Back);
            Put(h, i);
        }
        Assert.Equal(1, held.Sequence);
        Assert.All(held.Pixels, b => Assert.Equal(1, b));
    }

    [Fact]
    public void UnderRealConcurrencyFramesArriveWholeInOrderAndEveryFrameIsTakenOrDropped()
    {
        const int frames = 20000;
        var h = new NewestFrameHandoff(64, 16, PixelFormat.Grey8);
        var producer = new Thread(() =>
        {
            for (int i = 1; i <= frames; i++)
            {
                Put(h, i);
                if (i % 64 == 0) Thread.Yield();
            }
        });
        producer.Start();
        long last = 0, taken = 0;
        var slot = new FrameBuffer(64, 16, PixelFormat.Grey8);
        while (last < frames)
        {
            FrameBuffer? f = h.TryTake();
            if (f is null) { Thread.SpinWait(20); continue; }
            NewestFrameHandoff.CopyFrame(f, slot);
            Assert.True(slot.Sequence > last, $"sequence {slot.Sequence} after {last}");
            byte expect = (byte)slot.Sequence;
            foreach (byte b in slot.Pixels) Assert.Equal(expect, b); // never a torn frame
            last = slot.Sequence;
            taken++;
        }
        producer.Join();
        Assert.Equal(frames, h.Published);
        Assert.Equal(taken, h.Taken);
        Assert.Equal(frames, h.Taken + h.Dropped);
    }

    [Fact]
    public void CopyFrameRefusesADifferentShape()
    {
        Assert.Throws<ArgumentException>(() => NewestFrameHandoff.CopyFrame(new FrameBuffer(4, 4, PixelFormat.Grey8), new FrameBuffer(4, 4, PixelFormat.Yuyv)));
    }
}
