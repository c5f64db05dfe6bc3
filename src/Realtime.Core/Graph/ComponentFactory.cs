namespace Realtime.Core.Graph;

/// <summary>Creates a node named <paramref name="name"/> from its configuration section (reading and validating every field it uses).</summary>
public delegate Node ComponentFactory(string name, NodeConfig config);
