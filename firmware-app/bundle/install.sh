#!/bin/sh
# Installs this rtapp bundle (written by `rtapp bundle`). In order: checks every file against
# MANIFEST.sha256 and the machine's architecture; creates the service user (a system user with
# no login, added to the profile's groups that exist here); copies bin/, boards/ and assets/ to
# $PREFIX, read-only for the service; installs the systemd unit and checks it with
# `systemd-analyze verify` where that exists; says whether the kernel command line has the
# profile's core isolation; then enables and starts the service when systemd runs here.
#
# Usage: sudo ./install.sh [--no-start]
#        ./install.sh --root DIR      install into DIR as if it were / (an image, a test):
#                                     no user is created and nothing is started
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=/dev/null
. "$HERE/bundle.env"

ROOT=/
START=1
while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || { echo "install.sh: --root needs a folder" >&2; exit 2; }; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#--root=}; shift ;;
        --no-start) START=0; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf '[install] %s\n' "$*"; }
note() { printf '[install] note: %s\n' "$*"; }
die() { printf '[install] ERROR: %s\n' "$*" >&2; exit 1; }

case "$ROOT" in /) R="" ;; /*) R=${ROOT%/} ;; *) die "--root must be an absolute path, got '$ROOT'" ;; esac
[ -n "$R" ] || [ "$(id -u)" -eq 0 ] || die "installing into / needs root (sudo ./install.sh), or give --root DIR"

say "rtapp $VERSION for $BOARD (linux-$ARCH) -> ${R}$PREFIX"

# 1. The bundle is whole: every file matches its SHA-256.
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found (coreutils)"
(cd "$HERE" && sha256sum --quiet --strict -c MANIFEST.sha256) || die "the bundle is damaged: files above do not match MANIFEST.sha256; copy it again"
say "MANIFEST.sha256: every file matches"

# 2. The binary is for this machine.
case "$(uname -m)" in
    x86_64|amd64) HOST=x64 ;;
    aarch64|arm64) HOST=arm64 ;;
    *) HOST=$(uname -m) ;;
esac
if [ "$HOST" != "$ARCH" ]; then
    [ -n "$R" ] || die "this bundle is for linux-$ARCH, and this machine is $(uname -m)"
    note "this bundle is for linux-$ARCH and this machine is $(uname -m): installing into $R anyway (--root)"
fi

# 3. The service user: a system account with no login and no home of its own.
if [ -z "$R" ]; then
    if id "$SERVICE_USER" >/dev/null 2>&1; then
        say "user $SERVICE_USER exists"
    else
        useradd --system --user-group --no-create-home --home-dir "$STATE_DIR" --shell /usr/sbin/nologin "$SERVICE_USER" \
            || die "could not create user $SERVICE_USER"
        say "created system user $SERVICE_USER"
    fi
    for g in $SERVICE_GROUPS; do
        if getent group "$g" >/dev/null 2>&1; then
            usermod -a -G "$g" "$SERVICE_USER" && say "user $SERVICE_USER is in group $g"
        else
            note "group $g does not exist here: skipped (device access may need it)"
        fi
    done
else
    note "--root: user $SERVICE_USER is not created (create it in the target: useradd --system --user-group $SERVICE_USER)"
fi

# 4. The files, swapped in whole: the old install stays until the new one is complete.
DEST="${R}$PREFIX"
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.new" "$DEST.old"
mkdir -p "$DEST.new"
cp -R "$HERE/bin" "$HERE/boards" "$HERE/assets" "$HERE/README.txt" "$HERE/MANIFEST.sha256" "$DEST.new/"
chmod -R u+rwX,go+rX,go-w "$DEST.new"
[ -z "$R" ] && chown -R 0:0 "$DEST.new"
if [ -e "$DEST" ]; then mv "$DEST" "$DEST.old"; fi
mv "$DEST.new" "$DEST"
rm -rf "$DEST.old"
say "installed $(find "$DEST" -type f | wc -l) files in $DEST"

# 5. The unit, and a state folder for the report (systemd's StateDirectory makes it on a real system).
UNIT_DIR="${R}/etc/systemd/system"
mkdir -p "$UNIT_DIR"
cp "$HERE/systemd/$UNIT" "$UNIT_DIR/$UNIT"
chmod 0644 "$UNIT_DIR/$UNIT"
say "installed $UNIT_DIR/$UNIT"
if [ -n "$R" ]; then mkdir -p "${R}$STATE_DIR"; fi

# 6. systemd's own check of the unit: any message is a failure. Into a --root, the unit's paths
#    are checked where they were installed.
if command -v systemd-analyze >/dev/null 2>&1; then
    CHECK="$UNIT_DIR/$UNIT"
    TMP=""
    if [ -n "$R" ]; then
        TMP=$(mktemp -d)
        sed "s#$PREFIX/#${R}$PREFIX/#g" "$UNIT_DIR/$UNIT" >"$TMP/$UNIT"
        CHECK="$TMP/$UNIT"
    fi
    set +e
    OUT=$(systemd-analyze verify "$CHECK" 2>&1)
    RC=$?
    set -e
    [ -z "$TMP" ] || rm -rf "$TMP"
    if [ "$RC" -ne 0 ] || [ -n "$OUT" ]; then
        printf '%s\n' "$OUT" >&2
        die "systemd-analyze verify found problems in $UNIT (above)"
    fi
    say "systemd-analyze verify $UNIT: ok"
else
    note "systemd-analyze not found: the unit was not verified"
fi

# 7. Core isolation is the kernel's: say whether the running kernel has the profile's parameters.
if [ -n "$KERNEL_CMDLINE" ]; then
    if [ -z "$R" ] && [ -r /proc/cmdline ]; then
        MISSING=""
        for p in $KERNEL_CMDLINE; do
            case " $(cat /proc/cmdline) " in *" $p "*) ;; *) MISSING="$MISSING $p" ;; esac
        done
        if [ -z "$MISSING" ]; then
            say "kernel command line has the profile's core isolation: $KERNEL_CMDLINE"
        else
            note "the profile expects '$KERNEL_CMDLINE' on the kernel command line; missing:$MISSING. Add it (Raspberry Pi OS: /boot/firmware/cmdline.txt; Jetson: APPEND in /boot/extlinux/extlinux.conf; GRUB: GRUB_CMDLINE_LINUX) and reboot"
        fi
    else
        note "the target's kernel command line should have: $KERNEL_CMDLINE"
    fi
fi
if [ -z "$R" ]; then
    for d in $DEVICES; do [ -e "$d" ] || note "$d is not present on this machine"; done
fi

# 8. Start it where systemd runs.
if [ -n "$R" ]; then
    note "--root: the service is installed, not enabled or started"
elif [ ! -d /run/systemd/system ]; then
    note "systemd is not running on this machine: the service is installed, not started; run it by hand: $PREFIX/bin/rtapp run --board $PREFIX/boards/$BOARD.json --assets $PREFIX/assets"
else
    systemctl daemon-reload
    systemctl enable "$UNIT" >/dev/null
    if [ "$START" -eq 1 ]; then
        systemctl restart "$UNIT"
        say "started $UNIT"
        systemctl --no-pager --lines=5 status "$UNIT" || true
    else
        say "enabled $UNIT (not started: --no-start)"
    fi
fi
say "done: $BOARD installed in ${R}$PREFIX"
