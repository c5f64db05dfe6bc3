using Realtime.Demos;
using Realtime.Hosting;

// The framework's three demos hosted by an application of its own, built from the packed packages
// alone: `PackagedDemos run --board sim --demo face-tracker`, `check`, `boards`, `bundle`, `safe`, `--help`.
return new RealtimeHost("packaged-demos").AddDemos().Run(args);
