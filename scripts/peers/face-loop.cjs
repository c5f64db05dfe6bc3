'use strict';
// The face tracker's loop as a Node.js user writes it with onnxruntime-node: a session with the
// defaults, per frame a new ort.Tensor over the frame's Float32Array, `await session.run()`, the
// BlazeFace outputs decoded in plain JavaScript (best anchor, its box centre) and one PID step.
// It reads the frames rtapp preprocessed (`rtapp bench --sessions default --write-tensors FILE`),
// so every lane runs the same tensors. It measures per-frame latency (process.hrtime), the process's
// CPU time (process.cpuUsage), the V8 heap each frame allocates, and garbage collections
// (perf_hooks 'gc' entries), and writes one JSON object.
//
// node face-loop.cjs --modules DIR --model FILE --frames FILE --count N --warmup N --json OUT
//                    [--threads N (0: ORT's defaults)] [--input NAME] [--width 128] [--height 128]
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const { PerformanceObserver, constants } = require('node:perf_hooks');

function fail(message) {
  process.stderr.write(`face-loop: error: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const known = new Set(['modules', 'model', 'frames', 'count', 'warmup', 'json', 'input', 'width', 'height', 'threads']);
  const a = { input: 'input:0', width: '128', height: '128', warmup: '30', threads: '0' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--') || !known.has(k.slice(2))) fail(`unknown argument '${k}'`);
    if (i + 1 >= argv.length) fail(`${k} needs a value`);
    a[k.slice(2)] = argv[++i];
  }
  for (const k of ['modules', 'model', 'frames', 'count', 'json']) if (a[k] === undefined) fail(`--${k} is required`);
  for (const k of ['count', 'warmup', 'width', 'height', 'threads']) {
    if (!/^[0-9]+$/.test(a[k])) fail(`--${k} must be a whole number, got '${a[k]}'`);
    a[k] = Number(a[k]);
  }
  if (a.count < 1 || a.count > 1000000) fail(`--count must be 1..1000000, got ${a.count}`);
  if (a.threads > 64) fail(`--threads must be 0 (ORT's defaults) to 64, got ${a.threads}`);
  if (a.width < 1 || a.width > 4096 || a.height < 1 || a.height > 4096) fail('--width and --height must be 1..4096');
  return a;
}

// MediaPipe's SSD anchors for BlazeFace front (128×128): strides 8 and 16, 2 and 6 anchors per cell.
function anchors(size) {
  const list = [];
  for (const [stride, perCell] of [[8, 2], [16, 6]]) {
    const cells = Math.ceil(size / stride);
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++)
        for (let k = 0; k < perCell; k++) list.push({ x: (x + 0.5) / cells, y: (y + 0.5) / cells });
  }
  return list;
}

// Nearest rank, as rtapp computes percentiles.
function rank(sorted, p) {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

function summary(ns) {
  const s = Float64Array.from(ns).sort();
  let sum = 0;
  for (const x of s) sum += x;
  const us = (x) => Math.round(x / 10) / 100;
  return { count: s.length, p50_us: us(rank(s, 50)), p90_us: us(rank(s, 90)), p95_us: us(rank(s, 95)), p99_us: us(rank(s, 99)),
    p999_us: us(rank(s, 99.9)), max_us: us(s[s.length - 1]), mean_us: us(sum / s.length) };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const ortDir = path.resolve(a.modules, 'onnxruntime-node');
  if (!fs.existsSync(path.join(ortDir, 'package.json'))) fail(`onnxruntime-node is not installed in ${a.modules} (scripts/bench-peers.sh --setup installs it)`);
  const ort = require(ortDir);
  const ortVersion = JSON.parse(fs.readFileSync(path.join(ortDir, 'package.json'), 'utf8')).version;
  if (!fs.existsSync(a.model)) fail(`model file not found: ${a.model}`);
  if (!fs.existsSync(a.frames)) fail(`frames file not found: ${a.frames}`);
  const raw = fs.readFileSync(a.frames);
  const frameFloats = a.width * a.height * 3;
  const frameBytes = frameFloats * 4;
  if (raw.length === 0 || raw.length % frameBytes !== 0)
    fail(`${a.frames}: ${raw.length} bytes is not a whole number of ${a.height}×${a.width}×3 float32 frames (${frameBytes} bytes each)`);
  const frameCount = raw.length / frameBytes;
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);

  // What a user writes: the defaults (ORT's intra-op pool, one thread per physical core, spinning),
  // or, with --threads N, the one option a careful user sets. ORT's load-time warnings are silenced,
  // as rtapp silences them (a logging level changes no run).
  const options = { logSeverityLevel: 3 };
  if (a.threads > 0) options.intraOpNumThreads = a.threads;
  const session = await ort.InferenceSession.create(a.model, options);
  if (!session.inputNames.includes(a.input)) fail(`${a.model}: the model has no input '${a.input}' (it has: ${session.inputNames.join(', ')})`);
  const anchorList = anchors(a.width);
  const pid = { kp: 0.35, ki: 0.2, integral: [0, 0] };

  async function step(f) {
    // The frame as the user's preprocessing hands it over: a new array per frame (not timed).
    const data = all.slice((f % frameCount) * frameFloats, (f % frameCount + 1) * frameFloats);
    const t0 = process.hrtime.bigint();
    const out = await session.run({ [a.input]: new ort.Tensor('float32', data, [1, a.height, a.width, 3]) });
    // This BlazeFace export splits its outputs by stride: scores [1,512,1] and [1,384,1], boxes [1,512,16] and [1,384,16].
    const scores = [], boxes = [];
    for (const name of session.outputNames) {
      const t = out[name];
      (t.dims[t.dims.length - 1] === 16 ? boxes : scores).push(t.data);
    }
    scores.sort((x, y) => y.length - x.length);
    boxes.sort((x, y) => y.length - x.length);
    let best = -1, bestScore = 0.5, bestPart = 0, bestAt = 0;
    for (let p = 0, base = 0; p < scores.length; base += scores[p].length, p++) {
      const part = scores[p];
      for (let i = 0; i < part.length; i++) {
        const s = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, part[i]))));
        if (s > bestScore) { bestScore = s; best = base + i; bestPart = p; bestAt = i; }
      }
    }
    if (best >= anchorList.length) fail(`${a.model}: more scores than BlazeFace front 128's ${anchorList.length} anchors`);
    let found = 0;
    if (best >= 0) {
      found = 1;
      const b = boxes[bestPart];
      const cx = anchorList[best].x + b[bestAt * 16] / a.width, cy = anchorList[best].y + b[bestAt * 16 + 1] / a.height;
      const err = [cx - 0.5, cy - 0.5];
      for (let k = 0; k < 2; k++) { pid.integral[k] += err[k]; pid.command = pid.kp * err[k] + pid.ki * pid.integral[k]; }
    }
    return [Number(process.hrtime.bigint() - t0), found];
  }

  for (let i = 0; i < a.warmup; i++) await step(i);

  const gcs = { count: 0, minor: 0, major: 0, incremental: 0, weakcb: 0, pause_ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs.count++;
      gcs.pause_ms += e.duration;
      const kind = e.detail ? e.detail.kind : e.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.major++;
      else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) gcs.incremental++;
      else gcs.weakcb++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  const latency = new Array(a.count);
  const heapGrowth = [];
  let faces = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let f = 0; f < a.count; f++) {
    const h0 = v8.getHeapStatistics();
    const [ns, found] = await step(a.warmup + f);
    const h1 = v8.getHeapStatistics();
    latency[f] = ns;
    faces += found;
    // A frame during which a collection ran shows a smaller heap after it: only frames without one say what a frame allocates.
    const grown = (h1.used_heap_size - h0.used_heap_size) + (h1.external_memory - h0.external_memory);
    if (h1.used_heap_size >= h0.used_heap_size) heapGrowth.push(grown);
  }
  const wallNs = Number(process.hrtime.bigint() - wall0);
  const cpu = process.cpuUsage(cpu0);
  // Let the observer deliver the last entries.
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  heapGrowth.sort((x, y) => x - y);

  const report = {
    lane: a.threads > 0 ? `node-${a.threads}-thread` : 'node',
    intra_op_threads: a.threads > 0 ? a.threads : 'ORT default',
    runtime: `onnxruntime-node ${ortVersion}`,
    node: process.version,
    model: path.basename(a.model),
    frames_file: a.frames,
    distinct_frames: frameCount,
    frames: a.count,
    warmup_frames: a.warmup,
    includes: `new ort.Tensor over the frame's Float32Array, await session.run (${a.threads > 0 ? `intraOpNumThreads ${a.threads}` : 'ORT defaults'}), decode in JavaScript (sigmoid scores, best anchor, its centre), a PID step`,
    latency: summary(latency),
    alloc_bytes_per_frame: heapGrowth.length > 0 ? rank(heapGrowth, 50) : null,
    frames_without_gc: heapGrowth.length,
    gc: { count: gcs.count, minor: gcs.minor, major: gcs.major, incremental: gcs.incremental, weakcb: gcs.weakcb, pause_ms: Math.round(gcs.pause_ms * 1000) / 1000 },
    cpu_us_per_frame: Math.round(((cpu.user + cpu.system) / a.count) * 10) / 10,
    cores_busy: Math.round(((cpu.user + cpu.system) * 1000 / wallNs) * 100) / 100,
    frames_with_face: faces,
  };
  fs.writeFileSync(a.json, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`${report.lane} lane: ${a.count} frames, p50 ${report.latency.p50_us} µs, p99 ${report.latency.p99_us} µs, p99.9 ${report.latency.p999_us} µs, ` +
    `${report.alloc_bytes_per_frame} B/frame, ${gcs.count} GCs (${gcs.major} major), faces in ${faces}\n`);
  await session.release();
}

main().catch((e) => fail(e && e.message ? e.message : String(e)));
