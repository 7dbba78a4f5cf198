#!/usr/bin/env bash
# bench/run.sh -- oneway against the NumPy baseline of ../shared/bench, in
# the same run, alternating, several times each; prints per workload the
# median wall time and peak memory of both, their ratio, and the fraction
# of the machine's limit (the estimates of ../shared/bench/README.md), and
# how far each output is from the baseline's (bench/agree.py).
#
#   bench/run.sh [--reps N] [--large-reps N] [--out FILE.md]
#
# Needs python3-numpy and GNU time (Debian: python3-numpy time).  The
# benchmark games are generated once into $OW_BENCH_DIR (default
# /tmp/oneway-bench; the large CSV is 1.4 GB) -- never into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=$(cd "$root/../shared/bench" 2>/dev/null && pwd) || { echo "bench: ../shared/bench not found" >&2; exit 2; }
ow="$root/build/oneway"
data="${OW_BENCH_DIR:-/tmp/oneway-bench}"
reps=3; large_reps=2; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --large-reps) large_reps="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--reps N] [--large-reps N] [--out FILE.md]" >&2; exit 2 ;;
  esac
done
py=/usr/bin/python3
[ -x "$ow" ] || { echo "bench: build first (./setup.sh)" >&2; exit 2; }
mkdir -p "$data"
gen() {  # name args...
  local name="$1"; shift
  [ -s "$data/$name.json" ] || (cd "$data" && "$py" "$shared/gen_bench.py" "$@" --out "$name.json" >&2)
}
gen small  --m 20  --n 10000   --btypes 10  --k 5  --seed 1
gen medium --m 100 --n 200000  --btypes 50  --k 8  --seed 2 --csv
gen large  --m 200 --n 1000000 --btypes 100 --k 10 --seed 3 --csv

# run CMD...: prints "seconds peak_kB"; measure_to OUT CMD...: the same, CMD's output in OUT
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
measure_to() { local out="$1"; shift; /usr/bin/time -f "%e %M" -o "$out.time" "$@" > "$out" 2>/dev/null; tail -1 "$out.time"; }
# warm GAME: its files into the page cache before a timed run, for both
# programs alike (a virtual machine's host may take cached pages back
# within minutes: a cold read of large.csv took 8 s here against 2.3 s warm)
warm() { cat "$data/$1".* > /dev/null; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

rows=()
agree=()
# The machine limits of ../shared/bench/README.md were estimated on a
# machine where the baseline took ref seconds; the last column scales each
# limit by how much slower or faster the baseline runs here.
workload() {  # label game model reps limit_seconds baseline_seconds_there
  local label="$1" game="$2" model="$3" n="$4" limit="$5" ref="$6"
  local ot=() om=() bt=() bm=()
  local oo="$data/out-$game-$model.oneway.json" bo="$data/out-$game-$model.baseline.json"
  for ((i = 0; i < n; i++)); do
    warm "$game"
    read -r t mem < <(measure_to "$oo" "$ow" solve "$data/$game.json" --model "$model" --json)
    ot+=("$t"); om+=("$mem")
    warm "$game"
    read -r t mem < <(measure_to "$bo" "$py" "$shared/baseline_numpy.py" "$data/$game.json" --model "$model")
    bt+=("$t"); bm+=("$mem")
  done
  agree+=("- $label: $("$py" "$here/agree.py" "$oo" "$bo" | head -1)")
  local o b omem bmem
  o=$(printf '%s\n' "${ot[@]}" | median); b=$(printf '%s\n' "${bt[@]}" | median)
  omem=$(printf '%s\n' "${om[@]}" | median); bmem=$(printf '%s\n' "${bm[@]}" | median)
  rows+=("$(awk -v l="$label" -v o="$o" -v b="$b" -v om="$omem" -v bm="$bmem" -v lim="$limit" -v ref="$ref" -v n="$n" 'BEGIN {
      printf "| %s | %d | %.2f s | %.0f MB | %.2f s | %.0f MB | %.1fx | %.2f | %.2f |", l, n, o, om/1024, b, bm/1024, b/o,
             lim/o, lim*(b/ref)/o }')")
}

echo "bench: medium ($reps runs each, alternating)" >&2
workload "solve paper, medium (CSV)" medium paper "$reps" 0.25 5.0
echo "bench: large, paper ($large_reps runs each)" >&2
workload "solve paper, large (CSV)" large paper "$large_reps" 2.25 61
echo "bench: large, bayes ($large_reps runs each)" >&2
workload "solve bayes, large (CSV)" large bayes "$large_reps" 3.5 128

# threads: solve large and simulate, 1 thread against 2, alternating,
# medians of large_reps pairs (this machine's speed drifts between runs)
echo "bench: threads ($large_reps pairs)" >&2
rounds=400000000
t1s=() t2s=() s1s=() s2s=()
for ((i = 0; i < large_reps; i++)); do
  warm large
  t1s+=("$(OMP_NUM_THREADS=1 measure "$ow" solve "$data/large.json" --json | cut -d' ' -f1)")
  warm large
  t2s+=("$(OMP_NUM_THREADS=2 measure "$ow" solve "$data/large.json" --json | cut -d' ' -f1)")
  s1s+=("$(OMP_NUM_THREADS=1 measure "$ow" simulate "$data/small.json" --rounds $rounds --seed 1 --json | cut -d' ' -f1)")
  s2s+=("$(OMP_NUM_THREADS=2 measure "$ow" simulate "$data/small.json" --rounds $rounds --seed 1 --json | cut -d' ' -f1)")
done
t1=$(printf '%s\n' "${t1s[@]}" | median); t2=$(printf '%s\n' "${t2s[@]}" | median)
s1=$(printf '%s\n' "${s1s[@]}" | median); s2=$(printf '%s\n' "${s2s[@]}" | median)
raw=$(awk 'BEGIN {printf "%.0f", 8 * 1000000 * 200 / 1e6}')

{
  echo "## Results ($(date -u +%Y-%m-%d))"
  echo
  echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB."
  echo
  echo "| workload | runs | oneway (median) | oneway peak | baseline (median) | baseline peak | speed-up | fraction of the machine's limit | the same, limit scaled to this machine |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Raw sample matrix of large: $raw MB (8 N m bytes)."
  echo
  echo "Agreement with the baseline (bench/agree.py: every number it reports, at the same place in ours):"
  echo
  printf '%s\n' "${agree[@]}"
  echo
  awk -v s1="$s1" -v s2="$s2" -v r="$rounds" -v t1="$t1" -v t2="$t2" -v n="$large_reps" 'BEGIN {
    printf "| threads (medians of %d alternating runs) | solve large | simulate %d rounds (small, 20 actions) | rounds per second |\n|---|---|---|---|\n", n, r
    printf "| 1 | %.2f s | %.2f s | %.1f million |\n", t1, s1, r/s1/1e6
    printf "| 2 | %.2f s | %.2f s | %.1f million |\n", t2, s2, r/s2/1e6
    printf "\nSpeed-up of 2 threads over 1: solve large %.2fx, simulate %.2fx.\n", t1/t2, s1/s2 }'
} | tee "${out:-/dev/stdout}" >/dev/null
[ -n "$out" ] && cat "$out" || true
