#!/bin/bash
# The rig's checks, run inside the PREEMPT_RT guest, chrooted into this machine's root (tests/rig/init).
# Each check is one function check_NAME listed in CHECKS below; it writes what it saw as KEY=VALUE
# lines into $OUT/NAME.env (facts only: tests/Realtime.EndToEnd.Tests/RigTests.cs judges them)
# and its programs' output into $OUT/NAME.*.
#
# Adding a check: write check_NAME (load what it needs with kmod/insmod, run the published rtapp
# as "$RTAPP", record facts with: fact NAME KEY VALUE), add NAME to CHECKS, and assert on NAME.env
# in RigTests.cs. A check must leave no device in use for the next one.
# Timing inside TCG means nothing: record behaviour and counts only.
set -u
OUT="$RIG_ROOT/out/rig/results"
RTAPP="${RIG_BIN:-$RIG_ROOT/out/rtapp/rtapp}"
BOARD="$RIG_ROOT/tests/rig/rig.json"
MODDIR="$RIG_ROOT/out/rig/modules"
export RTAPP_ASSETS="$RIG_ASSETS"
CHECKS="rt_check imu face_tracker servo_sigterm stall_softdog relay_gpio voice_relay pca9685 offload_netem"
# Frames per face-tracker run: BlazeFace takes seconds a frame under TCG.
FT_FRAMES=3
FT_WARMUP=1

