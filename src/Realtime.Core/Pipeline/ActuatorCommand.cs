using System.Runtime.CompilerServices;

namespace Realtime.Core.Pipeline;

/// <summary>Fixed-size channel values (in each channel's physical unit, e.g. degrees), passed by value without allocating.</summary>
[InlineArray(MaxChannels)]
public struct ChannelValues
{
    /// <summary>Channels one command can carry.</summary>
    public const int MaxChannels = 8;
    private float _first;
}

/// <summary>An actuator command: one value per output channel.</summary>
public struct ActuatorCommand
{
    /// <summary>The channel values.</summary>
    public ChannelValues Values;
    /// <summary>How many channels are in use.</summary>
    public int Count;
}
