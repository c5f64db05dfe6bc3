using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Realtime.Core.Timing;

namespace Realtime.Core.Pipeline;

/// <summary>Stages of the loop, in order.</summary>
public enum Stage : byte
{
    /// <summary>Getting the frame.</summary>
    Capture,
    /// <summary>Frame to tensor.</summary>
    Preprocess,
    /// <summary>The model.</summary>
    Infer,
    /// <summary>Outputs to result.</summary>
    Decode,
    /// <summary>Result to command.</summary>
    Control,
    /// <summary>Command to outputs.</summary>
    Actuate,
}

/// <summary>One injected fault.</summary>
public readonly record struct InjectedFault(InjectedFaultKind Kind, Stage Stage, long DurationNs, int Every, int From, int To, long Bytes = 0);

/// <summary>Kinds of injected faults.</summary>
public enum InjectedFaultKind : byte
{
    /// <summary>Busy-wait in a stage (CPU work that overruns).</summary>
    Slow,
    /// <summary>Throw from a stage.</summary>
    Crash,
    /// <summary>The source blocks (a stalled camera).</summary>
    StallSource,
    /// <summary>The source reports failure.</summary>
    DeadSource,
    /// <summary>The source delivers flat frames (a covered or broken sensor).</summary>
    GarbageSource,
    /// <summary>A buffer the stage touches is taken away first (its pages dropped), so the stage page-faults it back in.</summary>
    DropMemory,
}

/// <summary>
/// Memory a stage touches that an injected <see cref="InjectedFaultKind.DropMemory"/> fault takes
/// away: the host gives the plan one (<see cref="FaultPlan.Memory"/>) sized
/// <see cref="FaultPlan.DropMemoryBytes"/>; the platform's implementation drops the pages and then
/// touches them, on the calling (pipeline) thread, so each one is a real page fault.
/// </summary>
public interface IDroppableMemory
{
    /// <summary>Drops the first <paramref name="bytes"/> and touches every page of them again.</summary>
    void DropAndTouch(long bytes);
}

/// <summary>
/// Faults injected on purpose so every watchdog path can be exercised from the command line:
/// slow a stage by a time every Nth frame, crash a stage, stall the source, kill it or make it
/// deliver garbage, each within a frame window. Checked with a few integer compares per stage.
/// Syntax (comma-separated): <c>slow:STAGE:MS[:every=N][:from=F][:to=T]</c>, <c>crash:STAGE:at=F</c>,
/// <c>stall-source:MS:at=F</c>, <c>dead-source[:from=F][:to=T]</c>, <c>garbage-source[:from=F][:to=T]</c>,
/// <c>drop-memory:STAGE:MB[:every=N][:from=F][:to=T]</c>.
/// Frame numbers count from the first frame, warm-up included.
/// </summary>
public sealed class FaultPlan
{
    private readonly InjectedFault[] _faults;

    /// <summary>A plan of the given faults.</summary>
    public FaultPlan(IReadOnlyList<InjectedFault> faults)
    {
        _faults = new InjectedFault[faults.Count];
        for (int i = 0; i < faults.Count; i++) _faults[i] = faults[i];
    }

    /// <summary>The faults.</summary>
    public ReadOnlySpan<InjectedFault> Faults => _faults;

    /// <summary>The largest buffer a drop-memory fault takes away (0: the plan has none).</summary>
    public long DropMemoryBytes
    {
        get
        {
            long most = 0;
            foreach (ref readonly InjectedFault f in Faults) if (f.Kind == InjectedFaultKind.DropMemory) most = Math.Max(most, f.Bytes);
            return most;
        }
    }

    /// <summary>The memory drop-memory faults take away (set by the host before the run; without it they do nothing).</summary>
    public IDroppableMemory? Memory { get; set; }

    private static bool Active(in InjectedFault f, int frame) =>
        frame >= f.From && frame <= f.To && (f.Every <= 1 || (frame - f.From) % f.Every == 0);

    /// <summary>Applies stage faults for <paramref name="stage"/> of frame <paramref name="frame"/>.</summary>
    public void AtStage(Stage stage, int frame)
    {
        for (int i = 0; i < _faults.Length; i++)
        {
            ref readonly InjectedFault f = ref _faults[i];
            if (f.Stage != stage || !Active(in f, frame)) continue;
            if (f.Kind == InjectedFaultKind.Slow)
            {
                long until = MonotonicClock.NowNs() + f.DurationNs;
                while (MonotonicClock.NowNs() < until) Thread.SpinWait(10);
            }
            else if (f.Kind == InjectedFaultKind.Crash)
            {
                ThrowCrash(stage, frame);
            }
            else if (f.Kind == InjectedFaultKind.DropMemory)
            {
                Memory?.DropAndTouch(f.Bytes);
            }
        }
    }

