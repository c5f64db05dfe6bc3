using System.Collections.Generic;

namespace Realtime.Core.Profiles;

/// <summary>
/// One stage group of a pipelined loop (<c>app.pipeline[]</c>): the nodes it runs, by name or by
/// stage, on a thread of its own on its own cores at its own SCHED_FIFO priority. The first group
/// captures on the loop's period; the last one actuates.
/// </summary>
public sealed class AppPipelineGroupProfile
{
    /// <summary>The nodes this group runs, by name (or <see cref="Stages"/>, not both).</summary>
    public List<string>? Nodes { get; set; }
    /// <summary>The stages whose nodes this group runs: capture, preprocess, infer, decode, control, actuate.</summary>
    public List<string>? Stages { get; set; }
    /// <summary>Cores the group's thread runs on (empty: the pipeline thread's).</summary>
    public List<int> Cores { get; set; } = new();
    /// <summary>SCHED_FIFO priority 1..99, or 0: the pipeline thread's.</summary>
    public int Priority { get; set; }
}
