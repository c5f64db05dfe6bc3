'use strict';
// Sets the lanes of scripts/bench-peers.sh side by side: one table, ratios to the floor measured on
// the same frames, and one JSON object (peers.json). Reads what the lanes wrote:
//   node table.cjs FLOOR.json LOOPS.json NODE.json NODE1.json OUT.json
// FLOOR.json: rtapp bench --sessions default (the model alone on the tensor file node ran too);
// LOOPS.json: rtapp bench --compare naive (rtapp's loop, the naive C# loop, and their interleaved floor).
const fs = require('node:fs');

function fail(message) {
  process.stderr.write(`bench-peers: error: ${message}\n`);
  process.exit(1);
}

function read(file, what) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`${file} (${what}) cannot be read: ${e.message}`);
  }
}

function need(value, where) {
  if (value === undefined || value === null) fail(`missing ${where}`);
  return value;
}

const [floorFile, loopsFile, nodeFile, node1File, outFile] = process.argv.slice(2);
if (!outFile) fail('usage: table.cjs FLOOR.json LOOPS.json NODE.json NODE1.json OUT.json');
const floorRun = read(floorFile, 'the model alone on the tensor file');
const loops = read(loopsFile, 'rtapp bench --compare naive');
const node = read(nodeFile, 'the Node.js lane');
const node1 = read(node1File, 'the Node.js lane with one thread');
const cmp = need(loops.bench && loops.bench.compare_naive, `${loopsFile}: bench.compare_naive`);
const tensorFloor = need(floorRun.sessions && floorRun.sessions[0] && floorRun.sessions[0].latency, `${floorFile}: sessions[0].latency`);
const loopFloor = need(loops.floor, `${loopsFile}: floor`);

const lanes = [
  { lane: 'floor-loop-frames', what: 'model alone: one Run, inputs and outputs bound once (interleaved with the rtapp loop, on its frames)',
    latency: loopFloor, alloc_bytes_per_frame: null, gc: null, floor: 'floor-loop-frames' },
  { lane: 'rtapp', what: 'rtapp loop end to end: sim camera capture, preprocess, infer, decode, PID, servo PWM writes',
    latency: cmp.optimized.end_to_end, alloc_bytes_per_frame: cmp.optimized.alloc_bytes_per_frame, gc: cmp.optimized.gc_collections, floor: 'floor-loop-frames' },
  { lane: 'naive-csharp', what: 'the naive C# loop end to end: the same stages, new arrays and InferenceSession.Run\'s convenience overload per frame',
    latency: cmp.naive.end_to_end, alloc_bytes_per_frame: cmp.naive.alloc_bytes_per_frame, gc: cmp.naive.gc_collections, floor: 'floor-loop-frames' },
  { lane: 'floor-tensor-file', what: 'model alone, as above, on the tensor file the Node lane reads',
    latency: tensorFloor, alloc_bytes_per_frame: null, gc: null, floor: 'floor-tensor-file' },
  { lane: 'node', what: `Node.js ${node.node}, ${node.runtime}: ${node.includes}`,
    latency: node.latency, alloc_bytes_per_frame: node.alloc_bytes_per_frame, gc: node.gc.count, floor: 'floor-tensor-file' },
  { lane: node1.lane, what: `the same, with the one option a careful user sets: ${node1.includes}`,
    latency: node1.latency, alloc_bytes_per_frame: node1.alloc_bytes_per_frame, gc: node1.gc.count, floor: 'floor-tensor-file' },
];
const byName = Object.fromEntries(lanes.map((l) => [l.lane, l]));
const round = (x) => Math.round(x * 1000) / 1000;
for (const l of lanes) {
  const f = byName[l.floor].latency;
  l.p50_ratio = round(l.latency.p50_us / f.p50_us);
  l.p99_ratio = round(l.latency.p99_us / f.p99_us);
  l.p999_ratio = round(l.latency.p999_us / f.p999_us);
}

const pad = (s, n) => String(s).padStart(n);
const num = (x) => (x === null || x === undefined ? '-' : typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(1)) : String(x));
const lines = [];
lines.push(`${'lane'.padEnd(18)}${pad('frames', 7)}${pad('p50 µs', 10)}${pad('p99 µs', 10)}${pad('p99.9 µs', 10)}${pad('B/frame', 10)}${pad('GCs', 6)}${pad('p50×', 7)}${pad('p99×', 7)}${pad('p99.9×', 8)}  floor`);
for (const l of lanes) {
  lines.push(`${l.lane.padEnd(18)}${pad(l.latency.count, 7)}${pad(num(l.latency.p50_us), 10)}${pad(num(l.latency.p99_us), 10)}${pad(num(l.latency.p999_us), 10)}` +
    `${pad(num(l.alloc_bytes_per_frame), 10)}${pad(num(l.gc), 6)}${pad(l.p50_ratio.toFixed(2), 7)}${pad(l.p99_ratio.toFixed(2), 7)}${pad(l.p999_ratio.toFixed(2), 8)}  ${l.floor}`);
}
process.stdout.write(lines.join('\n') + '\n');
for (const l of lanes) process.stdout.write(`  ${l.lane}: ${l.what}\n`);

const report = {
  tool: 'bench-peers',
  model: floorRun.model,
  frames: node.frames,
  notes: [
    'Ratios (×) are to the floor measured on the same frames: the rtapp and naive loops to the model alone interleaved with them on the simulated camera\'s frames; the Node lane to the model alone on the tensor file it read.',
    'B/frame: managed bytes allocated per frame (.NET) or V8 heap plus external (ArrayBuffer) growth per frame without a collection (Node, median). GCs: collections during the counted frames.',
    'Every lane runs under the same scheduling (SCHED_OTHER, no pinning: rtapp with --no-rt), one after another, on this machine as loaded at the time.',
  ],
  lanes: lanes.map((l) => ({ lane: l.lane, includes: l.what, latency: l.latency, alloc_bytes_per_frame: l.alloc_bytes_per_frame, gc_collections: l.gc,
    floor: l.floor, p50_ratio: l.p50_ratio, p99_ratio: l.p99_ratio, p999_ratio: l.p999_ratio })),
  node: node,
  node_1_thread: node1,
};
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
process.stdout.write(`Report: ${outFile}\n`);
