#!/usr/bin/env bash
# What a Prometheus scrape costs the loop (issue #12's target: no measurable p99): paired runs of
# the sim face tracker one after the other in one invocation, each listening on /metrics, one of
# each pair scraped every 100 ms by curl and the other not, in alternating order (scraped first,
# then unscraped first) so a drift of the machine falls on both sides alike. Prints each run's
# end-to-end p99 and the ratio scraped/unscraped per pair, the median ratio, and the spread of the
# unscraped runs among themselves (the noise a ratio must beat to be measurable).
#   scripts/scrape-cost.sh [PAIRS] [FRAMES] [RATE_HZ]   (default 3 pairs of 1500 frames at 100 Hz)
# A benchmark, not a test: it reports what this machine does. Reports stay in out/scrape-cost/.
set -euo pipefail
LOG_TAG="scrape-cost"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PAIRS="${1:-3}"
FRAMES="${2:-1500}"
RATE="${3:-100}"
OUT="$ROOT/out/scrape-cost"
BIN="${RTAPP_BIN:-$ROOT/out/rtapp/rtapp}"
[ -x "$BIN" ] || die "$BIN missing: run scripts/build.sh"
command -v curl >/dev/null || die "curl missing"
rm -rf "$OUT"; mkdir -p "$OUT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run NAME SCRAPE(0|1): one bounded run listening on a free port; with SCRAPE, curl reads /metrics every 100 ms while it runs.
run() {
  local name="$1" scrape="$2" port scraper=""
  port="$(free_port)"
  "$BIN" run --board sim --frames "$FRAMES" --set "timing.rate_hz=$RATE" --metrics "127.0.0.1:$port" \
    --report "$OUT/$name.json" --quiet &
  local pid=$!
  if [ "$scrape" = 1 ]; then
    ( n=0; while kill -0 "$pid" 2>/dev/null; do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/metrics" && n=$((n + 1)); echo "$n" > "$OUT/$name.scrapes"; sleep 0.1
      done ) &
    scraper=$!
  fi
  wait "$pid" || die "run $name failed (exit $?): see $OUT/$name.json"
  [ -z "$scraper" ] || wait "$scraper" || true
}

for p in $(seq 1 "$PAIRS"); do
  if [ $((p % 2)) = 1 ]; then order="scraped unscraped"; else order="unscraped scraped"; fi
  for kind in $order; do
    log "pair $p: $kind ($FRAMES frames at $RATE Hz)"
    run "$kind-$p" "$([ "$kind" = scraped ] && echo 1 || echo 0)"
  done
done

python3 - "$OUT" "$PAIRS" <<'PY'
import json, os, statistics, sys
out, pairs = sys.argv[1], int(sys.argv[2])
def load(name):
    r = json.load(open(os.path.join(out, name + ".json")))
    scrapes = open(os.path.join(out, name + ".scrapes")).read().strip() if os.path.exists(os.path.join(out, name + ".scrapes")) else "0"
    return r["end_to_end"]["p99_us"], r["end_to_end"]["p50_us"], r["deadline_misses"], r["alloc_bytes_per_frame"], int(scrapes)
ratios, unscraped = [], []
for p in range(1, pairs + 1):
    s, u = load(f"scraped-{p}"), load(f"unscraped-{p}")
    ratios.append(s[0] / u[0])
    unscraped.append(u[0])
    print(f"pair {p}: scraped p99 {s[0]:.0f} µs ({s[4]} scrapes, {s[2]} misses, {s[3]} B/frame), unscraped p99 {u[0]:.0f} µs ({u[2]} misses, {u[3]} B/frame): ratio {s[0] / u[0]:.3f}")
spread = max(unscraped) / min(unscraped)
print(f"median p99 ratio scraped/unscraped {statistics.median(ratios):.3f} over {pairs} pairs; the unscraped runs' own p99 spread (max/min) {spread:.3f}")
PY
