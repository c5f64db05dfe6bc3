#!/usr/bin/env bash
# Debian's Prometheus (2.42: prometheus and promtool) for the live-metrics tests, unpacked into
# out/prometheus/bin from the .deb (apt-get download + dpkg-deb), not installed: nothing is
# started, no service or user is added, no root is needed. Skipped when both already run.
# Prints nothing but its log; the tests find the binaries through RTAPP_PROMETHEUS / RTAPP_PROMTOOL.
set -euo pipefail
LOG_TAG="prometheus"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

DEST="$ROOT/out/prometheus/bin"
if "$DEST/prometheus" --version >/dev/null 2>&1 && "$DEST/promtool" --version >/dev/null 2>&1; then
    log "already unpacked: $(rel "$DEST") ($("$DEST/prometheus" --version 2>&1 | head -1))"
    exit 0
fi
command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || die "apt-get and dpkg-deb are needed to unpack Debian's prometheus package"
tmp="$ROOT/out/prometheus/deb"; rm -rf "$tmp"; mkdir -p "$tmp/x" "$DEST"
# As root, apt would hand the download to its '_apt' sandbox user, who can't write here.
apt_opts=(-qq)
[ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
log "apt-get download prometheus ..."
if ! (cd "$tmp" && apt-get "${apt_opts[@]}" download prometheus); then
    log "apt-get download failed; refreshing apt lists and trying again"
    apt_update_once
    (cd "$tmp" && apt-get "${apt_opts[@]}" download prometheus) || die "apt-get download prometheus failed (is the Debian mirror reachable?)"
fi
debs=("$tmp"/prometheus_*.deb)
[ -f "${debs[0]}" ] || die "apt-get download prometheus left no .deb in $(rel "$tmp")"
dpkg-deb --fsys-tarfile "${debs[0]}" | tar -xm -C "$tmp/x" -- ./usr/bin/prometheus ./usr/bin/promtool \
    || die "could not extract prometheus and promtool from $(basename "${debs[0]}")"
mv "$tmp/x/usr/bin/prometheus" "$tmp/x/usr/bin/promtool" "$DEST/"
rm -rf "$tmp"
"$DEST/prometheus" --version >/dev/null 2>&1 || die "$(rel "$DEST/prometheus") does not run"
log "unpacked $(rel "$DEST"): $("$DEST/prometheus" --version 2>&1 | head -1) (took $(elapsed_since "$t0") s)"
