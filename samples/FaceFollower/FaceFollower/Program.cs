using Realtime.Hosting;
using FaceFollower;

// The host gives this application run, check, safe, boards and bundle (each with --help); a
// profile's app graph may name the built-in components and this application's own, added here.
return new RealtimeHost("facefollower").AddComponent(DeadBandFollower.TypeName, DeadBandFollower.Create, DeadBandFollower.Description).Run(args);
