#!/usr/bin/env bash
# The real-time benchmark of issue #3: the 30 Hz face tracker on the sim board with stress-ng
# loading the other core(s), with and without real-time scheduling, set beside cyclictest on the
# same core with the same period and load. Prints one table; keeps every report in out/bench-rt/.
#   scripts/bench-rt.sh [FRAMES]   (default 10000 ≈ 5.6 min per run at 30 Hz; three runs)
# A benchmark, not a test: it reports what this machine does.
set -euo pipefail
LOG_TAG="bench-rt"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

FRAMES="${1:-10000}"
CORE=1          # the sim profile's pipeline core
PERIOD_US=33333 # 30 Hz
OUT="$ROOT/out/bench-rt"
BIN="$ROOT/out/rtapp/rtapp"
mkdir -p "$OUT"
command -v cyclictest >/dev/null || die "cyclictest missing: scripts/setup-system.sh installs rt-tests"
command -v stress-ng >/dev/null || die "stress-ng missing: scripts/setup-system.sh installs it"
[ -x "$BIN" ] || die "$BIN missing: run scripts/build.sh"
ncpu="$(nproc)"
[ "$ncpu" -ge 2 ] || die "needs at least 2 cores (one loaded, one for the loop)"
others="$(seq -s, 0 $((ncpu - 1)) | sed "s/\b$CORE\b//; s/,,/,/; s/^,//; s/,$//")"

log "loading cores $others with stress-ng (cpu + cache + memory stressors)"
stress-ng --cpu "$(echo "$others" | tr ',' '\n' | wc -l)" --taskset "$others" --vm 1 --vm-bytes 256M --cache 1 --quiet --timeout 0 &
STRESS=$!
trap 'kill $STRESS 2>/dev/null || true; wait $STRESS 2>/dev/null || true' EXIT
sleep 2

secs=$(( FRAMES * PERIOD_US / 1000000 + 5 ))
log "cyclictest: SCHED_FIFO 80 on core $CORE, period $PERIOD_US µs, $FRAMES loops (~${secs}s), /dev/cpu_dma_latency held at 0"
cyclictest -m -q -p 80 -a "$CORE" -t 1 -i "$PERIOD_US" -l "$FRAMES" -h 2000 > "$OUT/cyclictest.txt"

log "rtapp with RT scheduling (SCHED_FIFO 80, core $CORE, mlockall, cpu_dma_latency 0): $FRAMES frames"
"$BIN" run --board sim --frames "$FRAMES" --report "$OUT/rt.json" --quiet --floor
log "rtapp without RT scheduling (--no-rt: SCHED_OTHER, any core): $FRAMES frames"
"$BIN" run --board sim --frames "$FRAMES" --report "$OUT/no-rt.json" --quiet --no-rt --floor

python3 - "$OUT" <<'PY'
import json, re, sys, os
out = sys.argv[1]
hist = open(os.path.join(out, "cyclictest.txt")).read()
def ct(name):
    m = re.search(r"# %s Latencies:\s+(\d+)" % name, hist)
    return int(m.group(1)) if m else None
# p99 from the 1 µs histogram ("NNNNNN CCCCCC" lines)
counts = [(int(a), int(b)) for a, b in re.findall(r"^(\d{6})\s+(\d+)", hist, re.M)]
total = sum(c for _, c in counts)
acc, p99 = 0, None
for v, c in counts:
    acc += c
    if p99 is None and acc >= 0.99 * total: p99 = v
print(f"cyclictest (core 1, 33.3 ms period, SCHED_FIFO 80): min {ct('Min')} µs, avg {ct('Avg')} µs, p99 {p99} µs, max {ct('Max')} µs over {total} wake-ups")
for name in ("rt", "no-rt"):
    r = json.load(open(os.path.join(out, name + ".json")))
    j, e = r["period_jitter_us"], r["end_to_end"]
    s = r["scheduling"]
    print(f"rtapp {name:6s} ({s['policy']} {s['priority']}, cores {s['affinity']}): frames {r['frames']}, deadline misses {r['deadline_misses']}, "
          f"dropped {r['dropped_frames']}, jitter p50 {j['p50']:.1f} / p99 {j['p99']:.1f} / max {j['max']:.1f} µs, "
          f"end-to-end p50 {e['p50_us']:.0f} / p99 {e['p99_us']:.0f} / max {e['max_us']:.0f} µs, overhead vs floor p50 {r['overhead_vs_floor']['p50_ratio']}x p99 {r['overhead_vs_floor']['p99_ratio']}x")
PY
