#!/usr/bin/env bash
# Proves "output unchanged" between two flowcsv binaries (issue 8):
#
#   Benchmarks/compare-outputs.sh OLD_BIN NEW_BIN [OUTDIR]      (OUTDIR default bench-data/compare)
#
# Runs both binaries on the same inputs in every schema x preset x --jobs, and compares the CSV
# on stdout (bytes), the lines on stderr (less the clock-driven "flowcsv: progress:" lines) and the
# exit status. Inputs:
#   - every capture in the corpus (COMPARE_CORPUS, default ../shared/corpus/captures), one run per
#     file, and the whole folder as one input;
#   - the real-traffic capture (bench-data/real/real_traffic.pcap, made by
#     Benchmarks/capture-real-traffic.sh or `make bench`), when it exists (else a note);
#   - the hostile shapes (scan, synflood, nat; COMPARE_HOSTILE_PACKETS packets each, default
#     100000), generated under OUTDIR/inputs with flowcsv-benchgen (built when missing).
# Identical pairs are deleted as it goes; differing ones are kept under OUTDIR/diff/ and listed
# with a short diff of their first differing rows. Exit status: 0 when every pair is identical,
# 1 on any difference, 2 on a usage error.
#
# Environment:
#   COMPARE_SCHEMAS  default "basic extended zeek"
#   COMPARE_PRESETS  default "flowcsv zeek nfstream"
#   COMPARE_JOBS     default "1 2"
#   COMPARE_CORPUS   default ../shared/corpus/captures
#   COMPARE_REAL     default bench-data/real/real_traffic.pcap
#   COMPARE_HOSTILE_PACKETS  default 100000 (0: no hostile shapes)
#   COMPARE_PARALLEL runs at a time (default 2)
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: Benchmarks/compare-outputs.sh OLD_BIN NEW_BIN [OUTDIR]" >&2
  exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
for bin in "$old" "$new"; do
  [[ -x $bin ]] || { echo "compare-outputs: not an executable: $bin" >&2; exit 2; }
done
cd "$(dirname "$0")/.."
outdir=${3:-bench-data/compare}
schemas=${COMPARE_SCHEMAS:-basic extended zeek}
presets=${COMPARE_PRESETS:-flowcsv zeek nfstream}
jobs_list=${COMPARE_JOBS:-1 2}
corpus=${COMPARE_CORPUS:-../shared/corpus/captures}
real=${COMPARE_REAL:-bench-data/real/real_traffic.pcap}
hostile_packets=${COMPARE_HOSTILE_PACKETS:-100000}
parallel=${COMPARE_PARALLEL:-2}
log() { echo "compare-outputs: $*" >&2; }

mkdir -p "$outdir/inputs" "$outdir/work"
rm -rf "$outdir/diff" "$outdir/work"/*
mkdir -p "$outdir/diff"

# ---------------------------------------------------------------------------------------------
# Inputs
inputs=()
notes=()
if [[ -d $corpus ]]; then
  while IFS= read -r f; do inputs+=("$f"); done < <(find -L "$corpus" -maxdepth 1 -type f | LC_ALL=C sort)
  inputs+=("$corpus")
else
  notes+=("no corpus at $corpus: corpus files not compared")
fi
if [[ -f $real ]]; then
  inputs+=("$real")
else
  notes+=("no real-traffic capture at $real (Benchmarks/capture-real-traffic.sh makes it, as root): not compared")
fi
if ((hostile_packets > 0)); then
  benchgen=.build/release/flowcsv-benchgen
  if [[ ! -x $benchgen ]]; then
    log "building flowcsv-benchgen (release)"
    swift build -c release --product flowcsv-benchgen >&2
  fi
  for shape in scan synflood nat; do
    f=$outdir/inputs/${shape}_hostile.pcap
    want="--shape $shape --packets $hostile_packets --seed 1 $(cat Benchmarks/Generator/*.swift | sha256sum | cut -c1-12)"
    if [[ ! -f $f || "$(cat "$f.args" 2>/dev/null)" != "$want" ]]; then
      "$benchgen" "$f" --shape "$shape" --packets "$hostile_packets" --seed 1 >/dev/null
      echo "$want" >"$f.args"
    fi
    inputs+=("$f")
  done
fi

# ---------------------------------------------------------------------------------------------
# Runs: one job per (input, schema, preset, jobs); both binaries, then compare.
# compare_one INDEX INPUT SCHEMA PRESET JOBS: prints nothing when identical, else a report block
# (also kept in OUTDIR/diff/INDEX.txt).
compare_one() {
  local index=$1 input=$2 schema=$3 preset=$4 jobs=$5
  local w=$outdir/work/$index
  local args=(--preset "$preset" --schema "$schema" --jobs "$jobs")
  local so=0 sn=0
  "$old" "${args[@]}" "$input" >"$w.old.csv" 2>"$w.old.err" || so=$?
  "$new" "${args[@]}" "$input" >"$w.new.csv" 2>"$w.new.err" || sn=$?
  # Progress lines depend on the wall clock: not compared.
  sed -i '/^flowcsv: progress: /d' "$w.old.err" "$w.new.err"
  local what=()
  cmp -s "$w.old.csv" "$w.new.csv" || what+=("CSV")
  cmp -s "$w.old.err" "$w.new.err" || what+=("stderr")
  [[ $so == "$sn" ]] || what+=("exit status $so -> $sn")
  if ((${#what[@]} == 0)); then
    rm -f "$w".*
    return 0
  fi
  {
    echo "DIFFERENT ${what[*]}: $input  --schema $schema --preset $preset --jobs $jobs"
    if [[ " ${what[*]} " == *" CSV "* ]]; then
      echo "  rows: $(($(wc -l <"$w.old.csv") - 1)) -> $(($(wc -l <"$w.new.csv") - 1)); first differing rows (diff old new):"
      diff "$w.old.csv" "$w.new.csv" | head -n 8 | cut -c1-300 | sed 's/^/    /'
    fi
    if [[ " ${what[*]} " == *" stderr "* ]]; then
      echo "  stderr (diff old new):"
      diff "$w.old.err" "$w.new.err" | head -n 6 | cut -c1-300 | sed 's/^/    /'
    fi
    echo "  kept: $w.{old,new}.{csv,err}"
  } | tee "$outdir/diff/$index.txt"
  mv "$w".* "$outdir/diff/"
}

total=0
running=0
index=0
for input in "${inputs[@]}"; do
  for schema in $schemas; do
    for preset in $presets; do
      for jobs in $jobs_list; do
        index=$((index + 1))
        total=$((total + 1))
        compare_one "$(printf '%05d' "$index")" "$input" "$schema" "$preset" "$jobs" &
        running=$((running + 1))
        if ((running >= parallel)); then
          wait -n || true
          running=$((running - 1))
        fi
      done
    done
  done
done
wait

differing=$(find "$outdir/diff" -name '*.txt' | wc -l)
echo
echo "compare-outputs: $old vs $new"
echo "  ${#inputs[@]} inputs x schemas ($schemas) x presets ($presets) x --jobs ($jobs_list) = $total pairs"
for note in "${notes[@]}"; do echo "  note: $note"; done
if ((differing == 0)); then
  echo "  all $total pairs identical (CSV bytes, stderr lines, exit status)"
  exit 0
fi
echo "  $differing of $total pairs DIFFER (details above and in $outdir/diff/):"
for f in "$outdir"/diff/*.txt; do head -n1 "$f" | sed 's/^/    /'; done
exit 1
