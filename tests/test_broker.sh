#!/usr/bin/env bash
# test_broker.sh -- a real broker on an ephemeral loopback port, driven with
# curl: the protocol end to end, bad input on every route (each a clear 4xx
# JSON error that changes nothing), who may do what, idempotent retries,
# kill -9 and restart, and the ledger verified at the end.
#   test_broker.sh ONEWAY
set -u
ow="$1"
tmp=$(mktemp -d)
db="$tmp/ledger.sqlite"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $1"; fi; }

start() {
  "$ow" broker --db "$db" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 50); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/out")
  base="http://127.0.0.1:$port/v1"
}
# req METHOD PATH KEY [BODY] [extra curl args...] -> sets code, body
req() {
  local m="$1" p="$2" k="$3" d="${4:-}"; shift 4 2>/dev/null || shift $#
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$m")
  [ -n "$k" ] && args+=(-H "Authorization: Bearer $k")
  [ -n "$d" ] && args+=(-H 'Content-Type: application/json' --data-binary "$d")
  code=$(curl "${args[@]}" "$@" "$base$p")
  body=$(cat "$tmp/body")
}
events() { sqlite3 "$db" 'SELECT count(*) FROM events' 2>/dev/null || echo "?"; }

ka=$("$ow" broker add-party utility --db "$db" | awk '{print $NF}')
kb=$("$ow" broker add-party telecom --db "$db" | awk '{print $NF}')
kc=$("$ow" broker add-party stranger --db "$db" | awk '{print $NF}')
start
check "broker started on an ephemeral port" "[ -n '$port' ]"

spec='{"a":"utility","action":"harbour","outside":"downtown-towers","payments":[30,45],"probs":[1,1]}'
req POST /negotiations "$kb" "$spec"
check "B creates a negotiation (201)" "[ $code = 201 ] && echo '$body' | grep -q '\"state\": \"open\"'"
req GET /negotiations "$ka" ""
check "A lists her pending offer" "[ $code = 200 ] && echo '$body' | grep -q '\"offer\": 30'"
req GET /negotiations "$kc" ""
check "a stranger lists nothing" "[ $code = 200 ] && ! echo '$body' | grep -q harbour"

# authorization: every route, every wrong party
n0=$(events)
req GET /negotiations "" "";                      check "no key -> 401" "[ $code = 401 ]"
req GET /negotiations "1.$(printf '0%.0s' $(seq 64))" ""; check "wrong key -> 401" "[ $code = 401 ]"
req GET /negotiations/1 "" "";                    check "no key on a negotiation -> 401" "[ $code = 401 ]"
req POST /negotiations "" "$spec";                check "no key cannot create -> 401" "[ $code = 401 ]"
req POST /negotiations "1.$(printf '0%.0s' $(seq 64))" "$spec"; check "a wrong key cannot create -> 401" "[ $code = 401 ]"
req GET /me "" "";                                check "no key on /v1/me -> 401" "[ $code = 401 ]"
req GET /me "$kc" "";                             check "/v1/me names the caller" "[ $code = 200 ] && echo '$body' | grep -q stranger"
req GET /negotiations/1 "$kb" "";                 check "B sees her own negotiation" "[ $code = 200 ]"
req GET /negotiations/1 "Bearer-less" "";         check "a malformed key -> 401" "[ $code = 401 ]"
req GET /negotiations/1 "$kc" "";                 check "a stranger cannot see it -> 404" "[ $code = 404 ]"
req POST /negotiations/1/answer "$kc" '{"accept":true}'; check "a stranger cannot answer -> 403" "[ $code = 403 ]"
req POST /negotiations/1/answer "$kb" '{"accept":true}'; check "B cannot answer -> 403" "[ $code = 403 ]"
req POST /negotiations/1/answer "" '{"accept":true}'; check "no key cannot answer -> 401" "[ $code = 401 ]"
req POST /negotiations "$ka" '{"a":"telecom","action":"x","outside":"y","payments":[1]}'
check "A may create only as B of her own negotiation (it names telecom as A) -> 201" "[ $code = 201 ]"
neg2=$(echo "$body" | sed -n 's/.*"id": \([0-9]*\).*/\1/p' | head -1)
req POST /negotiations/$neg2/answer "$ka" '{"accept":true}'; check "the creator cannot answer her own offer -> 403" "[ $code = 403 ]"
n1=$(events)
check "refused requests changed nothing in the ledger (one event: A's own create)" "[ $((n1 - n0)) -eq 1 ]"

