#!/usr/bin/env bash
# Runs ./scripts/test.sh as on a new machine, so that a missing install step shows here first:
#   1. a minimal Debian root (debootstrap --variant=minbase, this machine's suite and mirror),
#      cached as out/clean-room/base.tar; every run unpacks a pristine copy of it;
#   2. into it only what a new user starts with: the .NET SDK (this machine's, copied, with the
#      libraries it loads: ICU, OpenSSL), git, and the package clients' own configuration as this
#      machine has it: apt's sources and settings, NuGet's config (and any local package folder it
#      names), npm's npmrc files, the machine's certificate authorities, and the environment
#      variables that point the clients at them (names with ssl, cert, ca_bundle, nuget, npm, proxy);
#   3. a clone of this repository at REF (default HEAD; committed work only);
#   4. ./scripts/test.sh inside it: chroot, in a private mount namespace with /proc, /sys and /dev
#      mounted, so every mount goes when the run ends, however it ends.
# Usage: scripts/clean-room.sh [--keep] [--new-base] [REF]
#   --keep      leave the root in out/clean-room/root to look at (the next run replaces it)
#   --new-base  debootstrap the base again even when the cached one matches
# Prints one PASSED/FAILED line with the test totals; exits with test.sh's status.
# Log: out/clean-room/test.log. Needs root (sudo is used when not root) and a Debian host.
set -euo pipefail
LOG_TAG="clean-room"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
KEEP=0 NEW_BASE=0 REF=HEAD
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) KEEP=1; shift ;;
        --new-base) NEW_BASE=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) [ $# -eq 1 ] || die "one REF at most, got: $* (see --help)"; REF="$1"; shift ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "needs root (debootstrap, chroot, mounts) and sudo is not installed"
    exec sudo --preserve-env "$0" "$@"
fi
[ -r /etc/os-release ] && command -v apt-get >/dev/null 2>&1 || die "needs a Debian or Ubuntu host (apt, /etc/os-release)"
command -v dotnet >/dev/null 2>&1 || die "'dotnet' not found: the clean room copies this machine's .NET SDK"
command -v unshare >/dev/null 2>&1 && command -v chroot >/dev/null 2>&1 || die "unshare and chroot are needed (Debian: util-linux, coreutils)"

SHA="$(git -C "$ROOT" rev-parse --verify --quiet --end-of-options "$REF^{commit}")" || die "'$REF' is not a commit of $ROOT"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=normal)" ]; then
    warn "the checkout has uncommitted changes: the clean room runs commit ${SHA:0:12} without them"
fi

CR="$ROOT/out/clean-room"
BASE_TAR="$CR/base.tar"
BASE_STAMP="$CR/base.stamp"
RT="$CR/root"
LOG="$CR/test.log"
mkdir -p "$CR"

