#!/usr/bin/env bash
# Profiles a release flowcsv: callgrind (exact instruction counts, inclusive and self) on a
# ~100 k-packet benchmark capture, and perf (sampled cycles, with call graphs) on the same
# capture, when perf is allowed here. Reports go to bench-data/profile/:
#   callgrind.out, callgrind-{inclusive,self}.txt (callgrind_annotate), callgrind-callers.txt,
#   callgrind-{inclusive,self}-by-function.txt (the same per function: read these)
#   perf.data, perf-self.txt, perf-children.txt
# Swift symbols are demangled with `swift demangle --simplified`.
#
# Environment: PROFILE_PACKETS (default 100000), PROFILE_LIVE (default 1024),
# PROFILE_SCHEMA (default basic), BENCH_SKIP_BUILD=1 to use the binaries in .build/release,
# BENCH_FLOWCSV=PATH to profile that flowcsv binary instead.
set -euo pipefail
cd "$(dirname "$0")/.."

packets=${PROFILE_PACKETS:-100000}
live=${PROFILE_LIVE:-1024}
schema=${PROFILE_SCHEMA:-basic}
data=bench-data/profile
mkdir -p "$data"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  swift build -c release --product flowcsv >&2
  swift build -c release --product flowcsv-benchgen >&2
fi
install -m 755 "${BENCH_FLOWCSV:-.build/release/flowcsv}" "$data/flowcsv"
install -m 755 .build/release/flowcsv-benchgen "$data/"
flowcsv=$data/flowcsv
capture=$data/capture_profile.pcap
want="args: --packets $packets --live $live --seed 3 generator: $(cat Benchmarks/Generator/*.swift | sha256sum | cut -c1-12)"
if [[ ! -f $capture.info || "$(head -n1 "$capture.info")" != "$want" ]]; then
  summary=$("$data/flowcsv-benchgen" "$capture" --packets "$packets" --live "$live" --seed 3)
  printf '%s\n%s\n' "$want" "$summary" >"$capture.info"
fi
echo "capture: $(tail -n1 "$capture.info")"

demangle() { swift demangle --simplified; }

if command -v valgrind >/dev/null 2>&1; then
  valgrind --tool=callgrind --callgrind-out-file="$data/callgrind.out" \
    "$flowcsv" --quiet --schema "$schema" "$capture" >/dev/null 2>"$data/callgrind.log"
  for kind in inclusive self; do
    flag=$([[ $kind == inclusive ]] && echo yes || echo no)
    callgrind_annotate --auto=no --inclusive=$flag "$data/callgrind.out" 2>/dev/null >"$data/callgrind-$kind.raw"
    demangle <"$data/callgrind-$kind.raw" >"$data/callgrind-$kind.txt"
    # callgrind_annotate lists file:function pairs: code inlined from another file shows as a
    # pair of its own. Per (mangled) function: self = the sum of its pairs, inclusive = the
    # largest. Then demangle and add up functions whose simplified names coincide (overloads).
    awk -v kind="$kind" '
      /PROGRAM TOTALS/ { gsub(",", "", $1); print $1 "\tPROGRAM TOTALS\t"; next }
      /^ *[0-9,]+ \( *[0-9.]+%\)  [^*<>]/ {
        n = $1; gsub(",", "", n); n += 0
        line = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\)  /, "", line)
        object = ""
        if (match(line, / \[[^]]*\]$/)) { object = substr(line, RSTART + 2, RLENGTH - 3); sub(/.*\//, "", object); line = substr(line, 1, RSTART - 1) }
        sub(/^[^:]*:/, "", line)
        if (kind == "self") cost[line] += n; else if (n > cost[line]) cost[line] = n
        if (object != "") objects[line] = object
      }
      END { for (f in cost) print cost[f] "\t" f "\t" objects[f] }
    ' "$data/callgrind-$kind.raw" | demangle | awk -F '\t' '
      $2 == "PROGRAM TOTALS" { total = $1; next }
      { cost[$2] += $1; if ($3 != "") objects[$2] = $3 }
      END { for (f in cost) printf "%6.2f%%  %s  [%s]\n", 100 * cost[f] / total, f, objects[f] }
    ' | sort -rn >"$data/callgrind-$kind-by-function.txt"
  done
  callgrind_annotate --auto=no --inclusive=yes --tree=caller "$data/callgrind.out" 2>/dev/null | demangle >"$data/callgrind-callers.txt"
  echo "callgrind: $data/callgrind-{inclusive,self}-by-function.txt (and the raw callgrind_annotate lists)"
else
  echo "valgrind not found: no callgrind profile" >&2
fi

if command -v perf >/dev/null 2>&1 && perf record -q -o /dev/null true >/dev/null 2>&1; then
  # Several passes over the capture, so the sample count is large enough.
  perf record -q -F 4999 --call-graph dwarf,32768 -o "$data/perf.data" -- \
    "$flowcsv" --quiet --schema "$schema" "$capture" "$capture" "$capture" "$capture" >/dev/null 2>"$data/perf.log"
  rm -f "$data/perf.data.old"
  perf report -i "$data/perf.data" --no-children -g none --stdio --sort symbol --percent-limit 0.5 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | demangle >"$data/perf-self.txt"
  perf report -i "$data/perf.data" --children -g none --stdio --sort symbol --percent-limit 0.5 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | demangle >"$data/perf-children.txt"
  echo "perf: $data/perf-self.txt, $data/perf-children.txt"
else
  echo "perf not usable here: no perf profile" >&2
fi
