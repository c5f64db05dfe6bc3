#!/usr/bin/env bash
# Packs the libraries (every project under src/) as NuGet packages into a local folder feed,
# out/feed (RTAPP_FEED overrides), for applications that build against the framework's packages
# alone, and the `dotnet new` templates (templates/) as the template package Realtime.Templates,
# whose parameters default to this version and this feed's path. The version is the project's (RealtimeVersion in Directory.Build.props) with a
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
case "$FEED" in *[[:cntrl:]\&\<\>\"]*) die "the feed's path holds a control character or one of & < > \" (it goes into the template's nuget.config): $(printf '%q' "$FEED")" ;; esac
BASE="$(sed -n 's:.*<RealtimeVersion>\(.*\)</RealtimeVersion>.*:\1:p' "$ROOT/Directory.Build.props")"
[ -n "$BASE" ] || die "no <RealtimeVersion> in Directory.Build.props"
# boards/: the host embeds the board profiles and the template ships the schema; the feed's path is a template default.
hash="$(inputs_hash "dotnet $(dotnet --version)"$'\n'"pack"$'\n'"$FEED" src boards templates)"
VERSION="$BASE-dev.${hash:0:12}"

mapfile -t projects < <(cd "$ROOT" && find src -mindepth 2 -maxdepth 2 -name '*.csproj' | LC_ALL=C sort)
[ "${#projects[@]}" -gt 0 ] || die "no projects under src/"
TEMPLATES=templates/Realtime.Templates.csproj
[ -f "$ROOT/$TEMPLATES" ] || die "no $TEMPLATES"
packages=("${projects[@]}" "$TEMPLATES")

have_all=1
for p in "${packages[@]}"; do
    [ -f "$FEED/$(basename "$p" .csproj).$VERSION.nupkg" ] || have_all=0
done
if [ "$have_all" -eq 1 ]; then
    echo "$VERSION" >"$FEED/VERSION"
    log "already packed: ${#packages[@]} packages $VERSION in $(rel "$FEED") (took $(elapsed_since "$t0") s)"
    exit 0
fi

mkdir -p "$FEED" 2>/dev/null && [ -d "$FEED" ] && [ -w "$FEED" ] && touch "$FEED/.write-probe" 2>/dev/null && rm -f "$FEED/.write-probe" \
    || die "cannot write packages into $FEED (RTAPP_FEED): not a writable folder"
# Only this version stays: a feed with one version of each package is the one a test can trust.
find "$FEED" -maxdepth 1 -name 'Realtime.*.nupkg' -delete
PACK_LOG="$ROOT/out/pack.log"
ARTIFACTS="$ROOT/out/.pack-artifacts"
rm -rf "$ARTIFACTS"
log "dotnet pack ${#packages[@]} projects as $VERSION into $(rel "$FEED") (log: $(rel "$PACK_LOG"))"
: >"$PACK_LOG"
for p in "${projects[@]}"; do
    set +e
    dotnet pack "$ROOT/$p" -c Release -o "$FEED" --artifacts-path "$ARTIFACTS" -p:Version="$VERSION" -nologo -tl:off >>"$PACK_LOG" 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { tail -30 "$PACK_LOG" >&2; die "dotnet pack $p failed (exit $rc); see $(rel "$PACK_LOG")"; }
done
# The template as packed: a staged copy whose parameters default to this version and this feed
# (JSON-escaped), with the profile schema beside the profile so that an editor validates it.
STAGE="$ARTIFACTS/templates/realtime-app"
mkdir -p "$(dirname "$STAGE")"
cp -a "$ROOT/templates/realtime-app" "$STAGE"
cp "$ROOT/boards/profile.schema.json" "$STAGE/RealtimeApp/profile.schema.json"
json_escape() { local v="${1//\\/\\\\}"; printf '%s' "${v//\"/\\\"}"; }
sed_escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }
sed -i -e "s|\"(packed version: see scripts/pack.sh)\"|\"$(sed_escape "$(json_escape "$VERSION")")\"|" \
    -e "s|\"(the feed folder: see scripts/pack.sh)\"|\"$(sed_escape "$(json_escape "$FEED")")\"|" "$STAGE/.template.config/template.json"
grep -q 'see scripts/pack.sh' "$STAGE/.template.config/template.json" && die "could not stage the template's defaults in $(rel "$STAGE")"
set +e
dotnet pack "$ROOT/$TEMPLATES" -c Release -o "$FEED" --artifacts-path "$ARTIFACTS" -p:Version="$VERSION" -p:TemplateContent="$STAGE" -nologo -tl:off >>"$PACK_LOG" 2>&1
rc=$?
set -e
[ "$rc" -eq 0 ] || { tail -30 "$PACK_LOG" >&2; die "dotnet pack $TEMPLATES failed (exit $rc); see $(rel "$PACK_LOG")"; }
fail_on_warnings "$PACK_LOG" "dotnet pack"
for p in "${packages[@]}"; do
    [ -f "$FEED/$(basename "$p" .csproj).$VERSION.nupkg" ] || die "dotnet pack succeeded but $(basename "$p" .csproj).$VERSION.nupkg is not in $(rel "$FEED")"
done
echo "$VERSION" >"$FEED/VERSION"
log "packed ${#packages[@]} packages $VERSION into $(rel "$FEED") (took $(elapsed_since "$t0") s)"
