using System;

namespace Realtime.Core.Scheduling;

/// <summary>
/// A model ladder's choice before each frame: the most accurate rung (0) whose expected time (its
/// measured p99, scaled by the machine's slowdown) fits what is left of the deadline. It steps down
/// at once when the rung it is on no longer fits, and up one rung only after
/// <see cref="StepUpFrames"/> frames in a row in which the rung above fitted with
/// <see cref="GuardNs"/> to spare, so it does not flap. When nothing fits it takes the cheapest.
/// Constant time (at most one pass over the rungs, which are few), no allocation, no lock: one
/// caller, the loop's thread.
/// </summary>
public sealed class LadderSelector
{
    /// <summary>The most rungs a ladder holds.</summary>
    public const int MaxRungs = 16;
    /// <summary>The largest slowdown applied (a frequency reading near 0 must not overflow a time).</summary>
    public const double MaxScale = 100;

    private readonly long[] _expectedNs;
    private int _current;
    private int _margin;

    /// <summary>A ladder of <paramref name="expectedNs"/> (each rung's p99, most accurate first), starting on rung 0.</summary>
    public LadderSelector(long[] expectedNs, long guardNs, int stepUpFrames)
    {
        ArgumentNullException.ThrowIfNull(expectedNs);
        if (expectedNs.Length is < 1 or > MaxRungs) throw new ArgumentOutOfRangeException(nameof(expectedNs), $"a ladder has 1 to {MaxRungs} rungs, got {expectedNs.Length}");
        foreach (long t in expectedNs) if (t <= 0) throw new ArgumentOutOfRangeException(nameof(expectedNs), "every rung's expected time is positive");
        if (guardNs < 0) throw new ArgumentOutOfRangeException(nameof(guardNs), "the guard is not negative");
        if (stepUpFrames < 1) throw new ArgumentOutOfRangeException(nameof(stepUpFrames), "stepping up takes at least 1 frame");
        _expectedNs = (long[])expectedNs.Clone();
        GuardNs = guardNs;
        StepUpFrames = stepUpFrames;
    }

    /// <summary>Rungs.</summary>
    public int Rungs => _expectedNs.Length;
    /// <summary>The rung chosen last (0 before the first frame).</summary>
    public int Current => _current;
    /// <summary>Times the chosen rung changed.</summary>
    public long Switches { get; private set; }
    /// <summary>The margin above the next rung's expected time a step up needs.</summary>
    public long GuardNs { get; }
    /// <summary>Frames in a row with that margin before a step up.</summary>
    public int StepUpFrames { get; }

    /// <summary>Rung <paramref name="rung"/>'s expected time at full speed, ns.</summary>
    public long ExpectedNs(int rung) => _expectedNs[rung];

    /// <summary>
    /// The rung for this frame, given <paramref name="remainingNs"/> (the deadline less the time since
    /// capture and the budgets of the stages after the model) and <paramref name="scale"/> (the
    /// machine's slowdown, 1 at full speed; below 1 or NaN counts as 1).
    /// </summary>
    public int Select(long remainingNs, double scale)
    {
        if (!(scale > 1)) scale = 1;
        else if (scale > MaxScale) scale = MaxScale;
        int last = _expectedNs.Length - 1;
        int c = _current;
        while (c < last && Expected(c, scale) > remainingNs) c++;
        if (c != _current) _margin = 0;
        else if (c > 0 && Expected(c - 1, scale) + GuardNs <= remainingNs)
        {
            if (++_margin >= StepUpFrames)
            {
                c--;
                _margin = 0;
            }
        }
        else _margin = 0;
        if (c != _current)
        {
            _current = c;
            Switches++;
        }
        return c;
    }

    private long Expected(int rung, double scale) => scale == 1 ? _expectedNs[rung] : (long)(_expectedNs[rung] * scale);
}
