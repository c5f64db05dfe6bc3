#!/usr/bin/env bash
# Packs the libraries (every project under src/) as NuGet packages into a local folder feed,
# out/feed (RTAPP_FEED overrides), for applications that build against the framework's packages
# alone. The version is the project's (RealtimeVersion in Directory.Build.props) with a
# pre-release tag made from a hash of the inputs, "0.1.0-dev.<12 hex>": the same sources give the
# same version and the pack is skipped; any change gives a new version, so NuGet's package cache
# (which keys on name and version) can never hand an application a stale build.
# Prints nothing but log lines; the last one says the version. Writes FEED/VERSION.
# Usage: scripts/pack.sh
set -euo pipefail
LOG_TAG="pack"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

command -v dotnet >/dev/null 2>&1 || die "'dotnet' not found: run scripts/setup-system.sh (needs the .NET 10 SDK)"
[ $# -eq 0 ] || die "no arguments expected, got: $* (set RTAPP_FEED to pack elsewhere)"

FEED="${RTAPP_FEED:-$ROOT/out/feed}"
case "$FEED" in /*) ;; *) FEED="$PWD/$FEED" ;; esac
BASE="$(sed -n 's:.*<RealtimeVersion>\(.*\)</RealtimeVersion>.*:\1:p' "$ROOT/Directory.Build.props")"
[ -n "$BASE" ] || die "no <RealtimeVersion> in Directory.Build.props"
hash="$(inputs_hash "dotnet $(dotnet --version)"$'\n'"pack" src)"
VERSION="$BASE-dev.${hash:0:12}"

mapfile -t projects < <(cd "$ROOT" && find src -mindepth 2 -maxdepth 2 -name '*.csproj' | LC_ALL=C sort)
[ "${#projects[@]}" -gt 0 ] || die "no projects under src/"

have_all=1
for p in "${projects[@]}"; do
    [ -f "$FEED/$(basename "$p" .csproj).$VERSION.nupkg" ] || have_all=0
done
if [ "$have_all" -eq 1 ]; then
    echo "$VERSION" >"$FEED/VERSION"
    log "already packed: ${#projects[@]} packages $VERSION in $(rel "$FEED") (took $(elapsed_since "$t0") s)"
    exit 0
fi

mkdir -p "$FEED" 2>/dev/null && [ -d "$FEED" ] && [ -w "$FEED" ] && touch "$FEED/.write-probe" 2>/dev/null && rm -f "$FEED/.write-probe" \
    || die "cannot write packages into $FEED (RTAPP_FEED): not a writable folder"
# Only this version stays: a feed with one version of each package is the one a test can trust.
find "$FEED" -maxdepth 1 -name 'Realtime.*.nupkg' -delete
PACK_LOG="$ROOT/out/pack.log"
ARTIFACTS="$ROOT/out/.pack-artifacts"
rm -rf "$ARTIFACTS"
log "dotnet pack ${#projects[@]} projects as $VERSION into $(rel "$FEED") (log: $(rel "$PACK_LOG"))"
: >"$PACK_LOG"
for p in "${projects[@]}"; do
    set +e
    dotnet pack "$ROOT/$p" -c Release -o "$FEED" --artifacts-path "$ARTIFACTS" -p:Version="$VERSION" -nologo -tl:off >>"$PACK_LOG" 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { tail -30 "$PACK_LOG" >&2; die "dotnet pack $p failed (exit $rc); see $(rel "$PACK_LOG")"; }
done
fail_on_warnings "$PACK_LOG" "dotnet pack"
for p in "${projects[@]}"; do
    [ -f "$FEED/$(basename "$p" .csproj).$VERSION.nupkg" ] || die "dotnet pack succeeded but $(basename "$p" .csproj).$VERSION.nupkg is not in $(rel "$FEED")"
done
echo "$VERSION" >"$FEED/VERSION"
log "packed ${#projects[@]} packages $VERSION into $(rel "$FEED") (took $(elapsed_since "$t0") s)"
