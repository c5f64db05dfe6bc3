#!/usr/bin/env bash
# Runs a linux-arm64 program under qemu-aarch64-static as it would run on a Raspberry Pi 5:
#   cross-build/qemu-arm64.sh ROOTFS PROGRAM [ARGS...]      (exit status: the program's)
# ROOTFS is the arm64 root (-L) the program's libraries come from (out/arm64-rootfs).
#
# Why not plain qemu-aarch64-static: qemu-user passes file reads to the host, so the arm64
# process reads the x86-64 host's /proc/cpuinfo and /sys/devices/system/cpu. ONNX Runtime's CPU
# detection (pytorch/cpuinfo, arm/linux/init.c) then finds no "CPU architecture" line and no
# MIDR, so its cache tables give no L2 and it allocates none, but the host's sysfs says each core
# has its own L2 and it writes one anyway: a NULL write, SIGSEGV, on every host whose L2 is
# per core in sysfs (most VMs without SMT). So the program runs in a private mount namespace
# where /proc/cpuinfo and /sys/devices/system/cpu describe one consistent arm64 machine: four
# Cortex-A76 r4p1 cores (MIDR 0x414fd0b1) with 64 KiB L1 caches, a 512 KiB L2 per core and a
# 2 MiB L3 shared by all, at 1.5-2.4 GHz, as a Raspberry Pi 5 (BCM2712) reports them. The mounts
# go away with the program; the files behind them (in TMPDIR) when it ends.
# Needs root or unprivileged user namespaces (unshare --map-root-user) for the mounts.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 ROOTFS PROGRAM [ARGS...]" >&2; exit 2; }
command -v qemu-aarch64-static >/dev/null 2>&1 || { echo "qemu-arm64: qemu-aarch64-static not found (cross-build/build-arm64.sh installs qemu-user-static)" >&2; exit 2; }
[ -e "$1/lib/ld-linux-aarch64.so.1" ] || { echo "qemu-arm64: $1 is not an arm64 root (no lib/ld-linux-aarch64.so.1; cross-build/build-arm64.sh makes out/arm64-rootfs)" >&2; exit 2; }

# Propagation stays as it is at first ("private" fails in a chroot, whose / is no mount point);
# /proc and /sys are made private inside before anything is mounted on them, so nothing leaks out.
if [ "${_RTAPP_QEMU_NS:-}" != 1 ]; then
    if [ "$(id -u)" -eq 0 ]; then ns=(unshare --mount --propagation unchanged); else ns=(unshare --map-root-user --mount --propagation unchanged); fi
    _RTAPP_QEMU_NS=1 exec "${ns[@]}" -- "$0" "$@"
fi
unset _RTAPP_QEMU_NS

# --------------------------------------------------------------- inside the namespace
mount --make-rprivate /proc
mount --make-rprivate /sys
CPUS=4
fake="$(mktemp -d "${TMPDIR:-/tmp}/rtapp-qemu-cpu.XXXXXX")"
trap 'rm -rf "$fake"' EXIT

for ((c = 0; c < CPUS; c++)); do
    printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n\n' "$c"
done >"$fake/cpuinfo"
printf 'Revision\t: d04170\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n' >>"$fake/cpuinfo"

sys="$fake/cpu"
mkdir -p "$sys"
last=$((CPUS - 1))
for f in possible present online; do echo "0-$last" >"$sys/$f"; done
echo "$last" >"$sys/kernel_max"
echo "" >"$sys/offline"
# cache index: level type size shared-with-all(1) or per-core(0)
caches=("1 Data 64K 0" "1 Instruction 64K 0" "2 Unified 512K 0" "3 Unified 2048K 1")
for ((c = 0; c < CPUS; c++)); do
    d="$sys/cpu$c"
    mkdir -p "$d/topology" "$d/cpufreq"
    echo 1 >"$d/online"
    echo 0 >"$d/topology/physical_package_id"
    echo "$c" >"$d/topology/core_id"
    echo -1 >"$d/topology/cluster_id"
    for f in cluster_cpus_list core_siblings_list package_cpus_list; do echo "0-$last" >"$d/topology/$f"; done
    for f in thread_siblings_list core_cpus_list; do echo "$c" >"$d/topology/$f"; done
    echo 2400000 >"$d/cpufreq/cpuinfo_max_freq"
    echo 1500000 >"$d/cpufreq/cpuinfo_min_freq"
    for ((i = 0; i < ${#caches[@]}; i++)); do
        read -r level type size shared <<<"${caches[$i]}"
        x="$d/cache/index$i"
        mkdir -p "$x"
        echo "$level" >"$x/level"
        echo "$type" >"$x/type"
        echo "$size" >"$x/size"
        echo 64 >"$x/coherency_line_size"
        if [ "$shared" = 1 ]; then echo "0-$last" >"$x/shared_cpu_list"; else echo "$c" >"$x/shared_cpu_list"; fi
    done
done

mount --bind "$fake/cpuinfo" /proc/cpuinfo
mount --bind "$sys" /sys/devices/system/cpu

rc=0
qemu-aarch64-static -L "$1" "${@:2}" || rc=$?
exit "$rc"
