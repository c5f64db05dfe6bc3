# shellcheck shell=bash
# Shared helpers for the scripts in scripts/. Source it, don't run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Callers set LOG_TAG (e.g. "setup", "fetch") before or after sourcing.

# Repository root: the parent of scripts/, wherever the checkout lives.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export ROOT

# Git-ignored cache of models, video and images (override with RTAPP_ASSETS).
RTAPP_ASSETS="${RTAPP_ASSETS:-$ROOT/.assets}"
case "$RTAPP_ASSETS" in /*) ;; *) RTAPP_ASSETS="$PWD/$RTAPP_ASSETS" ;; esac
export RTAPP_ASSETS

# Quiet, non-interactive dotnet CLI.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

: "${LOG_TAG:=rtapp}"

log()  { printf '[%s] %s\n' "$LOG_TAG" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$LOG_TAG" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2; exit 1; }

# Seconds since the epoch with fractions, for "took N s" lines.
now_s() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $* (not root and sudo is not installed)"
    fi
}

# ---------------------------------------------------------------- apt helpers

_APT_UPDATED=0
# Other apt/dpkg runs (unattended upgrades, a parallel setup) hold the locks for a while: wait
# for them instead of failing.
APT_LOCK_WAIT=(-o DPkg::Lock::Timeout=600)

# apt-get update, at most once per script run (again after apt_sources_changed).
# DPkg::Lock::Timeout makes install wait for dpkg's lock, but update does not wait for the lists
# lock (apt 2.6 fails at once: "Could not get lock /var/lib/apt/lists/lock"): retry while
# another apt run holds it, up to 10 minutes.
apt_update_once() {
    if [ "$_APT_UPDATED" -eq 1 ]; then
        return 0
    fi
    log "apt-get update ..."
    local out tries=0
    until out="$(as_root apt-get "${APT_LOCK_WAIT[@]}" update -qq 2>&1)"; do
        case "$out" in
            *"Could not get lock"*|*"Unable to lock"*) ;;
            *) printf '%s\n' "$out" >&2; die "apt-get update failed (above): is the Debian mirror reachable?" ;;
        esac
        tries=$((tries + 1))
        [ "$tries" -lt 120 ] || die "apt-get update: another apt run held the lists lock for 10 minutes: $out"
        [ "$tries" -gt 1 ] || log "another apt run holds apt's lists lock; waiting for it"
        sleep 5
    done
    [ -z "$out" ] || printf '%s\n' "$out"
    _APT_UPDATED=1
}

# Call after changing what apt fetches (dpkg --add-architecture, a new source): the lists of
# an earlier update in this run are stale, so the next apt_update_once runs again.
apt_sources_changed() { _APT_UPDATED=0; }

# True when the Debian package is installed (not just known to dpkg).
apt_is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

# True when apt has an installable (non-virtual) candidate for the package.
apt_has_candidate() {
    local cand
    cand="$(LC_ALL=C apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')"
    [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

# need_apt_packages pkg...: install those not installed yet (apt-get update once first).
need_apt_packages() {
    local missing=() p
    for p in "$@"; do
        apt_is_installed "$p" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        log "apt packages already installed: $*"
        return 0
    fi
    log "installing apt packages: ${missing[*]}"
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get "${APT_LOCK_WAIT[@]}" install -y -q --no-install-recommends "${missing[@]}"
}

# ------------------------------------------------------------- sha256 helpers

sha256_of() { sha256sum -- "$1" | awk '{ print $1 }'; }

# verify_sha256 FILE EXPECTED [LABEL]: 0 when it matches; else prints the file (or LABEL)
# with both hashes and returns 1.
verify_sha256() {
    local file="$1" expected="$2" label="${3:-$1}" actual
    [ -f "$file" ] || { printf '[%s] ERROR: %s: missing\n' "$LOG_TAG" "$label" >&2; return 1; }
    actual="$(sha256_of "$file")"
    if [ "$actual" != "$expected" ]; then
        printf '[%s] ERROR: sha256 mismatch for %s\n  expected %s\n  actual   %s\n' \
            "$LOG_TAG" "$label" "$expected" "$actual" >&2
        return 1
    fi
}

# Paths relative to ROOT when inside it, for shorter messages.
rel() { case "$1" in "$ROOT"/*) printf '%s' "${1#"$ROOT"/}" ;; *) printf '%s' "$1" ;; esac; }

# ---------------------------------------------------------------- build inputs
# The files a build reads under DIRS (tracked and untracked-but-not-ignored files in a git
# checkout, every file otherwise; never bin/ or obj/), plus the repo-level MSBuild, solution and
# NuGet files, one path per line relative to $ROOT, sorted.
list_inputs() {
    local dirs=() d
    for d in "$@"; do [ -d "$ROOT/$d" ] && dirs+=("$d"); done
    (
        cd "$ROOT"
        if [ "${#dirs[@]}" -gt 0 ]; then
            if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
                git ls-files -co --exclude-standard -- "${dirs[@]}"
            else
                find "${dirs[@]}" -type f
            fi
        fi
        shopt -s nullglob
        for f in Directory.*.props Directory.*.targets *.sln *.slnx global.json [Nn]u[Gg]et.[Cc]onfig; do
            echo "$f"
        done
    ) | grep -Ev '(^|/)(bin|obj)/' | LC_ALL=C sort -u
}

# A content hash of SALT (text that also decides the output: tool version, arguments) and the
# files list_inputs DIRS... names: the same inputs give the same hash, any change another.
inputs_hash() {
    local salt="$1"
    shift
    {
        printf '%s\n' "$salt"
        (cd "$ROOT" && list_inputs "$@" | while IFS= read -r f; do
            [ -f "$f" ] && printf '%s\0' "$f"
        done | xargs -0 -r sha256sum --)
    } | sha256sum | awk '{ print $1 }'
}

# Fails (exit 1) listing every warning in LOG, the output of WHAT: "file(l,c): warning CS8602: ...",
# "warning NU1603: ...", "ILC : Trim analysis warning IL2026: ...", "AOT analysis warning IL3050: ...".
fail_on_warnings() {
    local log_file="$1" what="$2" warnings n
    warnings="$(grep -E '(^|[[:space:]:])warning [A-Z]{2,}[0-9]+|: warning ' "$log_file" \
        | sed -E 's/[[:space:]]+$//' | LC_ALL=C sort -u || true)"
    [ -n "$warnings" ] || return 0
    n="$(printf '%s\n' "$warnings" | wc -l)"
    printf '[%s] ERROR: %s printed %s warning(s); the build must be warning-free:\n' "$LOG_TAG" "$what" "$n" >&2
    printf '%s\n' "$warnings" | sed 's/^/  /' >&2
    exit 1
}

# ------------------------------------------------------------ node helpers

# ensure_npm_packages NAME DIR PACKAGE [VAR=VALUE...]: scripts/NAME's npm packages, pinned by its
# package-lock.json, installed into DIR/node_modules once: skipped while the lockfile installed there
# is the one in scripts/NAME and PACKAGE is there. Node and npm come from Debian when missing. Install
# scripts are off (--ignore-scripts); VAR=VALUE pairs are npm ci's environment. Nothing is downloaded
# at run time.
ensure_npm_packages() {
    local name="$1" dir="$2" package="$3"
    shift 3
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        need_apt_packages nodejs npm
    fi
    local src="$ROOT/scripts/$name" stamp="$dir/node_modules/.rtapp-lock.sha256" want
    want="$(sha256_of "$src/package-lock.json")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$dir/node_modules/$package/package.json" ]; then
        log "$package already installed in $(rel "$dir")/node_modules"
        return 0
    fi
    log "installing the npm packages of scripts/$name ($package, pinned by its lockfile) into $(rel "$dir") ..."
    mkdir -p "$dir"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    (cd "$dir" && env "$@" npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
        || die "npm ci in $(rel "$dir") failed (is the npm registry reachable?)"
    [ -f "$dir/node_modules/$package/package.json" ] || die "npm ci left no $package in $(rel "$dir")/node_modules"
    printf '%s\n' "$want" > "$stamp"
}

# ensure_peers_node_modules: onnxruntime-node for scripts/bench-peers.sh, in out/peers. Its postinstall
# would download CUDA libraries (skipped); its CPU binaries are in the package itself.
PEERS_DIR="$ROOT/out/peers"
ensure_peers_node_modules() { ensure_npm_packages peers "$PEERS_DIR" onnxruntime-node ONNXRUNTIME_NODE_INSTALL=skip; }

# ensure_mcap_node_modules: Foxglove's MCAP reader (@mcap/core) in out/mcap, for the end-to-end tests
# that read rtapp's recordings with it (scripts/mcap/read.cjs).
MCAP_DIR="$ROOT/out/mcap"
ensure_mcap_node_modules() { ensure_npm_packages mcap "$MCAP_DIR" @mcap/core; }
