#!/usr/bin/env bash
# Peers side by side on one model (BlazeFace front 128) and the same frames, in one invocation:
#   floor         the model alone (rtapp: one Run, inputs and outputs bound once)
#   rtapp         rtapp's loop, end to end, on the sim board
#   naive-csharp  the loop a newcomer writes in C# (rtapp bench --compare naive)
#   node          the loop a Node.js user writes with onnxruntime-node (scripts/peers/face-loop.cjs), ORT's defaults
#   node-1-thread the same with intraOpNumThreads 1, as rtapp's session
# Prints one table with ratios to the floor measured on the same frames and writes peers.json.
#
#   scripts/bench-peers.sh [--frames N] [--warmup N] [--out DIR]   (default 3000 frames, 30 warm-up, out/peers/run)
#   scripts/bench-peers.sh --setup                                 (only install onnxruntime-node; test.sh runs it)
#
# RTAPP_BIN (default out/rtapp/rtapp, ./scripts/build.sh makes it) and RTAPP_ASSETS as in test.sh.
set -euo pipefail
LOG_TAG="bench-peers"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

frames=3000 warmup=30 out="$PEERS_DIR/run" setup_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --frames|--warmup|--out)
            [ $# -ge 2 ] || { printf '[%s] ERROR: %s needs a value\n' "$LOG_TAG" "$1" >&2; exit 2; }
            case "$1" in --frames) frames="$2" ;; --warmup) warmup="$2" ;; --out) out="$2" ;; esac
            shift 2 ;;
        --setup) setup_only=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) printf '[%s] ERROR: unknown argument %s (see --help)\n' "$LOG_TAG" "$1" >&2; exit 2 ;;
    esac
done
case "$frames" in ''|*[!0-9]*) printf '[%s] ERROR: --frames must be a whole number, got %s\n' "$LOG_TAG" "$frames" >&2; exit 2 ;; esac
case "$warmup" in ''|*[!0-9]*) printf '[%s] ERROR: --warmup must be a whole number, got %s\n' "$LOG_TAG" "$warmup" >&2; exit 2 ;; esac
[ "$frames" -ge 1 ] && [ "$frames" -le 1000000 ] || { printf '[%s] ERROR: --frames must be 1..1000000, got %s\n' "$LOG_TAG" "$frames" >&2; exit 2; }
[ -n "$out" ] || { printf '[%s] ERROR: --out needs a folder\n' "$LOG_TAG" >&2; exit 2; }

ensure_peers_node_modules
[ "$setup_only" -eq 0 ] || exit 0

RTAPP_BIN="${RTAPP_BIN:-$ROOT/out/rtapp/rtapp}"
[ -x "$RTAPP_BIN" ] || die "rtapp not found at $RTAPP_BIN (./scripts/build.sh publishes it, or set RTAPP_BIN)"
model="$RTAPP_ASSETS/models/face_detection_front_128x128_barracuda.onnx"
[ -f "$model" ] || die "model not found: $model (./scripts/fetch-assets.sh fetches it)"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
log "$frames frames (+$warmup warm-up) per lane into $(rel "$out"); every lane SCHED_OTHER, unpinned (rtapp --no-rt); load: $(cut -d' ' -f1-3 /proc/loadavg)"

log "floor on the tensor file: rtapp bench --sessions default --write-tensors ..."
"$RTAPP_BIN" bench --sessions default --frames "$frames" --warmup "$warmup" --no-rt --quiet \
    --write-tensors "$out/frames.f32" --report "$out/floor.json" >"$out/floor.log" 2>&1 \
    || { cat "$out/floor.log" >&2; die "the floor run failed (above)"; }
log "rtapp's loop and the naive C# loop: rtapp bench --compare naive ..."
"$RTAPP_BIN" bench --compare naive --frames "$frames" --warmup "$warmup" --no-rt --quiet \
    --report "$out/loops.json" --html "$out/loops.html" >"$out/loops.log" 2>&1 \
    || { cat "$out/loops.log" >&2; die "the compare run failed (above)"; }
for threads in 0 1; do
    json="$out/node.json"; [ "$threads" -eq 0 ] || json="$out/node-$threads-thread.json"
    log "the Node.js loop: node scripts/peers/face-loop.cjs --threads $threads ..."
    node "$ROOT/scripts/peers/face-loop.cjs" --modules "$PEERS_DIR/node_modules" --model "$model" --frames "$out/frames.f32" \
        --count "$frames" --warmup "$warmup" --threads "$threads" --json "$json" \
        || die "the Node.js lane failed (above)"
done
node "$ROOT/scripts/peers/table.cjs" "$out/floor.json" "$out/loops.json" "$out/node.json" "$out/node-1-thread.json" "$out/peers.json"
