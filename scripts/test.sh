#!/usr/bin/env bash
# Full test run: system packages, assets, NativeAOT build, the packed libraries, the linux-arm64
# cross build (each step skipped when already done), then `dotnet test` on the solution with
# RTAPP_BIN, RTAPP_ARM64_BIN, RTAPP_ARM64_ROOTFS, RTAPP_FEED and RTAPP_ASSETS set.
# Extra arguments go to `dotnet test`. Exits with dotnet test's status.
set -euo pipefail
LOG_TAG="test"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

"$ROOT/scripts/setup-system.sh"
"$ROOT/scripts/fetch-assets.sh"
"$ROOT/scripts/build.sh"
# The libraries as NuGet packages in out/feed, for the sample that builds from them alone.
"$ROOT/scripts/pack.sh"
# The linux-arm64 binary and the arm64 root qemu runs it in (skipped when nothing changed).
"$ROOT/cross-build/build-arm64.sh"
# The real-driver rig's PREEMPT_RT kernel, modules and initramfs (RigTests boots it once).
"$ROOT/scripts/rig.sh" prepare
# Debian's Prometheus and promtool, unpacked (not installed) for the live-metrics fleet test.
"$ROOT/scripts/prometheus.sh"
# onnxruntime-node for the Node.js lane of scripts/bench-peers.sh (its end-to-end test runs the script).
"$ROOT/scripts/bench-peers.sh" --setup
# Foxglove's MCAP reader, which the end-to-end tests read the flight recorder's files with.
"$ROOT/scripts/mcap/install.sh"

SLN="$ROOT/Realtime.sln"
if [ ! -f "$SLN" ] && [ -f "$ROOT/Realtime.slnx" ]; then SLN="$ROOT/Realtime.slnx"; fi
[ -f "$SLN" ] || die "$(rel "$SLN") not found"

export RTAPP_BIN="$ROOT/out/rtapp/rtapp"
export RTAPP_ARM64_BIN="$ROOT/out/rtapp-linux-arm64/rtapp"
export RTAPP_ARM64_ROOTFS="$ROOT/out/arm64-rootfs"
export RTAPP_FEED="${RTAPP_FEED:-$ROOT/out/feed}"
export RTAPP_PROMETHEUS="$ROOT/out/prometheus/bin/prometheus"
export RTAPP_PROMTOOL="$ROOT/out/prometheus/bin/promtool"
export RTAPP_ASSETS
log "dotnet test $(rel "$SLN") -c Release${*:+ $*} (RTAPP_BIN=$(rel "$RTAPP_BIN"), RTAPP_ARM64_BIN=$(rel "$RTAPP_ARM64_BIN"), RTAPP_ASSETS=$RTAPP_ASSETS)"
# Every test's temporary files (rtapp's own included) go in one folder of this run, removed when it ends:
# the end-to-end tests publish applications and decode videos there, over 20 GB in a run, and a machine
# that runs the suite again and again (CI) filled its disk. A run killed before its end leaves its folder;
# the next run removes those untouched for six hours (a run lasts under one).
tmp_root="${TMPDIR:-/tmp}"
find "$tmp_root" -maxdepth 1 -type d -name 'rtapp-tests.*' -mmin +360 -exec rm -rf {} + 2>/dev/null || true
RUN_TMP="$(mktemp -d "$tmp_root/rtapp-tests.XXXXXX")" || die "cannot make a temporary folder in $tmp_root"
trap 'rm -rf "$RUN_TMP"' EXIT
export TMPDIR="$RUN_TMP"
log "temporary files in $RUN_TMP (removed at the end: $(df -h --output=avail "$tmp_root" | tail -1 | tr -d ' ') free there now)"
rc=0
TEST_LOG="$ROOT/out/test-output.log"
mkdir -p "$(dirname "$TEST_LOG")"
set +e
# One test assembly at a time: the end-to-end runs measure real loops and should not share the 2 cores with other suites.
dotnet test "$SLN" -c Release "$@" -- RunConfiguration.MaxCpuCount=1 2>&1 | tee "$TEST_LOG"
rc="${PIPESTATUS[0]}"
set -e

# One plain closing line with the totals of every test assembly.
passed=$(grep -Eo 'Passed: +[0-9]+' "$TEST_LOG" | awk '{ s += $2 } END { print s + 0 }')
failed=$(grep -Eo 'Failed: +[0-9]+' "$TEST_LOG" | awk '{ s += $2 } END { print s + 0 }')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$TEST_LOG" | awk '{ s += $2 } END { print s + 0 }')
echo "$passed passed, $failed failed, $skipped skipped"

if [ "$rc" -eq 0 ]; then
    log "PASSED: dotnet test exited 0 (total $(elapsed_since "$t0") s)"
else
    log "FAILED: dotnet test exited $rc (total $(elapsed_since "$t0") s)"
fi
exit "$rc"
