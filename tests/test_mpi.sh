#!/usr/bin/env bash
# test_mpi.sh -- simulate and sweep under mpirun give output bit-identical
# to the single-process run, for 2 and 3 ranks on loopback.
#   test_mpi.sh ONEWAY SOURCE_DIR
set -u
ow="$1"; src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # MPI's own allocations
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok: $1"; else fail=$((fail + 1)); echo "FAILED: $1"; fi; }

"$ow" simulate "$src/examples/restoration.json" --rounds 1500000 --seed 11 --json >"$tmp/s1" 2>/dev/null
"$ow" simulate "$src/tests/data/good-finite.json" --rounds 1000000 --seed 3 --model bayes >"$tmp/f1" 2>/dev/null
for n in 2 3; do
  mpirun -n $n "$ow" simulate "$src/examples/restoration.json" --rounds 1500000 --seed 11 --json >"$tmp/s$n" 2>"$tmp/err"
  check "simulate (continuous) with $n ranks is identical to one process" "[ -s '$tmp/s$n' ] && cmp -s '$tmp/s1' '$tmp/s$n'"
  mpirun -n $n "$ow" simulate "$src/tests/data/good-finite.json" --rounds 1000000 --seed 3 --model bayes >"$tmp/f$n" 2>"$tmp/err"
  check "simulate (finite, text) with $n ranks is identical to one process" "[ -s '$tmp/f$n' ] && cmp -s '$tmp/f1' '$tmp/f$n'"
done
v='B.types[0].payoff[2][0]=50:300:7'
"$ow" sweep "$src/examples/restoration.json" --vary "$v" --mc-samples 2000 >"$tmp/w1.csv" 2>/dev/null
"$ow" sweep "$src/examples/restoration.json" --vary "$v" --mc-samples 2000 --json >"$tmp/w1.json" 2>/dev/null
mpirun -n 2 "$ow" sweep "$src/examples/restoration.json" --vary "$v" --mc-samples 2000 >"$tmp/w2.csv" 2>/dev/null
mpirun -n 3 "$ow" sweep "$src/examples/restoration.json" --vary "$v" --mc-samples 2000 --json >"$tmp/w3.json" 2>/dev/null
check "sweep CSV with 2 ranks is identical" "[ -s '$tmp/w2.csv' ] && cmp -s '$tmp/w1.csv' '$tmp/w2.csv'"
check "sweep JSON with 3 ranks is identical" "[ -s '$tmp/w3.json' ] && cmp -s '$tmp/w1.json' '$tmp/w3.json'"
"$ow" sweep "$src/examples/example-1.json" --vary 'B.types[0].payoff[0][0]=20:300:4' --mechanisms --json >"$tmp/m1.json" 2>/dev/null
mpirun -n 2 "$ow" sweep "$src/examples/example-1.json" --vary 'B.types[0].payoff[0][0]=20:300:4' --mechanisms --json >"$tmp/m2.json" 2>/dev/null
check "sweep with every mechanism, 2 ranks, is identical" "[ -s '$tmp/m2.json' ] && grep -q second_best '$tmp/m2.json' && cmp -s '$tmp/m1.json' '$tmp/m2.json'"
mpirun -n 2 "$ow" sweep "$src/examples/example-1.json" --vary 'A.types.independent[0].low=0:200:4' >"$tmp/o" 2>"$tmp/e"; rc=$?
check "a bad grid point under MPI is exit 2 with nothing on stdout" "[ $rc -eq 2 ] && [ ! -s '$tmp/o' ] && grep -q 'at grid point' '$tmp/e'"
"$ow" solve "$src/examples/restoration.json" --mc-samples 5000 --json >"$tmp/v1" 2>/dev/null
"$ow" solve "$src/tests/data/good-finite.json" --model bayes --json >"$tmp/x1" 2>/dev/null
for n in 2 3; do
  mpirun -n $n "$ow" solve "$src/examples/restoration.json" --mc-samples 5000 --json >"$tmp/v$n" 2>/dev/null
  check "solve (continuous) with B types split over $n ranks is identical" "[ -s '$tmp/v$n' ] && cmp -s '$tmp/v1' '$tmp/v$n'"
  mpirun -n $n "$ow" solve "$src/tests/data/good-finite.json" --model bayes --json >"$tmp/x$n" 2>/dev/null
  check "solve (finite, bayes) with B types split over $n ranks is identical" "[ -s '$tmp/x$n' ] && cmp -s '$tmp/x1' '$tmp/x$n'"
done
echo "mpi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
