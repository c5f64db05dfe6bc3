using System.Collections.Generic;

namespace Realtime.Core.Scheduling;

/// <summary>
/// One loop as the scheduling plan sees it (ns): its period and deadline, the cores its thread may use
/// (empty: any), the priority the profile wrote for it (manual), its measured worst case per frame
/// (0: not measured) and the profile field that names it in messages.
/// </summary>
public sealed record PlannedLoop(string Name, long PeriodNs, long DeadlineNs, IReadOnlyList<int> Cores, int Priority, long MeasuredRuntimeNs, string Field);
