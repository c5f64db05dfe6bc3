namespace Realtime.Core.Pipeline;

/// <summary>What the loop does with a frame that would reach the outputs after its deadline.</summary>
public enum MissPolicy
{
    /// <summary>Discard the late command; the outputs keep the last one.</summary>
    HoldLast,
    /// <summary>Apply the late command anyway (count the miss only).</summary>
    Skip,
    /// <summary>Drive the outputs to their safe values at once.</summary>
    SafeState,
}

/// <summary>
/// The first watchdog: it runs inside the loop, one decision per frame, so it needs no locks.
/// A late frame is handled by <see cref="Policy"/>; <see cref="SafeAfterConsecutiveMisses"/> late
/// frames in a row escalate to the safe state, and <see cref="RecoverAfterGoodFrames"/> on-time
/// frames in a row leave it (hysteresis).
/// </summary>
public sealed class MissWatchdog
{
    private int _consecutiveMisses;
    private int _consecutiveGood;

    /// <summary>Creates a watchdog with its policy and thresholds, checked once here.</summary>
    public MissWatchdog(MissPolicy policy, int safeAfterConsecutiveMisses, int recoverAfterGoodFrames)
    {
        if (safeAfterConsecutiveMisses < 1) throw new System.ArgumentOutOfRangeException(nameof(safeAfterConsecutiveMisses));
        if (recoverAfterGoodFrames < 1) throw new System.ArgumentOutOfRangeException(nameof(recoverAfterGoodFrames));
        Policy = policy;
        SafeAfterConsecutiveMisses = safeAfterConsecutiveMisses;
        RecoverAfterGoodFrames = recoverAfterGoodFrames;
    }

    /// <summary>The policy for one late frame.</summary>
    public MissPolicy Policy { get; }
    /// <summary>Late frames in a row that force the safe state.</summary>
    public int SafeAfterConsecutiveMisses { get; }
    /// <summary>On-time frames in a row that leave the safe state.</summary>
    public int RecoverAfterGoodFrames { get; }
    /// <summary>Whether the outputs are held in their safe state.</summary>
    public bool InSafeState { get; private set; }
    /// <summary>Times the safe state was entered.</summary>
    public int SafeStateEntries { get; private set; }
    /// <summary>Times escalation tripped (consecutive misses reached the threshold).</summary>
    public int Trips { get; private set; }

    /// <summary>What to do with the frame now at the outputs' door.</summary>
    public enum Decision
    {
        /// <summary>Apply the new command.</summary>
        Apply,
        /// <summary>Keep the outputs as they are.</summary>
        Hold,
        /// <summary>Drive the outputs to safe values (entering or staying in the safe state).</summary>
        Safe,
    }

    /// <summary>Decides for one frame that is (or is not) late. Allocation-free.</summary>
    public Decision OnFrame(bool late)
    {
        if (late)
        {
            _consecutiveGood = 0;
            _consecutiveMisses++;
            if (_consecutiveMisses >= SafeAfterConsecutiveMisses && !InSafeState)
            {
                Trips++;
                EnterSafe();
            }
            if (InSafeState) return Decision.Safe;
            switch (Policy)
            {
                case MissPolicy.SafeState:
                    EnterSafe();
                    return Decision.Safe;
                case MissPolicy.HoldLast:
                    return Decision.Hold;
                default:
                    return Decision.Apply;
            }
        }

        _consecutiveMisses = 0;
        if (!InSafeState) return Decision.Apply;
        if (++_consecutiveGood >= RecoverAfterGoodFrames)
        {
            InSafeState = false;
            _consecutiveGood = 0;
            return Decision.Apply;
        }
        return Decision.Safe;
    }

    /// <summary>Forces the safe state (a fault or a stop).</summary>
    public void EnterSafe()
    {
        if (InSafeState) return;
        InSafeState = true;
        _consecutiveGood = 0;
        SafeStateEntries++;
    }
}
