#!/usr/bin/env bash
# One command for the face-tracker demo on the simulated board: system packages, assets,
# NativeAOT build (each step skipped when already done), then the run.
# Extra arguments go to `rtapp run`.
set -euo pipefail
LOG_TAG="demo"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

"$ROOT/scripts/setup-system.sh"
"$ROOT/scripts/fetch-assets.sh"
"$ROOT/scripts/build.sh"

REPORT="$ROOT/out/reports/face-tracker.json"
mkdir -p "$(dirname "$REPORT")"
log "running: out/rtapp/rtapp run --board sim --demo face-tracker --report $(rel "$REPORT")${*:+ $*}"
rc=0
"$ROOT/out/rtapp/rtapp" run --board sim --demo face-tracker --report "$REPORT" "$@" || rc=$?

if [ -f "$REPORT" ]; then
    log "report: $REPORT"
else
    warn "no report was written at $REPORT"
fi
[ "$rc" -eq 0 ] || die "rtapp exited with status $rc"
log "demo finished"