# ------------------------------------------------------------------ cleanup
# Mounts live in the run's own namespace and vanish with it; processes the tests left behind
# (build servers, an sshd) are ended by id, then the root is removed.
procs_in_root() {
    local p r
    for p in /proc/[0-9]*; do
        r="$(readlink "$p/root" 2>/dev/null)" || continue
        case "$r" in "$RT"|"$RT"/*) echo "${p#/proc/}" ;; esac
    done
}
remove_root() {
    [ -e "$RT" ] || return 0
    local pids
    pids="$(procs_in_root)"
    if [ -n "$pids" ]; then
        log "ending processes left in the root: $(echo $pids)"
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
        sleep 2
        pids="$(procs_in_root)"
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    # Only reached if a mount escaped its namespace (it should not): never delete through one.
    findmnt -rn -o TARGET | awk -v r="$RT" 'index($0, r "/") == 1 || $0 == r' | sort -r | while IFS= read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
    rm -rf --one-file-system "$RT"
}
on_exit() {
    local rc=$?
    if [ "$KEEP" -eq 1 ] && [ -d "$RT" ]; then
        log "kept the root: $(rel "$RT") (chroot into it; the next run replaces it)"
    else
        remove_root
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ 1. the base root
. /etc/os-release
SUITE="${VERSION_CODENAME:-}"
[ -n "$SUITE" ] || die "/etc/os-release names no VERSION_CODENAME: cannot tell which Debian suite to debootstrap"

# The first enabled source of this machine that serves the suite (one-line .list or deb822 .sources).
mirror_of_suite() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v s="$SUITE" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == s) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
            { uri = ""; ok = 0; deb = 1; on = 1
              for (k = 1; k <= NF; k++) {
                  if ($k ~ /^URIs:/) { split(substr($k, 6), u, " "); uri = u[1] }
                  if ($k ~ /^Suites:/) { n = split(substr($k, 8), w, " "); for (j = 1; j <= n; j++) if (w[j] == s) ok = 1 }
                  if ($k ~ /^Types:/ && $k !~ /[ \t]deb([ \t]|$)/) deb = 0
                  if ($k ~ /^Enabled:[ \t]*no/) on = 0 }
              if (ok && deb && on && uri != "") { print uri; exit } }' "$f"
    done
}
MIRROR="$(mirror_of_suite | head -1)"
[ -n "$MIRROR" ] || die "no apt source of this machine serves '$SUITE' (/etc/apt/sources.list*): debootstrap needs its mirror"

# The SDK's own libraries, as the dotnet-sdk packages depend on them; named as this machine has
# them (the same suite). git and ca-certificates are the other two things a new user has.
pkg_of_file() { dpkg-query -S "$1" 2>/dev/null | head -1 | cut -d: -f1; }
icu_pkg="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' 'libicu[0-9]*' 2>/dev/null | awk '$2 == "installed" && $1 !~ /-dev$/ { print $1; exit }')"
ssl_pkg="$(pkg_of_file '*/libssl.so.3')"
[ -n "$icu_pkg" ] || die "no libicu package is installed here, yet the .NET SDK needs ICU: cannot tell which to give the root"
INCLUDE="ca-certificates,git,${icu_pkg},${ssl_pkg:-libssl3},libstdc++6,libgcc-s1,zlib1g,tzdata"
ARCH="$(dpkg --print-architecture)"
stamp="debootstrap --variant=minbase --arch=$ARCH --include=$INCLUDE $SUITE $MIRROR"

if [ "$NEW_BASE" -eq 0 ] && [ -f "$BASE_TAR" ] && [ "$(cat "$BASE_STAMP" 2>/dev/null)" = "$stamp" ]; then
    log "base root cached: $(rel "$BASE_TAR") ($stamp)"
else
    need_apt_packages debootstrap
    tmp="$CR/base.tmp"
    rm -rf --one-file-system "$tmp" "$BASE_TAR" "$BASE_STAMP"
    log "$stamp (log: $(rel "$CR/debootstrap.log"))"
    debootstrap --variant=minbase --arch="$ARCH" --include="$INCLUDE" "$SUITE" "$tmp" "$MIRROR" >"$CR/debootstrap.log" 2>&1 \
        || { tail -20 "$CR/debootstrap.log" >&2; die "debootstrap failed (above; all of it in $(rel "$CR/debootstrap.log"))"; }
    rm -rf "${tmp:?}"/var/cache/apt/archives/*.deb
    tar --numeric-owner -C "$tmp" -cpf "$BASE_TAR.part" .
    mv "$BASE_TAR.part" "$BASE_TAR"
    rm -rf --one-file-system "$tmp"
    echo "$stamp" >"$BASE_STAMP"
    log "base root cached: $(rel "$BASE_TAR") ($(du -h "$BASE_TAR" | cut -f1))"
fi

# ------------------------------------------------------------------ 2. a pristine copy, and what a new user has
remove_root
mkdir -p "$RT"
tar --numeric-owner -C "$RT" -xpf "$BASE_TAR"

# copy_in PATH...: host paths into the root at the same place (files or folders, when present).
copy_in() {
    local p
    for p in "$@"; do
        [ -e "$p" ] || continue
        mkdir -p "$RT$(dirname "$p")"
        cp -a "$p" "$RT$(dirname "$p")/"
    done
}

# The .NET SDK where this machine keeps it, and `dotnet` where it is on PATH here.
dotnet_link="$(command -v dotnet)"
dotnet_dir="$(dirname "$(readlink -f "$dotnet_link")")"
copy_in "$dotnet_dir" /etc/dotnet
[ "$dotnet_link" = "$dotnet_dir/dotnet" ] || { mkdir -p "$RT$(dirname "$dotnet_link")"; ln -sfn "$dotnet_dir/dotnet" "$RT$dotnet_link"; }
sdk_list="$(dotnet --list-sdks | awk '{ print $1 }' | paste -sd' ' -)"

# apt: sources, settings, and the keyrings the sources name.
cp -a /etc/apt/. "$RT/etc/apt/"
for k in $(grep -rhoE '([Ss]igned-[Bb]y[:=] *)/[^] ,]+' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | sed -E 's/^[^/]*//' | sort -u); do
    [ -e "$RT$k" ] || copy_in "$k"
done

# NuGet: the user's and the machine's config, and any local folder a config names as a source.
nuget_configs=()
for f in "$HOME/.nuget/NuGet/NuGet.Config" "$HOME/.config/NuGet/NuGet.Config" /etc/opt/NuGet/Config/*.config /etc/opt/NuGet/Config/*.Config; do
    [ -f "$f" ] && nuget_configs+=("$f")
done
for f in "${nuget_configs[@]}"; do
    case "$f" in "$HOME"/*) dst="/root${f#"$HOME"}" ;; *) dst="$f" ;; esac
    mkdir -p "$RT$(dirname "$dst")"
    cp -a "$f" "$RT$dst"
    for d in $(grep -oE 'value="/[^"]+"' "$f" | sed -E 's/^value="|"$//g'); do
        [ -d "$d" ] && copy_in "$d" && log "NuGet source folder named by $f: $d"
    done
done

# npm: its per-user and global npmrc files (npm itself is setup-system.sh's to install).
for f in "$HOME/.npmrc" /etc/npmrc /usr/etc/npmrc; do
    [ -f "$f" ] || continue
    case "$f" in "$HOME"/*) dst="/root${f#"$HOME"}" ;; *) dst="$f" ;; esac
    mkdir -p "$RT$(dirname "$dst")"
    cp -a "$f" "$RT$dst"
done

# Certificate authorities: the machine's own ones, added the Debian way inside the root.
copy_in /usr/local/share/ca-certificates
chroot "$RT" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
cp -L /etc/resolv.conf "$RT/etc/resolv.conf"
# A chroot has no init of its own: packages must not start their services (an sshd on the host's
# port 22), as every chroot build does; on a real machine systemd would run them.
printf '#!/bin/sh\nexit 101\n' >"$RT/usr/sbin/policy-rc.d"
chmod 755 "$RT/usr/sbin/policy-rc.d"
cp -a /etc/hosts "$RT/etc/hosts"

# The environment variables that point the clients at their CAs, registries and proxies; a file
# one of them names that the root lacks is copied in too.
pass_env=()
while IFS= read -r name; do
    val="${!name}"
    pass_env+=("$name=$val")
    case "$val" in /*) [ -e "$val" ] && [ ! -e "$RT$val" ] && copy_in "$val" ;; esac
done < <(compgen -e | grep -iE 'ssl|cert|ca_bundle|nuget|npm|proxy' | grep -v '^DOTNET_' | sort)

# ------------------------------------------------------------------ 3. the clone
WORK=/work/realtime
git clone --quiet --no-checkout "$ROOT" "$RT$WORK"
git -C "$RT$WORK" -c advice.detachedHead=false checkout --quiet --detach "$SHA"
log "root ready: $(rel "$RT") (Debian $SUITE minbase from $MIRROR; .NET SDK $sdk_list from $dotnet_dir; git; commit ${SHA:0:12}; environment: ${pass_env[*]%%=*})"

# ------------------------------------------------------------------ 4. ./scripts/test.sh inside
log "running ./scripts/test.sh in the clean room (log: $(rel "$LOG"))"
rc=0
set +e
unshare --mount --propagation private -- /bin/bash -c '
    set -e
    rt="$1" work="$2"; shift 2
    mount -t proc proc "$rt/proc"
    mount --rbind /sys "$rt/sys"
    mount --rbind /dev "$rt/dev"
    set +e
    chroot "$rt" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" \
        /bin/bash -c "cd \"\$0\" && ./scripts/test.sh; rc=\$?; dotnet build-server shutdown >/dev/null 2>&1; exit \$rc" "$work"
    rc=$?
    umount -R -l "$rt/dev" "$rt/sys" "$rt/proc" 2>/dev/null
    exit $rc
' clean-room "$RT" "$WORK" "${pass_env[@]}" 2>&1 | tee "$LOG"
rc="${PIPESTATUS[0]}"
set -e
[ -f "$RT$WORK/out/test-output.log" ] && cp "$RT$WORK/out/test-output.log" "$CR/test-output.log"

totals="$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOG" | tail -1)"
if [ "$rc" -eq 0 ]; then
    log "PASSED: ./scripts/test.sh in a fresh Debian $SUITE root at ${SHA:0:12}: ${totals:-no totals printed} (took $(elapsed_since "$t0") s)"
else
    log "FAILED: ./scripts/test.sh in a fresh Debian $SUITE root at ${SHA:0:12} exited $rc: ${totals:-no totals printed} (took $(elapsed_since "$t0") s; log: $(rel "$LOG"))"
fi
exit "$rc"
