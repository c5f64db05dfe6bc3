using Realtime.Bench;
using Realtime.Demos;
using Realtime.Hosting;

// rtapp: the three demos on the host, with the bench's commands.
return new RealtimeHost("rtapp").AddDemos().AddBench().Run(args);
