#!/usr/bin/env bash
# One command for the linux-arm64 rtapp, built here on x86-64:
#   1. the cross toolchain through apt (only what is missing): clang-14 and lld link, the
#      aarch64 GNU toolchain brings the arm64 C runtime, libgcc and libstdc++ (its sysroot is
#      /usr/aarch64-linux-gnu), qemu-user-static runs the result;
#   2. an arm64 root for qemu in out/arm64-rootfs: the few Debian arm64 packages the binary and
#      ONNX Runtime load at run time (libc6, libgcc-s1, libstdc++6, libssl3), downloaded with
#      apt-get download and unpacked, as they lie on a Debian/Raspberry Pi OS board;
#   3. the NativeAOT publish to out/rtapp-linux-arm64 through scripts/build.sh (the same
#      zero-warning rule; skipped when no input changed);
#   4. checks: an aarch64 ELF whose RUNPATH is $ORIGIN, every NEEDED library found beside it or in
#      the arm64 root, and `rtapp --version` under qemu-aarch64-static (through qemu-arm64.sh,
#      which shows the process an arm64 board's CPUs).
# Safe to run again: each step says when it has nothing to do.
# Extra arguments go to `dotnet publish`.
set -euo pipefail
LOG_TAG="cross"
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
t0="$(now_s)"

RID=linux-arm64
OUT_DIR="$ROOT/out/rtapp-$RID"
ROOTFS="$ROOT/out/arm64-rootfs"
# What the binary and libonnxruntime.so need at run time (readelf -d: NEEDED), by package.
ROOTFS_PACKAGES=(libc6 libgcc-s1 libstdc++6 libssl3)

case "$(uname -m)" in
    x86_64) ;;
    aarch64) die "this machine is arm64 already: publish natively (RTAPP_RID=linux-arm64 scripts/build.sh)" ;;
    *) die "the cross build runs on x86-64 hosts (this is $(uname -m))" ;;
esac

rootfs_want="$(printf '%s\n' "${ROOTFS_PACKAGES[@]}")"
rootfs_ready() {
    [ -f "$ROOTFS/.packages" ] && [ "$(cat "$ROOTFS/.packages")" = "$rootfs_want" ] && [ -e "$ROOTFS/lib/ld-linux-aarch64.so.1" ]
}
# The arm64 root needs apt to know arm64 packages. Add the architecture before any apt-get
# update of this run, and mark the lists stale, so the one update that follows fetches arm64's.
if ! rootfs_ready && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    log "dpkg --add-architecture arm64 (apt then knows arm64 packages; nothing arm64 is installed)"
    as_root dpkg --add-architecture arm64
    apt_sources_changed
fi

# --------------------------------------------------------------------- 1. toolchain
# binutils: readelf for the checks below; qemu-user-static runs the result.
need_apt_packages \
    clang-14 lld binutils \
    gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross \
    qemu-user-static

# --------------------------------------------------------------------- 2. arm64 root for qemu
if rootfs_ready; then
    log "arm64 root already unpacked: $(rel "$ROOTFS") ($(tr '\n' ' ' <"$ROOTFS/.packages"))"
else
    apt_has_candidate libc6:arm64 || apt_update_once
    apt_has_candidate libc6:arm64 || die "apt has no arm64 packages even after apt-get update: is the Debian mirror reachable?"
    tmp="$ROOT/out/.arm64-debs"
    rm -rf "$tmp" "$ROOTFS"
    mkdir -p "$tmp" "$ROOTFS"
    apt_opts=(-qq)
    [ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
    log "apt-get download ${ROOTFS_PACKAGES[*]/%/:arm64}"
    (cd "$tmp" && apt-get "${apt_opts[@]}" download "${ROOTFS_PACKAGES[@]/%/:arm64}") \
        || die "apt-get download of the arm64 packages failed"
    for deb in "$tmp"/*.deb; do
        dpkg-deb -x "$deb" "$ROOTFS"
        log "unpacked $(basename "$deb")"
    done
    rm -rf "$tmp"
    [ -e "$ROOTFS/lib/ld-linux-aarch64.so.1" ] || die "the arm64 root has no lib/ld-linux-aarch64.so.1"
    printf '%s\n' "$rootfs_want" >"$ROOTFS/.packages"
    log "arm64 root ready: $(rel "$ROOTFS") ($(du -sh "$ROOTFS" | cut -f1))"
fi

# --------------------------------------------------------------------- 3. publish
# clang-14 links for --target=aarch64-linux-gnu (NativeAOT passes it for linux-arm64) with lld; it
# finds the arm64 C runtime in the aarch64 GNU toolchain's sysroot. The stripped symbols go out
# with the aarch64 objcopy.
RTAPP_RID="$RID" "$ROOT/scripts/build.sh" \
    -p:CppCompilerAndLinker=clang-14 -p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy "$@"

# --------------------------------------------------------------------- 4. checks
BIN="$OUT_DIR/rtapp"
machine="$(LC_ALL=C readelf -h "$BIN" | sed -n 's/^ *Machine: *//p')"
[ "$machine" = AArch64 ] || die "$(rel "$BIN") is not an arm64 executable (readelf -h: Machine '$machine')"
runpath="$(readelf -d "$BIN" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')"
[ "$runpath" = '$ORIGIN' ] || die "$(rel "$BIN") has RUNPATH '$runpath', expected \$ORIGIN (firmware-app/rtapp.csproj links it)"
missing=""
for elf in "$BIN" "$OUT_DIR"/*.so; do
    [ -f "$elf" ] || continue
    for lib in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        found=""
        for d in "$OUT_DIR" "$ROOTFS/lib" "$ROOTFS/lib/aarch64-linux-gnu" "$ROOTFS/usr/lib/aarch64-linux-gnu"; do
            [ -e "$d/$lib" ] && { found=1; break; }
        done
        [ -n "$found" ] || missing+="  $(rel "$elf"): $lib"$'\n'
    done
done
[ -z "$missing" ] || { printf '[%s] ERROR: NEEDED libraries found neither beside the binary nor in the arm64 root:\n%s' "$LOG_TAG" "$missing" >&2; exit 1; }
log "checked: aarch64 ELF, RUNPATH \$ORIGIN, every NEEDED library resolves (beside it or in $(rel "$ROOTFS"))"

version="$("$ROOT/cross-build/qemu-arm64.sh" "$ROOTFS" "$BIN" --version)" || die "cross-build/qemu-arm64.sh could not run $(rel "$BIN") --version"
log "under qemu-aarch64-static (cross-build/qemu-arm64.sh): $version"
log "linux-arm64 rtapp: $(rel "$BIN") ($(du -h "$BIN" | cut -f1); with its libraries $(du -shc "$BIN" "$OUT_DIR"/*.so | tail -1 | cut -f1)); took $(elapsed_since "$t0") s"
