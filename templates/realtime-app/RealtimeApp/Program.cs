using Realtime.Hosting;
using Realtime.Vision.Components;
using RealtimeApp;

// The host gives this application run, check, safe, boards and bundle (each with --help). A profile's
// app graph may name the built-in components, the simulated camera (sim-video, over OpenCV) and this
// application's own component, registered here.
return new RealtimeHost("app-tool-name")
    .AddComponents(c => c.AddVisionComponents())
    .AddComponent(DeadBandFollower.TypeName, DeadBandFollower.Create, DeadBandFollower.Description)
    .Run(args);
