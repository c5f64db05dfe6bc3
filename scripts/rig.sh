#!/usr/bin/env bash
# The real-driver rig: boots Debian's PREEMPT_RT kernel under qemu (TCG; KVM is not usable here)
# with core 1 isolated, shares this machine's root read-only over 9p, chroots into it and runs
# the published rtapp against real kernel drivers: vivid (V4L2), the rig's own PWM and GPIO chips
# (tests/rig/modules), i2c-stub, snd-aloop and softdog. One boot runs every check in
# tests/rig/guest-checks.sh; their results come back over a second (writable) 9p share.
#
#   scripts/rig.sh prepare     packages, kernel (unpacked, the host's boot is left alone), modules, initramfs
#   scripts/rig.sh boot        prepare, then one boot running every check; results in out/rig/results
#   scripts/rig.sh boot CHECK  ... running only the named check(s) (comma-separated)
#
# Needs the published binary (scripts/build.sh) and the assets (scripts/fetch-assets.sh).
# Exits 0 when the guest ran its checks to the end (the checks' own verdicts are in the results,
# for the tests to judge), 1 when the rig itself could not be built or booted.
set -euo pipefail
LOG_TAG="rig"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

RIG="$ROOT/out/rig"
SRC="$ROOT/tests/rig"
mode="${1:-boot}"
checks="${2:-all}"
case "$checks" in *[!a-z0-9,_-]*) die "checks must be names separated by commas, got '$checks'" ;; esac

# --- packages: qemu, busybox for the initramfs, the tools the guest checks call (from this root; iproute2: the
#     offload check's network namespace, veth pair and netem qdisc, `ip` and `tc`).
need_apt_packages qemu-system-x86 busybox-static kmod make gcc i2c-tools alsa-utils libgpiod2 cpio iproute2

# --- the kernel: whatever Debian's linux-image-rt-amd64 points at now, unpacked under out/rig.
if [ -f "$RIG/kver" ]; then
    KVER="$(cat "$RIG/kver")"
else
    apt_update_once
    KVER="$(apt-cache depends linux-image-rt-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-//p' | head -n1)"
    [ -n "$KVER" ] || die "apt knows no linux-image-rt-amd64 (Debian's PREEMPT_RT kernel): is this Debian with its main archive in the apt sources?"
fi
KDIR="$RIG/kernel"
if [ ! -f "$KDIR/lib/modules/$KVER/modules.dep" ] || [ ! -f "$KDIR/boot/vmlinuz-$KVER" ]; then
    log "fetching linux-image-$KVER (unpacked into $(rel "$KDIR"); this machine's boot is not touched)"
    rm -rf "$KDIR" "$RIG/deb"
    mkdir -p "$RIG/deb" "$KDIR"
    (cd "$RIG/deb" && apt-get download "linux-image-$KVER" >/dev/null)
    dpkg -x "$RIG/deb/linux-image-${KVER}"_*.deb "$KDIR"
    depmod -b "$KDIR" "$KVER"
    rm -rf "$RIG/deb"
else
    log "kernel $KVER already unpacked"
fi
echo "$KVER" > "$RIG/kver"

# --- the rig's own PWM and GPIO chip modules, built against the kernel's headers.
need_apt_packages "linux-headers-$KVER"
MOD="$RIG/modules"
src_sum="$(cat "$SRC"/modules/* | sha256sum | awk '{ print $1 }')-$KVER"
if [ "$(cat "$MOD/.sum" 2>/dev/null)" != "$src_sum" ]; then
    log "building tests/rig/modules against linux-headers-$KVER"
    rm -rf "$MOD"; mkdir -p "$MOD"
    cp "$SRC"/modules/* "$MOD/"
    make -s -C "/usr/src/linux-headers-$KVER" M="$MOD" modules >"$MOD/build.log" 2>&1 \
        || { cat "$MOD/build.log" >&2; die "the rig's kernel modules did not build (log above)"; }
    echo "$src_sum" > "$MOD/.sum"
else
    log "rig modules already built"
fi

# --- the initramfs: busybox, the virtio and 9p modules, and tests/rig/init.
INITRD="$RIG/initramfs.cpio.gz"
init_sum="$(cat "$SRC/init" /bin/busybox "${BASH_SOURCE[0]}" | sha256sum | awk '{ print $1 }')-$KVER"
if [ "$(cat "$RIG/.initrd-sum" 2>/dev/null)" != "$init_sum" ] || [ ! -f "$INITRD" ]; then
    log "making the initramfs"
    stage="$RIG/initramfs"
    rm -rf "$stage"; mkdir -p "$stage"/{bin,dev,proc,sys,host,modules}
    cp /bin/busybox "$stage/bin/busybox"
    cp "$SRC/init" "$stage/init"; chmod 755 "$stage/init"
    i=0
    # In load order, each module once (modprobe takes one module a call; more are its parameters).
    for m in virtio_pci 9pnet_virtio 9p; do
        modprobe -d "$KDIR" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
    done | awk '!seen[$0]++' | while read -r ko; do
        i=$((i + 1)); cp "$ko" "$stage/modules/$(printf '%02d' "$i")-$(basename "$ko")"
    done
    (cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$INITRD"
    echo "$init_sum" > "$RIG/.initrd-sum"
else
    log "initramfs already made"
fi
[ "$mode" = prepare ] && { log "prepared (total $(elapsed_since "$t0") s)"; exit 0; }
[ "$mode" = boot ] || die "unknown mode '$mode' (prepare or boot)"

# --- one boot.
BIN="${RTAPP_BIN:-$ROOT/out/rtapp/rtapp}"
[ -x "$BIN" ] || die "$(rel "$BIN") is missing: run ./scripts/build.sh first"
[ -d "$RTAPP_ASSETS/models" ] || die "no assets in $RTAPP_ASSETS: run ./scripts/fetch-assets.sh first"
for p in "$ROOT" "$RTAPP_ASSETS" "$BIN"; do
    case "$p" in *[!A-Za-z0-9/._-]*) die "the rig passes paths on the kernel command line: '$p' has characters it cannot carry" ;; esac
done
OUT="$RIG/results"
rm -rf "$OUT"; mkdir -p "$OUT"
log "booting $KVER under qemu (TCG, 2 CPUs, core 1 isolated); checks: $checks"
rc=0
timeout 2400 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 -no-reboot \
    -kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$INITRD" \
    -append "console=ttyS0 quiet panic=-1 isolcpus=1 nohz_full=1 rcu_nocbs=1 rig.root=$ROOT rig.assets=$RTAPP_ASSETS rig.checks=$checks rig.kver=$KVER rig.bin=$BIN" \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$OUT,mount_tag=rigout,security_model=none,multidevs=remap" \
    -display none -serial "file:$RIG/console.log" -monitor none -nic none || rc=$?
[ "$rc" -eq 124 ] && die "the guest did not finish within 2400 s (console: $(rel "$RIG/console.log"))"
[ -f "$OUT/done" ] || die "the guest stopped before its checks finished (qemu exit $rc; console: $(rel "$RIG/console.log"))"
log "guest finished: $(tr '\n' ' ' < "$OUT/done")(total $(elapsed_since "$t0") s)"