# bad input: each a 4xx JSON error and no change
n0=$(events)
bad=0
expect() {  # CODE METHOD PATH BODY [curl args]
  local want="$1"; shift
  req "$@"
  if [ "$code" != "$want" ] || ! echo "$body" | grep -q '"error"'; then bad=$((bad + 1)); echo "bad-input case failed: $* -> $code $body"; fi
}
expect 400 POST /negotiations "$kb" '{'
expect 400 POST /negotiations "$kb" '[1,2]'
expect 400 POST /negotiations "$kb" 'null'
expect 400 POST /negotiations "$kb" '{"a":"utility"}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[1],"extra":1}'
expect 400 POST /negotiations "$kb" '{"a":1,"action":"x","outside":"y","payments":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":2,"outside":"y","payments":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":[],"payments":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":"1"}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[-1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":["1"]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[1,2]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[1,2],"probs":[0.5,1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[1,2],"probs":[1,2]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"x","outside":"y","payments":[1,2],"probs":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"nobody","action":"x","outside":"y","payments":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"telecom","action":"x","outside":"y","payments":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","action":"","outside":"y","payments":[1]}'
expect 400 POST /negotiations "$kb" '{"a":"utility","a":"utility","action":"x","outside":"y","payments":[1]}'
expect 400 POST /negotiations "$kb" "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[$(seq -s, 100)]}"
expect 413 POST /negotiations "$kb" "{\"a\":\"$(head -c 70000 /dev/zero | tr '\0' 'x')\"}"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $kb" -H 'Content-Type: text/plain' --data-binary '{}' "$base/negotiations")
if [ "$code" != 415 ]; then bad=$((bad + 1)); echo "bad-input case failed: text/plain -> $code"; fi
expect 405 PUT /negotiations "$kb" '{}'
expect 405 DELETE /negotiations/1 "$kb" ''
expect 404 GET /negotiations/abc "$kb" ''
expect 404 GET /negotiations/999999 "$kb" ''
expect 404 GET /negotiations/1/other "$kb" ''
expect 404 GET /v2 "$kb" ''
expect 400 POST /negotiations/1/answer "$ka" '{'
expect 400 POST /negotiations/1/answer "$ka" '{}'
expect 400 POST /negotiations/1/answer "$ka" '{"accept":"yes"}'
expect 400 POST /negotiations/1/answer "$ka" '{"accept":true,"step":0}'
expect 400 POST /negotiations/1/answer "$ka" '{"accept":true,"step":"1"}'
expect 400 POST /negotiations/1/answer "$ka" '{"accept":true,"why":"x"}'
expect 409 POST /negotiations/1/answer "$ka" '{"accept":true,"step":2}'
expect 404 POST /negotiations/999999/answer "$ka" '{"accept":true}'
check "37 bad requests each got the right 4xx JSON error" "[ $bad -eq 0 ]"
check "bad requests changed nothing in the ledger" "[ $(events) -eq $n0 ]"

# the protocol: reject step 1 (p2 = 1: the broker's coin goes on), accept step 2
req POST /negotiations/1/answer "$ka" '{"accept":false,"step":1}' -H 'Idempotency-Key: ans-1'
check "A rejects step 1 and step 2 opens" "[ $code = 200 ] && echo '$body' | grep -q '\"step\": 2'"
first="$body"
req POST /negotiations/1/answer "$ka" '{"accept":false,"step":1}' -H 'Idempotency-Key: ans-1'
check "a retry with the same idempotency key returns the same and changes nothing" "[ $code = 200 ] && [ \"\$body\" = \"\$first\" ]"
req POST /negotiations/1/answer "$ka" '{"accept":true,"step":2}'
check "A accepts step 2 and B pays 45" "[ $code = 200 ] && echo '$body' | grep -q '\"state\": \"accepted\"' && echo '$body' | grep -q '\"payment\": 45'"
req POST /negotiations/1/answer "$ka" '{"accept":false}'
check "answering a closed negotiation -> 409" "[ $code = 409 ]"

# kill -9 during a burst, restart: every acknowledged answer is there once
acked="$tmp/acked"; : >"$acked"
for i in $(seq 1 40); do
  req POST /negotiations "$kb" '{"a":"utility","action":"harbour","outside":"t","payments":[5]}'
  id=$(echo "$body" | sed -n 's/.*"id": \([0-9]*\).*/\1/p' | head -1)
  [ -n "$id" ] || continue
  ( code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ka" -H 'Content-Type: application/json' \
          --data-binary '{"accept":true}' "$base/negotiations/$id/answer"); [ "$code" = 200 ] && echo "$id" >>"$acked" ) &
  if [ "$i" = 30 ]; then kill -9 "$pid"; wait "$pid" 2>/dev/null; fi
done
wait 2>/dev/null
pid=""
start
ok=1
while read -r id; do
  req GET /negotiations/$id "$ka" ""
  echo "$body" | grep -q '"state": "accepted"' || { ok=0; echo "acknowledged answer to $id lost"; }
done <"$acked"
check "after kill -9 every acknowledged answer ($(wc -l <"$acked")) is in the ledger" "[ $ok = 1 ] && [ -s '$acked' ]"
dup=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT negotiation FROM events WHERE kind='answer' AND negotiation > 2 GROUP BY negotiation HAVING count(*) > 1)" 2>&1)
check "no negotiation of the burst was answered twice (found: $dup)" "[ '$dup' = 0 ]"
kill "$pid"; wait "$pid" 2>/dev/null; pid=""
"$ow" broker verify --db "$db" >"$tmp/verify" 2>&1
check "verify passes after the crash" "[ $? -eq 0 ] && grep -q 'unbroken chain' '$tmp/verify'"

# a damaged ledger is refused, not used
printf 'not a ledger at all, but a file of text that is long enough\n' >"$tmp/bad.sqlite"
"$ow" broker --db "$tmp/bad.sqlite" --listen 127.0.0.1:0 >"$tmp/o2" 2>"$tmp/e2"; rc=$?
check "a broker refuses a damaged ledger (exit $rc)" "[ $rc -ne 0 ] && grep -qi 'damaged\|not a' '$tmp/e2' && ! grep -q listening '$tmp/o2'"
cp "$db" "$tmp/trunc.sqlite"; truncate -s 3000 "$tmp/trunc.sqlite"
"$ow" broker add-party x --db "$tmp/trunc.sqlite" >/dev/null 2>"$tmp/e3"; rc=$?
check "a truncated ledger is detected (exit $rc)" "[ $rc -ne 0 ] && [ -s '$tmp/e3' ]"

echo "broker: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
