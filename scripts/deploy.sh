#!/usr/bin/env bash
# Deploys a board over SSH: builds what is missing (scripts/build.sh, and cross-build/build-arm64.sh
# for an arm64 board; both skip when nothing changed), writes the board's bundle (`rtapp bundle`),
# copies it to the host, and runs the bundle's install.sh there as root (directly, or through
# sudo): it checks the bundle, creates the service user, installs the files and the systemd unit,
# verifies the unit, and enables and starts the service where systemd runs.
#
# Usage: scripts/deploy.sh --board NAME|FILE.json --host USER@HOST [options]
#   --port N              SSH port (default 22)
#   --identity FILE       SSH private key
#   --ssh-option OPT      passed to ssh and scp as -o OPT (repeatable)
#   --set key=value       profile override baked into the bundle (repeatable)
#   --sign-key FILE       sign the bundle with this SSH key (the board's /etc/rtapp/allowed_signers verifies it)
#   --root DIR            install into DIR on the host as if it were / (nothing started)
#   --no-start            install and enable, do not start
#   --bundle FILE.tar.gz  deploy this bundle instead of writing one
#   --out DIR             where bundles are written (default out/bundles)
# RTAPP_ASSETS names the assets folder (default .assets); RTAPP_BIN a prebuilt x64 rtapp.
set -euo pipefail
LOG_TAG="deploy"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
t0="$(now_s)"

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
BOARD="" HOST="" PORT=22 IDENTITY="" ROOT_DIR="" NO_START=0 BUNDLE="" OUT="$ROOT/out/bundles"
SETS=() SSH_OPTS=() SIGN=()
while [ $# -gt 0 ]; do
    need() { [ $# -ge 2 ] || die "$1 needs a value (see --help)"; }
    case "$1" in
        --board) need "$@"; BOARD="$2"; shift 2 ;;
        --host) need "$@"; HOST="$2"; shift 2 ;;
        --port) need "$@"; PORT="$2"; shift 2 ;;
        --identity) need "$@"; IDENTITY="$2"; shift 2 ;;
        --ssh-option) need "$@"; SSH_OPTS+=(-o "$2"); shift 2 ;;
        --set) need "$@"; SETS+=(--set "$2"); shift 2 ;;
        --sign-key) need "$@"; SIGN=(--sign-key "$2"); shift 2 ;;
        --root) need "$@"; ROOT_DIR="$2"; shift 2 ;;
        --no-start) NO_START=1; shift ;;
        --bundle) need "$@"; BUNDLE="$2"; shift 2 ;;
        --out) need "$@"; OUT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ -n "$HOST" ] || die "--host USER@HOST is required (see --help)"
[ -n "$BOARD" ] || [ -n "$BUNDLE" ] || die "--board NAME is required (see --help)"
case "$PORT" in ''|*[!0-9]*) die "--port must be a number, got '$PORT'" ;; esac
command -v ssh >/dev/null 2>&1 && command -v scp >/dev/null 2>&1 || die "ssh and scp are needed (Debian: apt-get install openssh-client)"

SSH_ARGS=(-o BatchMode=yes -o ConnectTimeout=20 "${SSH_OPTS[@]}")
[ -z "$IDENTITY" ] || SSH_ARGS+=(-i "$IDENTITY")

# ------------------------------------------------------------------ the bundle
if [ -z "$BUNDLE" ]; then
    if [ -n "${RTAPP_BIN:-}" ]; then
        RTAPP="$RTAPP_BIN"
    else
        "$ROOT/scripts/build.sh"
        RTAPP="$ROOT/out/rtapp/rtapp"
    fi
    # An arm64 board's binary comes from the cross build, which lands beside out/rtapp.
    if "$RTAPP" boards --show "$BOARD" "${SETS[@]}" | grep -q '"arch": "arm64"'; then
        "$ROOT/cross-build/build-arm64.sh"
    fi
    mkdir -p "$OUT"
    log "rtapp bundle --board $BOARD${SETS[*]:+ ${SETS[*]}} --out $(rel "$OUT")"
    bundle_log="$("$RTAPP" bundle --board "$BOARD" "${SETS[@]}" "${SIGN[@]}" --out "$OUT")" || die "rtapp bundle failed (above)"
    printf '%s\n' "$bundle_log"
    BUNDLE="$(printf '%s\n' "$bundle_log" | sed -n 's/^bundle: \(.*\.tar\.gz\).*/\1/p')"
fi
[ -f "$BUNDLE" ] || die "no bundle at '$BUNDLE'"
name="$(basename "$BUNDLE" .tar.gz)"

# ------------------------------------------------------------------ copy and install
log "copying $(basename "$BUNDLE") ($(du -h "$BUNDLE" | cut -f1)) to $HOST:$PORT"
remote_dir="$(ssh -p "$PORT" "${SSH_ARGS[@]}" "$HOST" 'mktemp -d /tmp/rtapp-deploy.XXXXXX')" || die "ssh to $HOST (port $PORT) failed"
scp -q -P "$PORT" "${SSH_ARGS[@]}" "$BUNDLE" "$HOST:$remote_dir/" || die "scp to $HOST:$remote_dir failed"

install_args=()
[ -z "$ROOT_DIR" ] || install_args+=(--root "$ROOT_DIR")
[ "$NO_START" -eq 0 ] || install_args+=(--no-start)
# The remote side: unpack, install as root (sudo when the login is not root), clean up, keep the status.
remote_cmd="cd $(printf '%q' "$remote_dir") && tar -xzf $(printf '%q' "$name.tar.gz") && \
if [ \"\$(id -u)\" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
\$SUDO ./$(printf '%q' "$name")/install.sh ${install_args[*]+$(printf '%q ' "${install_args[@]}")}; rc=\$?; \
cd / && rm -rf $(printf '%q' "$remote_dir"); exit \$rc"
log "installing on $HOST${ROOT_DIR:+ into $ROOT_DIR}"
set +e
ssh -p "$PORT" "${SSH_ARGS[@]}" "$HOST" "$remote_cmd"
rc=$?
set -e
[ "$rc" -eq 0 ] || die "install.sh on $HOST failed (exit $rc)"
log "deployed $name to $HOST (took $(elapsed_since "$t0") s)"
