#!/usr/bin/env bash
# NativeAOT-publishes the firmware app to out/rtapp/rtapp (linux-x64, Release).
# RTAPP_RID=linux-arm64 publishes for that runtime instead, to out/rtapp-linux-arm64 (the
# cross build, cross-build/build-arm64.sh, does this with its toolchain arguments).
# Skips the publish when no build input changed since the last successful one (content hash
# of the inputs, stored in out/rtapp/.build-stamp). Fails when the publish fails or prints
# any warning (compiler, NuGet, trim/AOT analysis: IL2026, IL3050, ...), and when a native
# library next to the binary has unresolved dependencies.
# Extra arguments go to `dotnet publish` (they are part of the stamp).
set -euo pipefail
LOG_TAG="build"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

PROJ="$ROOT/firmware-app/rtapp.csproj"
RID="${RTAPP_RID:-linux-x64}"
CONFIG=Release
if [ "$RID" = linux-x64 ]; then SUFFIX=""; else SUFFIX="-$RID"; fi
OUT_DIR="$ROOT/out/rtapp$SUFFIX"
BIN="$OUT_DIR/rtapp"
STAMP="$OUT_DIR/.build-stamp"
PUBLISH_LOG="$ROOT/out/rtapp$SUFFIX-publish.log"
# Intermediate and bin outputs of this publish live apart from the IDE's and `dotnet test`'s
# (bin/, obj/): only this script builds them, so no project's warnings can be skipped
# because some other build already compiled it. One folder per runtime.
ARTIFACTS="$ROOT/out/.publish-artifacts$SUFFIX"
PUBLISH_ARGS=(-c "$CONFIG" -r "$RID" -o "$OUT_DIR" --artifacts-path "$ARTIFACTS" "$@")

command -v dotnet >/dev/null 2>&1 || die "'dotnet' not found: run scripts/setup-system.sh (needs the .NET 10 SDK)"
[ -f "$PROJ" ] || die "$(rel "$PROJ") not found: nothing to publish yet"

# ---------------------------------------------------------------- build stamp
stamp="$(inputs_hash "dotnet $(dotnet --version)"$'\n'"publish ${PUBLISH_ARGS[*]}" src firmware-app boards)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp" ]; then
    log "already built: $(rel "$BIN") (no input changed since the last publish; took $(elapsed_since "$t0") s)"
    exit 0
fi

# ------------------------------------------------------------------- publish
mkdir -p "$OUT_DIR"
# No stamp means a first build or a failed/warned last one. Incremental builds don't repeat
# the warnings of projects they don't recompile, so start from clean to see them all again.
if [ ! -f "$STAMP" ] && [ -d "$ARTIFACTS" ]; then
    log "no successful publish on record: removing $(rel "$ARTIFACTS") so no warning can hide in incremental output"
    rm -rf "$ARTIFACTS"
fi
rm -f "$STAMP"

log "dotnet publish $(rel "$PROJ") -c $CONFIG -r $RID -o $(rel "$OUT_DIR")${*:+ $*} (NativeAOT; log: $(rel "$PUBLISH_LOG"))"
set +e
dotnet publish "$PROJ" "${PUBLISH_ARGS[@]}" -nologo -tl:off 2>&1 | tee "$PUBLISH_LOG"
rc="${PIPESTATUS[0]}"
set -e
if [ "$rc" -ne 0 ]; then
    die "dotnet publish failed (exit $rc); see the output above or $(rel "$PUBLISH_LOG")"
fi

fail_on_warnings "$PUBLISH_LOG" "dotnet publish"

[ -x "$BIN" ] || die "publish succeeded but $(rel "$BIN") is missing (AssemblyName must be 'rtapp')"

# The binary's native libraries must resolve with what is installed (e.g. OpenCvSharp's
# libOpenCvSharpExtern.so needs GTK 3 from setup-system.sh). ldd can only say so for this
# machine's own architecture; the cross build checks its output against its arm64 root.
case "$(uname -m)" in x86_64) HOST_RID=linux-x64 ;; aarch64) HOST_RID=linux-arm64 ;; *) HOST_RID=other ;; esac
unresolved=""
[ "$RID" = "$HOST_RID" ] || log "cross build for $RID: dependencies are not checked with ldd here"
for so in "$BIN" "$OUT_DIR"/*.so; do
    [ "$RID" = "$HOST_RID" ] || break
    [ -f "$so" ] || continue
    notfound="$(ldd "$so" 2>/dev/null | grep 'not found' || true)"
    [ -z "$notfound" ] || unresolved+="  $(rel "$so"):"$'\n'"$notfound"$'\n'
done
if [ -n "$unresolved" ]; then
    printf '[%s] ERROR: native libraries with unresolved dependencies (run scripts/setup-system.sh?):\n%s' \
        "$LOG_TAG" "$unresolved" >&2
    exit 1
fi

echo "$stamp" >"$STAMP"
log "built $(rel "$BIN") ($(du -h "$BIN" | cut -f1); took $(elapsed_since "$t0") s)"
