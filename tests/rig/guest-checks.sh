#!/bin/bash
# The rig's checks, run inside the PREEMPT_RT guest, chrooted into this machine's root (tests/rig/init).
# Each check is one function check_NAME listed in CHECKS below; it writes what it saw as KEY=VALUE
# lines into $OUT/NAME.env (facts only: the tests in tests/Realtime.EndToEnd.Tests/RigTests.cs
# judge them) and its programs' output into $OUT/NAME.*.
#
# Adding a check: write check_NAME (load what it needs with kmod, run the published rtapp as
# "$RTAPP", record facts with fact NAME KEY VALUE), add NAME to CHECKS, and assert on
# NAME.env in RigTests.cs. A check must not leave a device in use for the next one.
set -u
OUT="$RIG_ROOT/out/rig/results"
RTAPP="${RIG_BIN:-$RIG_ROOT/out/rtapp/rtapp}"
BOARD="$RIG_ROOT/tests/rig/rig.json"
MODDIR="$RIG_ROOT/out/rig/modules"
export RTAPP_ASSETS="$RIG_ASSETS"
CHECKS="rt_check face_tracker"

# fact CHECK KEY VALUE: one line of CHECK's results.
fact() { printf '%s=%s\n' "$2" "$3" >> "$OUT/$1.env"; }
# kmod: a module of the guest's kernel (unpacked under out/rig/kernel), with parameters.
kmod() { modprobe -d "$RIG_ROOT/out/rig/kernel" -S "$RIG_KVER" "$@"; }
# A module parameter's value (the rig's own chips report what reached them this way).
param() { cat "/sys/module/$1/parameters/$2"; }
# rtapp_json FILE PATH: one value out of a report (python3: jq is not part of the host's tools).
rtapp_json() { python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v.get(k)
print("null" if v is None else (str(v).lower() if isinstance(v,bool) else v))' "$1" "$2" 2>/dev/null || echo missing; }

# rtapp check on the rig's profile: PREEMPT_RT, core 1 isolated and present.
check_rt_check() {
    "$RTAPP" check --board "$BOARD" > "$OUT/rt_check.out" 2>&1
    fact rt_check exit "$?"
    fact rt_check preempt_rt "$(grep -c PREEMPT_RT /proc/sys/kernel/version)"
    fact rt_check isolated "$(cat /sys/devices/system/cpu/isolated)"
    fact rt_check online "$(cat /sys/devices/system/cpu/online)"
}

sample() {
    while sleep 5; do
        for p in $(pgrep rtapp); do
            for t in /proc/$p/task/*; do echo "$(cat $t/comm) $(cut -d' ' -f3,14,15,39,40,41 $t/stat) $(cat $t/wchan) $(cat $t/syscall)"; done
        done >> "$OUT/sample.txt"; echo --- >> "$OUT/sample.txt"
    done
}

check_face_tracker() {
    kmod vivid n_devs=1 node_types=0x1 input_types=0x0 || fact face_tracker error "vivid did not load"
    insmod "$MODDIR/rig_pwm.ko" || fact face_tracker error "rig_pwm did not load"
    sample &
    local s=$!
    timeout -k 5 60 "$RTAPP" run --board "$BOARD" --no-floor --no-rt --frames 20 --report "$OUT/face_tracker_nort.json" > "$OUT/face_tracker_nort.out" 2>&1
    fact face_tracker exit_nort "$?"
    timeout -k 5 60 "$RTAPP" run --board "$BOARD" --no-floor --frames 20 --report "$OUT/face_tracker.json" > "$OUT/face_tracker.out" 2>&1
    fact face_tracker exit "$?"
    kill $s
    fact face_tracker duty_ns "$(param rig_pwm duty_ns)"
    fact face_tracker period_ns "$(param rig_pwm period_ns)"
    fact face_tracker enabled "$(param rig_pwm enabled)"
    fact face_tracker applies "$(param rig_pwm applies)"
}

echo "rig guest: kernel $(uname -r), cpus online $(cat /sys/devices/system/cpu/online), isolated $(cat /sys/devices/system/cpu/isolated)"
for c in $CHECKS; do
    case ",$RIG_CHECKS," in *",all,"*|*",$c,"*) ;; *) continue ;; esac
    echo "rig guest: check $c"
    : > "$OUT/$c.env"
    "check_$c"
done
dmesg > "$OUT/dmesg.txt"
echo "checks=$RIG_CHECKS" > "$OUT/done"
