using System;
using Realtime.Core.Pipeline;
using Realtime.Linux.Interop;

namespace Realtime.Linux;

/// <summary>
/// Anonymous memory whose pages can be taken away (madvise MADV_DONTNEED, as the kernel does when it
/// reclaims them) and touched back in, one minor page fault a page: the <c>drop-memory</c> fault's
/// buffer, and the measure of what a page fault costs on this machine
/// (<see cref="MeasureMinorFaultNs"/>). Mapped once; a process under mlockall has the range unlocked
/// first (a locked page cannot be dropped).
/// </summary>
public sealed unsafe class DroppableMemory : IDroppableMemory, IDisposable
{
    private const int Page = 4096;
    private byte* _base;
    private readonly nuint _bytes;

    private DroppableMemory(byte* memory, nuint bytes)
    {
        _base = memory;
        _bytes = bytes;
    }

    /// <summary>Maps <paramref name="bytes"/> (rounded up to pages) and touches them; null with the reason when mmap refuses.</summary>
    public static DroppableMemory? Map(long bytes, out string? problem)
    {
        nuint size = (nuint)((Math.Max(bytes, 1) + Page - 1) / Page * Page);
        void* p = Libc.mmap(null, size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (p == (void*)-1)
        {
            problem = $"mmap of {size} bytes: {Libc.LastErrnoText()}";
            return null;
        }
        problem = null;
        var m = new DroppableMemory((byte*)p, size);
        m.Touch(size);
        return m;
    }

    /// <summary>
    /// The buffer <paramref name="plan"/>'s drop-memory faults take away, mapped and given to the plan;
    /// null when it has none (or no plan), or when mmap refuses (<paramref name="problem"/> says why).
    /// </summary>
    public static DroppableMemory? For(FaultPlan? plan, out string? problem)
    {
        problem = null;
        if (plan is null || plan.DropMemoryBytes == 0) return null;
        var m = Map(plan.DropMemoryBytes, out problem);
        plan.Memory = m;
        return m;
    }

    /// <summary>Pages mapped.</summary>
    public long Pages => (long)(_bytes / Page);

    /// <inheritdoc/>
    public void DropAndTouch(long bytes)
    {
        if (_base is null) return;
        nuint n = (nuint)Math.Min((ulong)Math.Max(0, bytes), _bytes);
        n = (n + Page - 1) / Page * Page;
        Drop(n);
        Touch(n);
    }

    /// <summary>
    /// What one minor page fault costs this thread, in wall-clock ns: <paramref name="pages"/> pages
    /// dropped and touched back, the median of <paramref name="rounds"/>. Under a hypervisor that
    /// returns dropped memory to its host this is far more than the microsecond of a bare machine.
    /// 0 when the memory cannot be mapped.
    /// </summary>
    public static long MeasureMinorFaultNs(int pages = 64, int rounds = 5)
    {
        using var m = Map((long)pages * Page, out _);
        if (m is null) return 0;
        Span<long> each = stackalloc long[Math.Max(1, rounds)];
        for (int r = 0; r < each.Length; r++)
        {
            m.Drop(m._bytes);
            long start = Realtime.Core.Timing.MonotonicClock.NowNs();
            m.Touch(m._bytes);
            each[r] = (Realtime.Core.Timing.MonotonicClock.NowNs() - start) / pages;
        }
        each.Sort();
        return each[each.Length / 2];
    }

    private void Drop(nuint n)
    {
        // Under mlockall(MCL_FUTURE) this mapping is locked, and MADV_DONTNEED refuses locked pages.
        Libc.munlock(_base, n);
        Libc.madvise(_base, n, Libc.MADV_DONTNEED);
    }

    private void Touch(nuint n)
    {
        for (nuint i = 0; i < n; i += Page) _base[i] = 1;
    }

    /// <summary>Unmaps the memory.</summary>
    public void Dispose()
    {
        if (_base is null) return;
        Libc.munmap(_base, _bytes);
        _base = null;
    }
}