# fact CHECK KEY VALUE: one line of CHECK's results.
fact() { printf '%s=%s\n' "$2" "$3" >> "$OUT/$1.env"; }
# kmod MODULE [PARAM=VALUE...]: a module of the guest's kernel (unpacked under out/rig/kernel).
kmod() { modprobe -d "$RIG_ROOT/out/rig/kernel" -S "$RIG_KVER" "$@"; }
# param MODULE NAME: a module parameter (the rig's own chips report what reached them this way).
param() { cat "/sys/module/$1/parameters/$2"; }
# json FILE PATH: one value of a report (dotted path, list indices as numbers).
json() { python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v.get(k)
print("null" if v is None else (str(v).lower() if isinstance(v,bool) else v))' "$1" "$2" 2>/dev/null || echo missing; }
# softdog_expiries: how often softdog has fired (soft_noboot=1 logs it instead of rebooting).
softdog_expiries() { dmesg | grep -c 'softdog: Triggered'; }
# wait_or_kill PID SECONDS: waits for a background run (in this shell: only it can wait for its
# child); STATUS is its exit status, or "killed" when it outlived SECONDS.
wait_or_kill() {
    local i
    for i in $(seq 1 "$2"); do kill -0 "$1" 2>/dev/null || break; sleep 1; done
    if kill -0 "$1" 2>/dev/null; then kill -KILL "$1"; wait "$1" 2>/dev/null; STATUS=killed; return; fi
    wait "$1"; STATUS=$?
}
# servo_facts CHECK: what the rig's PWM chip last got on the two servo channels.
servo_facts() {
    fact "$1" duty_ns "$(param rig_pwm duty_ns)"
    fact "$1" period_ns "$(param rig_pwm period_ns)"
    fact "$1" enabled "$(param rig_pwm enabled)"
    fact "$1" applies "$(param rig_pwm applies)"
}
# ft_report CHECK REPORT: the face tracker's counts from its report.
ft_report() {
    fact "$1" frames "$(json "$2" frames)"
    fact "$1" stop_reason "$(json "$2" outcome)"
    fact "$1" bytes_per_frame "$(json "$2" alloc_bytes_per_frame)"
    fact "$1" capture_thread_bytes "$(json "$2" demo_metrics.camera_capture_thread_bytes)"
    fact "$1" camera_frames "$(json "$2" demo_metrics.camera_frames_captured)"
    fact "$1" kernel_timestamps "$(json "$2" demo_metrics.camera_kernel_timestamps)"
    fact "$1" stalls "$(json "$2" faults.stall)"
    fact "$1" safe_entries "$(json "$2" safe_state_entries)"
}

# Every device the checks use, loaded once (a check only reads what it needs).
load_devices() {
    kmod vivid n_devs=1 node_types=0x1 input_types=0x0 || echo "rig: vivid did not load"
    insmod "$MODDIR/rig_pwm.ko" || echo "rig: rig_pwm did not load"
    insmod "$MODDIR/rig_gpio.ko" || echo "rig: rig_gpio did not load"
    # rtapp kicks once a second until no frame has advanced for the stall timeout (30 s in rig.json:
    # a first inference takes up to ~26 s under TCG on a busy host), so softdog's 5 s margin expires
    # 35 s into a stall: the injected one lasts 60 s, a slow frame never that long.
    kmod softdog soft_noboot=1 soft_margin=5 || echo "rig: softdog did not load"
    kmod i2c-dev
    # 0x68 the MPU-6050, 0x40 the PCA9685 servo board and 0x41 the INA219 of generic-x86-pca9685.
    kmod i2c-stub chip_addr=0x68,0x40,0x41 || echo "rig: i2c-stub did not load"
    kmod snd-aloop index=0 id=Loopback pcm_substreams=1 || echo "rig: snd-aloop did not load"
    preload_imu
}

# rtapp check on the rig's profile: PREEMPT_RT, core 1 isolated and present, every device there.
check_rt_check() {
    "$RTAPP" check --board "$BOARD" > "$OUT/rt_check.out" 2>&1
    fact rt_check exit "$?"
    fact rt_check preempt_rt "$(grep -c PREEMPT_RT /proc/sys/kernel/version)"
    fact rt_check isolated "$(cat /sys/devices/system/cpu/isolated)"
    fact rt_check online "$(cat /sys/devices/system/cpu/online)"
}

# The MPU-6050's registers in i2c-stub, written through i2c-dev: WHO_AM_I 0x68; accel +0.5 g, -0.5 g,
# +1 g (±2 g: 16384 LSB/g); temperature raw 0 (36.53 °C); gyro +1, -1, +2 °/s (±250 °/s: 131 LSB
# per °/s); big-endian pairs from ACCEL_XOUT_H (0x3B). The profile names /dev/i2c-0: the stub must be bus 0.
preload_imu() {
    IMU_BUS="$(grep -l 'SMBus stub driver' /sys/bus/i2c/devices/i2c-*/name | head -n1 | sed 's|.*/i2c-\([0-9]*\)/name|\1|')"
    i2cset -y "$IMU_BUS" 0x68 0x75 0x68
    local reg=0x3b b
    for b in 0x20 0x00 0xe0 0x00 0x40 0x00 0x00 0x00 0x00 0x83 0xff 0x7d 0x01 0x06; do
        i2cset -y "$IMU_BUS" 0x68 "$reg" "$b"; reg=$(printf '0x%x' $((reg + 1)))
    done
}

# The PCA9685's channel registers (pan: 0x06..0x09, tilt: 0x0a..0x0d) and MODE1 start as garbage,
# so only rtapp's writes can make them right. The INA219 at 0x41 reads 5.000 V (bus register
# 1250 << 3 = 0x2710) and a current register of 0x14xx: i2c-stub's registers are bytes, and the
# low byte at 0x05 is where the calibration's high byte lands (0x10 for 0.1 ohm, 3.2 A: 0x1410 = 5136
# LSBs of 3.2 A / 32768 = 0.50156 A). While rtapp runs, its RT threads leave core 0 little time for
# new processes: each i2c-tools call there takes minutes under TCG, so those are few (block reads/writes).
garble_pca9685() {
    i2cset -y "$IMU_BUS" 0x40 0x06 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff i
}
preload_ina219() {
    i2cset -y "$IMU_BUS" 0x41 0x02 0x27 0x10 0x14 i
}
# pca_regs FIRST: four registers of the PCA9685 from FIRST, as "0xAA,0xBB,0xCC,0xDD".
pca_regs() { i2cget -y "$IMU_BUS" 0x40 "$1" i 4 | tr ' ' ','; }
pca_facts() {
    fact "$1" "${2}mode1" "$(i2cget -y "$IMU_BUS" 0x40 0x00)"
    fact "$1" "${2}prescale" "$(i2cget -y "$IMU_BUS" 0x40 0xfe)"
    fact "$1" "${2}pan" "$(pca_regs 0x06)"
    fact "$1" "${2}tilt" "$(pca_regs 0x0a)"
}

# The generic-x86 PCA9685 variant (tests/rig/rig-pca9685.json) drives its servos through
# Iot.Device.Bindings' Pca9685 (set-up) and rtapp's channels over i2c-stub (SMBus only); its INA219
# gives the report's power section. Registers read back after a run, and after SIGTERM when they
# were garbled just before it (so only the safe-state write can put them right).
check_pca9685() {
    local board="$RIG_ROOT/tests/rig/rig-pca9685.json" r="$OUT/pca9685.json" pid i
    i2cset -y "$IMU_BUS" 0x40 0x00 0xff
    garble_pca9685
    preload_ina219
    "$RTAPP" run --board "$board" --no-floor --frames "$FT_FRAMES" --warmup "$FT_WARMUP" --report "$r" > "$OUT/pca9685.out" 2>&1
    fact pca9685 exit "$?"
    fact pca9685 frames "$(json "$r" frames)"
    fact pca9685 bytes_per_frame "$(json "$r" alloc_bytes_per_frame)"
    fact pca9685 power_monitor "$(json "$r" power.monitor)"
    fact pca9685 power_samples "$(json "$r" power.samples)"
    fact pca9685 power_errors "$(json "$r" power.read_errors)"
    fact pca9685 power_w "$(json "$r" power.mean_power_w)"
    fact pca9685 power_frames "$(json "$r" power.frames)"
    fact pca9685 energy_j "$(json "$r" power.energy_j)"
    fact pca9685 energy_per_frame_mj "$(json "$r" power.energy_per_frame_mj)"
    pca_facts pca9685 after_run_
    garble_pca9685
    "$RTAPP" run --board "$board" --no-floor --frames 100000 --warmup "$FT_WARMUP" --report "$OUT/pca9685_sigterm.json" > "$OUT/pca9685_sigterm.out" 2>&1 &
    pid=$!
    # Running once the channels opened at their safe pulse (pan's LED0_OFF_H back from 0xff to 0x01).
    for i in $(seq 1 24); do
        sleep 10
        [ "$(i2cget -y "$IMU_BUS" 0x40 0x09)" = 0x01 ] && break
    done
    fact pca9685 running_pan_off_h "$(i2cget -y "$IMU_BUS" 0x40 0x09)"
    sleep 20
    garble_pca9685
    kill -TERM "$pid"
    wait "$pid"
    fact pca9685 sigterm_exit "$?"
    fact pca9685 sigterm_outcome "$(json "$OUT/pca9685_sigterm.json" outcome)"
    pca_facts pca9685 after_sigterm_
}

# The MPU-6050 driver over i2c-stub (SMBus only): `rtapp check` opens it and reads one sample.
check_imu() {
    fact imu bus "$IMU_BUS"
    "$RTAPP" check --board "$BOARD" > "$OUT/imu.out" 2>&1
    fact imu line "$(grep "sensor 'imu'" "$OUT/imu.out")"
    # What the driver wrote back: PWR_MGMT_1 awake on the x gyro's clock.
    fact imu pwr_mgmt_1 "$(i2cget -y "$IMU_BUS" 0x68 0x6b)"
}

# The face tracker over vivid, servos on the rig's sysfs PWM chip, softdog kicked.
check_face_tracker() {
    local before; before="$(softdog_expiries)"
    "$RTAPP" run --board "$BOARD" --no-floor --frames "$FT_FRAMES" --warmup "$FT_WARMUP" --report "$OUT/face_tracker.json" > "$OUT/face_tracker.out" 2>&1
    fact face_tracker exit "$?"
    ft_report face_tracker "$OUT/face_tracker.json"
    servo_facts face_tracker
    fact face_tracker softdog_expiries "$(( $(softdog_expiries) - before ))"
}

# SIGTERM in the middle of a run: the servos' safe values, read back from the kernel.
check_servo_sigterm() {
    "$RTAPP" run --board "$BOARD" --no-floor --frames 100000 --warmup "$FT_WARMUP" --report "$OUT/servo_sigterm.json" > "$OUT/servo_sigterm.out" 2>&1 &
    local pid=$! i
    # Running: the channels exported and enabled (the camera streams from then on); then time for
    # the model's first inferences (the report says how many frames it counted).
    for i in $(seq 1 240); do
        [ "$(cat /sys/class/pwm/pwmchip0/pwm0/enable 2>/dev/null)" = 1 ] && break
        sleep 1
    done
    fact servo_sigterm running_duty_ns "$(cat /sys/class/pwm/pwmchip0/pwm0/duty_cycle 2>/dev/null),$(cat /sys/class/pwm/pwmchip0/pwm1/duty_cycle 2>/dev/null)"
    sleep 30
    kill -TERM "$pid"
    wait_or_kill "$pid" 300
    fact servo_sigterm exit "$STATUS"
    ft_report servo_sigterm "$OUT/servo_sigterm.json"
    servo_facts servo_sigterm
}

# A stalled source (--inject): the watchdog thread latches the safe state, stops kicking /dev/watchdog,
# and softdog expires; the loop then goes on.
check_stall_softdog() {
    local before stall_at=$((FT_WARMUP + 1)); before="$(softdog_expiries)"
    "$RTAPP" run --board "$BOARD" --no-floor --frames "$FT_FRAMES" --warmup "$FT_WARMUP" --inject "stall-source:60000:at=$stall_at" \
        --report "$OUT/stall_softdog.json" > "$OUT/stall_softdog.out" 2>&1
    fact stall_softdog exit "$?"
    fact stall_softdog stall_at "$stall_at"
    fact stall_softdog stall_frames "$(python3 -c 'import json,sys
print(",".join(str(e["frame"]) for e in json.load(open(sys.argv[1])).get("watchdog_events", []) if e["kind"] == "stall"))' "$OUT/stall_softdog.json" 2>/dev/null)"
    ft_report stall_softdog "$OUT/stall_softdog.json"
    servo_facts stall_softdog
    fact stall_softdog softdog_expiries "$(( $(softdog_expiries) - before ))"
}

# The relay through the GPIO character device: the voice relay on the speech recording read from
# its file (paced by the loop), the relay on the rig's GPIO chip; every switch must reach the line.
check_relay_gpio() {
    local board=/tmp/relay-wav.json
    sed 's|"type": "alsa-capture", "config": { "device": "hw:Loopback,1,0",|"type": "wav-source", "config": { "path": "audio/speech-relay.wav",|' "$BOARD" > "$board"
    local before; before="$(param rig_gpio changes | cut -d, -f4)"
    # single-stream: each frame takes the next chunk (a late periodic loop would skip the file's chunks).
    "$RTAPP" run --board "$board" --demo voice-relay --no-floor --scenario single-stream --frames 140 --report "$OUT/relay_gpio.json" > "$OUT/relay_gpio.out" 2>&1
    fact relay_gpio exit "$?"
    local r="$OUT/relay_gpio.json"
    fact relay_gpio frames "$(json "$r" frames)"
    fact relay_gpio bytes_per_frame "$(json "$r" alloc_bytes_per_frame)"
    fact relay_gpio relay_switches "$(json "$r" demo_metrics.relay_switches)"
    fact relay_gpio gpio_changes "$(( $(param rig_gpio changes | cut -d, -f4) - before ))"
    fact relay_gpio gpio_levels "$(param rig_gpio levels)"
    # gpiochip0 (the chip the relay opens through its character device) is the rig's: its parent device.
    fact relay_gpio gpiochip "$(basename "$(readlink -f /sys/bus/gpio/devices/gpiochip0/..)")"
}

# The voice relay: the speech recording played into the ALSA loopback, captured by rtapp, the relay
# on the rig's GPIO chip through the character device.
check_voice_relay() {
    local before; before="$(param rig_gpio changes | cut -d, -f4)"
    # Played over and over (rtapp's cold start takes many seconds under TCG), until rtapp is done.
    rm -f /tmp/stop-aplay
    ( while [ ! -e /tmp/stop-aplay ]; do aplay -q -D hw:Loopback,0,0 "$RIG_ASSETS/audio/speech-relay.wav" || break; done ) > "$OUT/voice_relay.aplay" 2>&1 &
    local player=$!
    sleep 1
    "$RTAPP" run --board "$BOARD" --demo voice-relay --no-floor --frames 100 --report "$OUT/voice_relay.json" > "$OUT/voice_relay.out" 2>&1
    fact voice_relay exit "$?"
    touch /tmp/stop-aplay
    kill $(cat "/proc/$player/task/$player/children" 2>/dev/null) 2>/dev/null
    wait "$player" 2>/dev/null
    local r="$OUT/voice_relay.json"
    fact voice_relay frames "$(json "$r" frames)"
    fact voice_relay bytes_per_frame "$(json "$r" alloc_bytes_per_frame)"
    fact voice_relay relay_switches "$(json "$r" demo_metrics.relay_switches)"
    fact voice_relay audio_overruns "$(json "$r" demo_metrics.audio_overruns)"
    fact voice_relay gpio_changes "$(( $(param rig_gpio changes | cut -d, -f4) - before ))"
    fact voice_relay gpio_levels "$(param rig_gpio levels)"
    fact voice_relay audio_failure "$(json "$r" demo_metrics.audio_failure)"
    # gpiochip0 (the chip the relay opens through its character device) is the rig's: its parent device.
    fact voice_relay gpiochip "$(basename "$(readlink -f /sys/bus/gpio/devices/gpiochip0/..)")"
    fact voice_relay aplay "$(tr '\n' ' ' < "$OUT/voice_relay.aplay")"
}

# Offload over a network with delay and loss from netem (sch_netem, which the host's kernel lacks):
# rtapp serve in a network namespace behind a veth pair, the face-presence graph's model node
# (offload-model) in the root namespace sending its frames there. Single-stream with a 20 s
# deadline: BlazeFace takes seconds under TCG; the facts are counts (frames remote, local, late,
# failed, misses) with no delay, with a delay past any budget, and with every packet lost.
offload_run() {
    local name="$1" r="$OUT/offload_netem.$1.json"
    "$RTAPP" run --board "$RIG_ROOT/samples/profiles/face-presence-offload.json" --no-floor --scenario single-stream \
        --frames "$OFFLOAD_FRAMES" --warmup 1 --report "$r" \
        --set "app.nodes[blazeface].config.url=http://10.77.0.2:8000/v2/models/blazeface" \
        --set app.loop.rate_hz=0.05 --set app.loop.deadline_us=20000000 \
        --set app.nodes[blazeface].config.finish_by_us=18000000 --set app.nodes[blazeface].config.timeout_ms=30000 \
        --set app.nodes[blazeface].config.probe_every=2 > "$OUT/offload_netem.$name.out" 2>&1
    fact offload_netem "${name}_exit" "$?"
    fact offload_netem "${name}_frames" "$(json "$r" frames)"
    fact offload_netem "${name}_misses" "$(json "$r" deadline_misses)"
    local k
    for k in remote local late failed probes round_trips connection_failures; do
        fact offload_netem "${name}_$k" "$(json "$r" "nodes.blazeface.offload_$k")"
    done
}
OFFLOAD_FRAMES=10
check_offload_netem() {
    kmod veth || echo "rig: veth did not load"
    kmod sch_netem || echo "rig: sch_netem did not load"
    ip netns add rtoff && ip link add rtoff-h type veth peer name rtoff-s && ip link set rtoff-s netns rtoff \
        && ip addr add 10.77.0.1/24 dev rtoff-h && ip link set rtoff-h up \
        && ip netns exec rtoff ip addr add 10.77.0.2/24 dev rtoff-s && ip netns exec rtoff ip link set rtoff-s up \
        && ip netns exec rtoff ip link set lo up
    fact offload_netem veth "$?"
    tc qdisc add dev rtoff-h root netem delay 0ms > "$OUT/offload_netem.tc" 2>&1
    fact offload_netem netem "$?"
    ip netns exec rtoff "$RTAPP" serve --model "blazeface=$RIG_ASSETS/models/face_detection_front_128x128_barracuda.onnx" \
        --listen 10.77.0.2:8000 > "$OUT/offload_netem.serve" 2>&1 &
    local server=$! i
    for i in $(seq 1 300); do grep -q "listening on" "$OUT/offload_netem.serve" 2>/dev/null && break; sleep 1; done
    fact offload_netem serving "$(grep -c "listening on" "$OUT/offload_netem.serve")"
    offload_run fast
    # Requests leave the root namespace through rtoff-h: its netem delays (or drops) every one.
    tc qdisc change dev rtoff-h root netem delay 30000ms >> "$OUT/offload_netem.tc" 2>&1
    offload_run delay
    tc qdisc change dev rtoff-h root netem loss 100% >> "$OUT/offload_netem.tc" 2>&1
    offload_run loss
    kill -TERM "$server"
    wait_or_kill "$server" 60
    fact offload_netem serve_exit "$STATUS"
    ip netns del rtoff
    cat "$OUT"/offload_netem.*.out "$OUT/offload_netem.tc" "$OUT/offload_netem.serve" > "$OUT/offload_netem.out" 2>&1
}

echo "rig guest: kernel $(uname -r), cpus online $(cat /sys/devices/system/cpu/online), isolated $(cat /sys/devices/system/cpu/isolated)"
load_devices > "$OUT/devices.log" 2>&1
for c in $CHECKS; do
    case ",$RIG_CHECKS," in *",all,"*|*",$c,"*) ;; *) continue ;; esac
    echo "rig guest: check $c ($(date +%T))"
    : > "$OUT/$c.env"
    "check_$c"
done
dmesg > "$OUT/dmesg.txt"
echo "checks=$RIG_CHECKS" > "$OUT/done"
