#!/usr/bin/env bash
# Makes the speech recording of the voice-activity relay demo and of the Silero variant bench:
# real speech (Debian's espeak-ng) made 16 kHz mono 16-bit and trimmed to its first and last
# audible sample (sox), laid between stretches of digital silence of known lengths, some short
# (a pause inside a conversation) and some long (the room is quiet). Writes into OUTDIR:
#   speech-relay.wav  the recording (RIFF PCM, 16-bit, mono, 16000 Hz)
#   speech-relay.csv  one line per phrase: start_sample,end_sample,text (end exclusive)
# The output is byte-for-byte the same on every run with the same espeak-ng and sox (sox runs
# with -R and no dither), so tests can regenerate it and compare.
# Usage: scripts/make-speech.sh OUTDIR    (scripts/fetch-assets.sh calls it for .assets/audio)
set -euo pipefail
LOG_TAG="speech"
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
OUT="$1"
for tool in espeak-ng sox soxi; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: run scripts/setup-system.sh (Debian packages espeak-ng and sox)"
done

RATE=16000
LEAD_S=1.5   # silence before the first phrase
# "silence after the phrase (s)|phrase": short pauses (0.4-0.5 s) and long quiet (1.5-2 s).
PHRASES=(
    "0.4|Turn on the lights in the hall."
    "1.5|Open the garage door, please."
    "0.5|What is the weather like today?"
    "2.0|Real time means the answer arrives before the deadline, every time."
    "0.4|Stop."
    "1.8|Please hold the camera still while the servo turns toward the face."
)

mkdir -p "$OUT"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

samples_of() { soxi -s "$1"; }
silence() {   # silence SECONDS FILE
    sox -R -D -n -r "$RATE" -c 1 -b 16 -e signed-integer "$2" trim 0 "$1"
}

silence "$LEAD_S" "$work/lead.wav"
parts=("$work/lead.wav")
at="$(samples_of "$work/lead.wav")"
csv="$work/speech-relay.csv"
echo "start_sample,end_sample,text" >"$csv"
i=0
for entry in "${PHRASES[@]}"; do
    gap="${entry%%|*}"
    text="${entry#*|}"
    espeak-ng -v en -s 150 -w "$work/raw$i.wav" "$text"
    # To 16 kHz mono 16-bit (no dither), with espeak's own leading and trailing quiet cut off,
    # so the phrase's known start and end are its first and last audible samples.
    sox -R -D "$work/raw$i.wav" -r "$RATE" -c 1 -b 16 -e signed-integer "$work/phrase$i.wav" \
        silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
    n="$(samples_of "$work/phrase$i.wav")"
    printf '%d,%d,%s\n' "$at" "$((at + n))" "$text" >>"$csv"
    silence "$gap" "$work/gap$i.wav"
    parts+=("$work/phrase$i.wav" "$work/gap$i.wav")
    at="$((at + n + $(samples_of "$work/gap$i.wav")))"
    i=$((i + 1))
done
sox -R -D "${parts[@]}" -b 16 -e signed-integer "$work/speech-relay.wav"
[ "$(samples_of "$work/speech-relay.wav")" -eq "$at" ] || die "spliced length $(samples_of "$work/speech-relay.wav") != $at samples"
mv -f "$work/speech-relay.wav" "$OUT/speech-relay.wav"
mv -f "$csv" "$OUT/speech-relay.csv"
log "wrote $OUT/speech-relay.wav ($at samples, $i phrases) and speech-relay.csv"
