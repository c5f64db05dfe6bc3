using System;
using Realtime.Core.Graph;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Tests.Graph;

/// <summary>A gate whose decision per frame is a script (frame index → open), for the loop's own tests; the real gates are in Components.</summary>
internal sealed class ScriptedGate : GateNode
{
    private int _frame;

    public ScriptedGate(string name, Func<int, bool> open, Stage stage = Stage.Preprocess, params string[] guards) : base(name, stage, guards)
    {
        Script = open;
    }

    public Func<int, bool> Script { get; set; }
    public int Runs { get; private set; }

    public override void Process()
    {
        Runs++;
        IsOpen = Script(_frame++);
    }
}