    /// <summary>What the source does on frame <paramref name="frame"/>: stall (blocks here), fail or deliver garbage.</summary>
    public InjectedFaultKind? AtSource(int frame)
    {
        for (int i = 0; i < _faults.Length; i++)
        {
            ref readonly InjectedFault f = ref _faults[i];
            if (f.Stage != Stage.Capture || !Active(in f, frame)) continue;
            switch (f.Kind)
            {
                case InjectedFaultKind.StallSource:
                    Thread.Sleep(TimeSpan.FromTicks(f.DurationNs / 100));
                    break;
                case InjectedFaultKind.DeadSource:
                case InjectedFaultKind.GarbageSource:
                    return f.Kind;
            }
        }
        return null;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowCrash(Stage stage, int frame) =>
        throw new InjectedCrashException($"injected crash in stage '{stage.ToString().ToLowerInvariant()}' at frame {frame}");

    /// <summary>The most faults one plan holds (each is checked at every stage of every frame).</summary>
    public const int MaxFaults = 64;

    /// <summary>Parses the command-line syntax; errors name the part that is wrong.</summary>
    public static FaultPlan Parse(string spec)
    {
        var list = new List<InjectedFault>();
        foreach (string item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = item.Split(':');
            int every = 1, from = 0, to = int.MaxValue, at = -1;
            var positional = new List<string>();
            for (int i = 1; i < p.Length; i++)
            {
                int eq = p[i].IndexOf('=');
                if (eq < 0) { positional.Add(p[i]); continue; }
                string key = p[i][..eq];
                int value = ParseInt(p[i][(eq + 1)..], item, key);
                switch (key)
                {
                    case "every": every = value; break;
                    case "from": from = value; break;
                    case "to": to = value; break;
                    case "at": at = value; break;
                    default: throw new FormatException($"fault '{item}': unknown setting '{key}' (every, from, to, at)");
                }
            }
            if (at >= 0) { from = at; to = at; }
            switch (p[0])
            {
                case "slow":
                    if (positional.Count != 2) throw new FormatException($"fault '{item}': expected slow:STAGE:MS");
                    list.Add(new InjectedFault(InjectedFaultKind.Slow, ParseStage(positional[0], item), ParseMs(positional[1], item), every, from, to));
                    break;
                case "crash":
                    if (positional.Count != 1 || at < 0) throw new FormatException($"fault '{item}': expected crash:STAGE:at=FRAME");
                    list.Add(new InjectedFault(InjectedFaultKind.Crash, ParseStage(positional[0], item), 0, 1, from, to));
                    break;
                case "stall-source":
                    if (positional.Count != 1 || at < 0) throw new FormatException($"fault '{item}': expected stall-source:MS:at=FRAME");
                    list.Add(new InjectedFault(InjectedFaultKind.StallSource, Stage.Capture, ParseMs(positional[0], item), 1, from, to));
                    break;
                case "dead-source":
                    list.Add(new InjectedFault(InjectedFaultKind.DeadSource, Stage.Capture, 0, every, from, to));
                    break;
                case "garbage-source":
                    list.Add(new InjectedFault(InjectedFaultKind.GarbageSource, Stage.Capture, 0, every, from, to));
                    break;
                case "drop-memory":
                    if (positional.Count != 2) throw new FormatException($"fault '{item}': expected drop-memory:STAGE:MB");
                    list.Add(new InjectedFault(InjectedFaultKind.DropMemory, ParseStage(positional[0], item), 0, every, from, to, ParseMb(positional[1], item)));
                    break;
                default:
                    throw new FormatException($"fault '{item}': unknown kind '{p[0]}' (slow, crash, stall-source, dead-source, garbage-source, drop-memory)");
            }
            if (every < 1) throw new FormatException($"fault '{item}': every must be at least 1");
            if (from > to) throw new FormatException($"fault '{item}': from is after to");
            if (list.Count > MaxFaults) throw new FormatException($"more than {MaxFaults} faults");
        }
        if (list.Count == 0) throw new FormatException("no fault given");
        return new FaultPlan(list);
    }

    /// <summary>
    /// Refuses a fault that can never fire in a run of <paramref name="totalFrames"/> frames (warm-up
    /// included, counted from 0): an injection that silently does nothing tests nothing.
    /// </summary>
    /// <exception cref="FormatException">A fault starts after the run's last frame.</exception>
    public void CheckWithin(int totalFrames)
    {
        foreach (ref readonly InjectedFault f in Faults)
        {
            if (f.From < totalFrames) continue;
            string what = f.Kind switch
            {
                InjectedFaultKind.Slow => $"slow:{StageName(f.Stage)}",
                InjectedFaultKind.Crash => $"crash:{StageName(f.Stage)}",
                InjectedFaultKind.StallSource => "stall-source",
                InjectedFaultKind.DeadSource => "dead-source",
                InjectedFaultKind.DropMemory => $"drop-memory:{StageName(f.Stage)}",
                _ => "garbage-source",
            };
            throw new FormatException($"fault '{what}' starts at frame {f.From}, after the run's last frame {totalFrames - 1} (frames count from 0, warm-up included): it would never fire");
        }
    }

    private static string StageName(Stage stage) => Profiles.ProfileLoader.StageNames[(int)stage];

    private static int ParseInt(string s, string item, string key) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0
            ? v : throw new FormatException($"fault '{item}': {key} must be a whole number, got '{s}'");

    private static long ParseMs(string s, string item)
    {
        string n = s.EndsWith("ms", StringComparison.Ordinal) ? s[..^2] : s;
        return double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0 && ms < 3_600_000
            ? (long)(ms * 1e6) : throw new FormatException($"fault '{item}': '{s}' is not a duration in ms");
    }

    /// <summary>The most a drop-memory fault takes away, MB.</summary>
    public const int MaxDropMemoryMb = 256;

    private static long ParseMb(string s, string item)
    {
        string n = s.EndsWith("mb", StringComparison.OrdinalIgnoreCase) ? s[..^2] : s;
        return int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int mb) && mb >= 1 && mb <= MaxDropMemoryMb
            ? mb * 1024L * 1024 : throw new FormatException($"fault '{item}': '{s}' is not a size in MB (1 to {MaxDropMemoryMb})");
    }

    private static Stage ParseStage(string s, string item) =>
        Array.IndexOf(Profiles.ProfileLoader.StageNames, s) is int i and >= 0 ? (Stage)i
            : throw new FormatException($"fault '{item}': unknown stage '{s}' ({string.Join(", ", Profiles.ProfileLoader.StageNames)})");
}

/// <summary>The exception an injected crash throws.</summary>
public sealed class InjectedCrashException(string message) : Exception(message);
