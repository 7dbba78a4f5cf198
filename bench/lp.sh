#!/usr/bin/env bash
# bench/lp.sh -- the second-best and least-subsidy programs on Theorem 1's
# bilateral trade (values U[0,1], K midpoint values per player), timed.
# The goal (issue: mechanism lab): K = 100 per player in under a minute.
#
#   bench/lp.sh [K ...]        default: 25 50 100
#
# Games are written to $OW_BENCH_DIR (default /tmp/oneway-bench), never into
# the repository.  Prints per K: the program's size, wall time, peak memory,
# the second-best gains and the least subsidy (-> 9/64 and 1/6 as K grows).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ow="$(dirname "$here")/build/oneway"
data="${OW_BENCH_DIR:-/tmp/oneway-bench}"
[ -x "$ow" ] || { echo "bench: build first (./setup.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
mkdir -p "$data"
Ks=("$@"); [ ${#Ks[@]} -gt 0 ] || Ks=(25 50 100)
printf '| K | rows | columns | wall s | peak MB | second-best gains | least subsidy |\n|---|---|---|---|---|---|---|\n'
for K in "${Ks[@]}"; do
  f="$data/bilateral-$K.json"
  awk -v K="$K" 'BEGIN {
    printf "{\"oneway\":1,\"name\":\"bilateral-trade-%d\",\"A\":{\"actions\":[\"keep\",\"sell\"],\"types\":{\"discrete\":[", K
    for (k = 0; k < K; k++) printf "%s{\"prob\":%.17g,\"payoff\":[%.17g,0]}", (k ? "," : ""), 1 / K, (k + 0.5) / K
    printf "]}},\"B\":{\"actions\":[\"use\"],\"types\":["
    for (k = 0; k < K; k++) printf "%s{\"name\":\"v%d\",\"prob\":%.17g,\"payoff\":[[0],[%.17g]]}", (k ? "," : ""), k, 1 / K, (k + 0.5) / K
    printf "]}}\n" }' > "$f"
  out=$(mktemp)
  tm=$( { /usr/bin/time -f "%e %M" "$ow" secondbest "$f" --json --quiet --no-exact > "$out"; } 2>&1 | tail -1)
  python3 - "$out" "$tm" "$K" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); t, kb = sys.argv[2].split(); K = sys.argv[3]
print(f"| {K} | {d['program']['rows']} | {d['program']['columns']} | {float(t):.2f} | {int(kb)/1024:.0f} | "
      f"{d['second_best']['welfare'] - d['nash']['welfare']:.6f} | {d['least_subsidy']['subsidy']:.6f} |")
PY
  rm -f "$out"
done
