namespace Realtime.Core.Graph;

/// <summary>
/// Creates a node named <paramref name="name"/> from its configuration section (reading and
/// validating every field it uses), with what the whole build shares in <paramref name="context"/>
/// (board facts, the clock, resources the application owns).
/// </summary>
public delegate Node ComponentFactory(string name, NodeConfig config, ComponentContext context);
