#!/bin/sh
# Installs this rtapp bundle (written by `rtapp bundle`). In order, before it reads anything else
# from the bundle: verifies MANIFEST.sha256's signature when a trust file is given (or
# /etc/rtapp/allowed_signers exists: then an unsigned bundle is refused), refuses any file the
# manifest does not list and checks every listed file's SHA-256. Only then reads bundle.env, checks
# the architecture, creates the service user (a system user with no login, added to the profile's
# groups that exist here), swaps bin/, boards/ and assets/ into $PREFIX (a folder this installer
# made: it never replaces or deletes one it did not), installs the systemd unit and checks it with
# `systemd-analyze verify`, says whether the kernel command line has the profile's core isolation,
# then enables and starts the service when systemd runs here.
#
# Usage: sudo ./install.sh [--no-start] [--trust ALLOWED_SIGNERS]
#        ./install.sh --root DIR      install into DIR as if it were / (an image, a test):
#                                     no user is created and nothing is started
set -eu
# Word splitting of the profile's lists below must never glob.
set -f
umask 022

HERE=$(cd "$(dirname "$0")" && pwd -P)

ROOT=/
START=1
TRUST=""
while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || { echo "install.sh: --root needs a folder" >&2; exit 2; }; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#--root=}; shift ;;
        --trust) [ $# -ge 2 ] || { echo "install.sh: --trust needs an allowed-signers file" >&2; exit 2; }; TRUST=$2; shift 2 ;;
        --trust=*) TRUST=${1#--trust=}; shift ;;
        --no-start) START=0; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

say() { printf '[install] %s\n' "$*"; }
note() { printf '[install] note: %s\n' "$*"; }
die() { printf '[install] ERROR: %s\n' "$*" >&2; exit 1; }

