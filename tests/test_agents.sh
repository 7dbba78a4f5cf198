#!/usr/bin/env bash
# test_agents.sh -- a real broker on loopback with real agents: B's agent
# submits the offer the library computes for her type, A's agent answers
# from her private payoffs; the ledger's outcomes and payments must be what
# the library predicts (Proposition 2; backward induction for schedules).
#   test_agents.sh ONEWAY SOURCE_DIR
set -u
ow="$1"; src="$2"
game="$src/examples/restoration.json"
tmp=$(mktemp -d)
db="$tmp/ledger.sqlite"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }

ka=$("$ow" broker add-party utility --db "$db" | awk '{print $NF}')
kb=$("$ow" broker add-party telecom --db "$db" | awk '{print $NF}')
"$ow" broker --db "$db" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$tmp/out" && break; sleep 0.1; done
url="http://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/out")"

# the library's offer for B type storm-surge (the first type)
"$ow" solve "$game" --json --mc-samples 0 >"$tmp/solve.json"
pay=$(tr -d ' \n' <"$tmp/solve.json" | sed 's/.*"single_offer":{//' | sed -n 's/.*"B":\[{"action":"\([^"]*\)","payment":\([^,]*\),.*/\1 \2/p')
action=${pay% *}; c=${pay#* }
check "the library's offer for storm-surge was read ($action, $c)" "[ -n '$action' ] && [ -n '$c' ]"
state() { curl -s -H "Authorization: Bearer $kb" "$url/v1/negotiations/$1" | tr -d ' \n'; }

# A whose own choice beats harbour by 20 (< c): accepts; by 60 (> c): rejects
"$ow" agent b --broker "$url" --key "$kb" --game "$game" --type storm-surge --a utility >"$tmp/b1"
"$ow" agent a --broker "$url" --key "$ka" --game "$game" --payoffs 70,80,60,55,50 >"$tmp/a1"
s1=$(state 1)
check "A with Delta_A = 20 accepts the offer and B pays the library's payment" \
  "echo '$s1' | grep -q '\"state\":\"accepted\"' && echo '$s1' | grep -q '\"action\":\"$action\"' && echo '$s1' | grep -q '\"payment\":$c'"
"$ow" agent b --broker "$url" --key "$kb" --game "$game" --type storm-surge --a utility >/dev/null
"$ow" agent a --broker "$url" --key "$ka" --game "$game" --payoffs 70,80,20,55,50 >"$tmp/a2"
check "A with Delta_A = 60 rejects it" "state 2 | grep -q '\"state\":\"rejected\"'"

# a committed schedule (10 then 40, the second surely made): A with
# Delta_A = 5 waits for the second offer by backward induction
"$ow" agent b --broker "$url" --key "$kb" --game "$game" --a utility --payments 10,40 --probs 1,1 \
     --action harbour --outside switch-center >/dev/null
"$ow" agent a --broker "$url" --key "$ka" --game "$game" --payoffs 70,80,75,55,50 >"$tmp/a3"
check "A rejects 10 at step 1 (waiting is worth 35)" "grep -q 'step 1, rejected' '$tmp/a3'"
"$ow" agent a --broker "$url" --key "$ka" --game "$game" --payoffs 70,80,75,55,50 >>"$tmp/a3"
check "and accepts 40 at step 2" "state 3 | grep -q '\"state\":\"accepted\"' && state 3 | grep -q '\"payment\":40'"

# B's agent submits the best 2-offer schedule the library finds; A answers
"$ow" agent b --broker "$url" --key "$kb" --game "$game" --type storm-surge --a utility --offers 2 >/dev/null
"$ow" multi "$game" --type storm-surge --offers 2 --json >"$tmp/multi.json"
want=$(tr -d ' \n' <"$tmp/multi.json" | sed -n 's/.*"schedule":{[^}]*"payment":\[\([^]]*\)\].*/\1/p')
got=$(state 4 | sed -n 's/.*"payments":\[\([^]]*\)\].*/\1/p')
check "the schedule on the ledger is the library's best 2-offer schedule ($want)" "[ -n '$want' ] && [ '$want' = '$got' ]"
"$ow" agent a --broker "$url" --key "$ka" --game "$game" --payoffs 70,80,60,55,50 >/dev/null
check "A with Delta_A = 20 takes its first offer" "state 4 | grep -q '\"state\":\"accepted\"'"

# A serving many: a background agent answers offers as they come
"$ow" agent a --broker "$url" --key "$ka" --game "$game" --payoffs 70,80,60,55,50 --serve --interval-ms 100 >"$tmp/serve" &
pids+=($!)
"$ow" agent b --broker "$url" --key "$kb" --game "$game" --type wind-damage --a utility --repeat 5 >/dev/null
for _ in $(seq 50); do [ "$(grep -c 'accepted\|rejected' "$tmp/serve")" -ge 5 ] && break; sleep 0.1; done
check "a serving A agent answered 5 new offers" "[ \$(grep -c 'step 1' '$tmp/serve') -ge 5 ]"
kill "${pids[1]}" 2>/dev/null
"$ow" agent b --broker "$url" --key "$ka" --game "$game" --type storm-surge --a telecom >/dev/null 2>&1
check "bad usage of an agent is exit 2" "\"$ow\" agent a --broker '$url' --key '$ka' --game '$game' --payoffs 1,2 >/dev/null 2>&1; [ \$? -eq 2 ]"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null
"$ow" broker verify --db "$db" >/dev/null 2>&1
check "the ledger verifies" "[ \$? -eq 0 ]"
echo "agents: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
