using System.Collections.Generic;

namespace Realtime.Core.Graph;

/// <summary>A node's own section of the run report: named figures it adds after the run.</summary>
public sealed class NodeReport
{
    private readonly Dictionary<string, double> _figures = new(System.StringComparer.Ordinal);

    /// <summary>The figures, by name (snake_case, as the report's JSON writes them).</summary>
    public IReadOnlyDictionary<string, double> Figures => _figures;

    /// <summary>Adds or replaces a figure.</summary>
    public void Add(string name, double value) => _figures[name] = value;
}