case "$ROOT" in /) R="" ;; /*) R=${ROOT%/} ;; *) die "--root must be an absolute path, got '$ROOT'" ;; esac
[ -n "$R" ] || [ "$(id -u)" -eq 0 ] || die "installing into / needs root (sudo ./install.sh), or give --root DIR"
cd "$HERE"

# 1. Who made it: with a trust file, MANIFEST.sha256 must carry a good signature from a key it lists.
if [ -z "$TRUST" ] && [ -f "${R}/etc/rtapp/allowed_signers" ]; then TRUST="${R}/etc/rtapp/allowed_signers"; fi
if [ -n "$TRUST" ]; then
    [ -f "$TRUST" ] || die "trust file $TRUST not found"
    [ -f MANIFEST.sha256.sig ] || die "this bundle is not signed, and $TRUST says bundles must be: bundle it with rtapp bundle --sign-key KEY"
    command -v ssh-keygen >/dev/null 2>&1 || die "ssh-keygen not found (openssh-client): cannot verify the signature"
    PRINCIPAL=$(ssh-keygen -Y find-principals -s MANIFEST.sha256.sig -f "$TRUST" 2>/dev/null) \
        || die "MANIFEST.sha256.sig was not made by any key in $TRUST: refusing the bundle"
    PRINCIPAL=$(printf '%s\n' "$PRINCIPAL" | head -n 1)
    [ -n "$PRINCIPAL" ] || die "MANIFEST.sha256.sig was not made by any key in $TRUST: refusing the bundle"
    ssh-keygen -Y verify -f "$TRUST" -I "$PRINCIPAL" -n rtapp-bundle -s MANIFEST.sha256.sig <MANIFEST.sha256 >/dev/null 2>&1 \
        || die "MANIFEST.sha256 does not match its signature (changed after signing): refusing the bundle"
    say "MANIFEST.sha256: signed by $PRINCIPAL ($TRUST)"
elif [ -f MANIFEST.sha256.sig ]; then
    note "the bundle is signed, but no trust file was given (--trust FILE or /etc/rtapp/allowed_signers): signature not checked"
fi

# 2. The bundle is whole and holds nothing else: every line well-formed, every file listed, every hash right.
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found (coreutils)"
[ -f MANIFEST.sha256 ] || die "MANIFEST.sha256 is missing: this is not a whole rtapp bundle"
BAD=$(grep -Ev '^[0-9a-f]{64}  [A-Za-z0-9_][A-Za-z0-9._/-]*$' MANIFEST.sha256 | head -n 1 || true)
[ -z "$BAD" ] || die "MANIFEST.sha256 has a line that is not '<sha256>  <plain relative path>': $BAD"
BAD=$(cut -c 67- MANIFEST.sha256 | grep -E '(^|/)\.\.?(/|$)|//' | head -n 1 || true)
[ -z "$BAD" ] || die "MANIFEST.sha256 names a path with '.' or '..': $BAD"
ODD=$(find . ! -type f ! -type d | head -n 1)
[ -z "$ODD" ] || die "the bundle holds $ODD, which is not a plain file (a link or a device): refusing it"
LISTED=$(cut -c 67- MANIFEST.sha256)
for f in $(find . -type f | sed 's#^\./##'); do
    case "$f" in MANIFEST.sha256|MANIFEST.sha256.sig) continue ;; esac
    printf '%s\n' "$LISTED" | grep -qxF "$f" || die "$f is in the bundle but not in MANIFEST.sha256: refusing a bundle with files nobody listed"
done
sha256sum --quiet --strict -c MANIFEST.sha256 || die "the bundle is damaged: files above do not match MANIFEST.sha256; copy it again"
say "MANIFEST.sha256: every file matches, and there is no other file"

# 3. Only now the bundle's settings, each checked for the form it must have here.
# shellcheck source=/dev/null
. "$HERE/bundle.env"
plain() { case "$2" in ''|*[!A-Za-z0-9/._:@+-]*) die "bundle.env: $1='$2' has characters it cannot have" ;; esac; }
plain BOARD "$BOARD"; plain VERSION "$VERSION"; plain ARCH "$ARCH"; plain PREFIX "$PREFIX"; plain UNIT "$UNIT"
plain STATE_DIR "$STATE_DIR"; plain SERVICE_USER "$SERVICE_USER"
for g in $SERVICE_GROUPS; do plain SERVICE_GROUPS "$g"; done
for d in $DEVICES; do plain DEVICES "$d"; done
case "$UNIT" in rtapp-*.service) ;; *) die "bundle.env: UNIT='$UNIT' is not an rtapp-NAME.service" ;; esac
case "$STATE_DIR" in /var/lib/rtapp-*) ;; *) die "bundle.env: STATE_DIR='$STATE_DIR' is not /var/lib/rtapp-NAME" ;; esac
[ "$SERVICE_USER" != root ] || die "bundle.env: the service must not run as root"

# The prefix is replaced whole: never a system folder, a home, or the folder of every board's install.
case "$PREFIX" in /*) ;; *) die "PREFIX '$PREFIX' is not absolute" ;; esac
case "$PREFIX/" in *//*|*/./*|*/../*) die "PREFIX '$PREFIX' is not a plain path" ;; esac
TOP=$(printf '%s' "$PREFIX" | cut -d/ -f2)
SECOND=$(printf '%s' "$PREFIX" | cut -d/ -f3)
DEPTH=$(printf '%s' "$PREFIX" | tr -cd / | wc -c)
case "$TOP" in bin|boot|dev|etc|lib|lib32|lib64|libx32|proc|root|run|sbin|sys|tmp|lost+found) die "PREFIX $PREFIX is in the system folder /$TOP: refusing to install there" ;; esac
[ "$DEPTH" -ge 2 ] || die "PREFIX $PREFIX is a system folder: refusing to replace it"
case "$TOP" in usr|var|home) [ "$DEPTH" -ge 3 ] || die "PREFIX $PREFIX is a system or user folder: refusing to replace it" ;; esac
[ "$TOP" != usr ] || [ "$SECOND" = local ] || die "PREFIX $PREFIX is in the package manager's /usr: refusing to install there"
case "$PREFIX" in /opt/rtapp|/usr/local/rtapp) die "PREFIX $PREFIX holds every board's install: refusing to replace it" ;; esac

say "rtapp $VERSION for $BOARD (linux-$ARCH) -> ${R}$PREFIX"

# 4. The binary is for this machine.
case "$(uname -m)" in
    x86_64|amd64) HOST=x64 ;;
    aarch64|arm64) HOST=arm64 ;;
    *) HOST=$(uname -m) ;;
esac
if [ "$HOST" != "$ARCH" ]; then
    [ -n "$R" ] || die "this bundle is for linux-$ARCH, and this machine is $(uname -m)"
    note "this bundle is for linux-$ARCH and this machine is $(uname -m): installing into $R anyway (--root)"
fi

# 5. The service user: a system account with no login and no home of its own.
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

# 6. The files, swapped in whole: the old install stays until the new one is complete. Only folders
#    holding this installer's marker are ever moved or removed.
MARKER=.rtapp-install
DEST="${R}$PREFIX"
ours() { [ ! -L "$1" ] && [ -d "$1" ] && [ -f "$1/$MARKER" ] && [ ! -L "$1/$MARKER" ]; }
for d in "$DEST" "$DEST.new" "$DEST.old"; do
    if [ -e "$d" ] || [ -L "$d" ]; then
        ours "$d" || die "$d exists and was not made by an rtapp install.sh (no $MARKER in it): refusing to replace or remove it; move it away yourself or bundle with another --prefix"
    fi
done
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.new" "$DEST.old"
mkdir -m 0755 "$DEST.new"
printf 'rtapp install of %s %s (linux-%s); install.sh replaces or removes only folders holding this file\n' "$BOARD" "$VERSION" "$ARCH" >"$DEST.new/$MARKER"
cp -R "$HERE/bin" "$HERE/boards" "$HERE/assets" "$HERE/README.txt" "$HERE/MANIFEST.sha256" "$DEST.new/"
chmod -R u+rwX,go+rX,go-w "$DEST.new"
[ -z "$R" ] && chown -R 0:0 "$DEST.new"
if [ -e "$DEST" ]; then mv "$DEST" "$DEST.old"; fi
mv "$DEST.new" "$DEST"
if [ -e "$DEST.old" ]; then rm -rf "$DEST.old"; fi
say "installed $(find "$DEST" -type f ! -name "$MARKER" | wc -l) files in $DEST"

# 7. The unit, and a state folder for the report (systemd's StateDirectory makes it on a real system).
UNIT_DIR="${R}/etc/systemd/system"
mkdir -p "$UNIT_DIR"
cp "$HERE/systemd/$UNIT" "$UNIT_DIR/$UNIT"
chmod 0644 "$UNIT_DIR/$UNIT"
say "installed $UNIT_DIR/$UNIT"
if [ -n "$R" ]; then mkdir -p "${R}$STATE_DIR"; fi

# 8. systemd's own check of the unit: any message is a failure. Into a --root, the unit's paths
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

# 9. Core isolation is the kernel's: say whether the running kernel has the profile's parameters.
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

# 10. Start it where systemd runs.
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
