using System;
using Realtime.Core.Pipeline;
using Realtime.Core.Profiles;
using Realtime.Demos;

// The face tracker's closed loop on a board profile, from the framework's packages alone:
//   PackagedFaceTracker BOARD.json ASSETS_DIR [FRAMES]
// Prints what the loop did and how many bytes a counted frame allocated; exit 0 when it completed.
if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: PackagedFaceTracker BOARD.json ASSETS_DIR [FRAMES]");
    return 2;
}
int frames = args.Length == 3 && int.TryParse(args[2], out int n) && n > 0 ? n : 300;
BoardProfile profile;
try
{
    profile = ProfileLoader.LoadFile(args[0]);
}
catch (ProfileException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
using var demo = FaceTrackerDemo.Build(profile, args[0], args[1], null,
    new RunOverrides { Frames = frames, WarmupFrames = 60, Scenario = LoopScenario.SingleStream, MeasureFloor = false });
LoopOutcome outcome = demo.Loop.Run();
var loop = demo.Loop;
double perFrame = loop.CountedFramesMeasured > 0 ? (double)loop.CountedAllocatedBytes / loop.CountedFramesMeasured : double.NaN;
Console.WriteLine($"outcome {outcome}, frames {loop.FramesRun}, counted {loop.CountedFramesMeasured}, bytes/frame {perFrame:0.###}, gc {loop.CountedGcCollections}");
return outcome == LoopOutcome.Completed ? 0 : 1;
