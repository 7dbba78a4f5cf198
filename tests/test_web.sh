#!/usr/bin/env bash
# test_web.sh -- the broker's web page in headless Chromium (see
# web/broker_page.mjs).  playwright-core comes from the npm registry into
# the build tree the first time.
#   test_web.sh ONEWAY SOURCE_DIR BUILD_DIR
set -u
ow="$1"; src="$2"; build="$3"
nm="$build/web-tests"
if [ ! -d "$nm/node_modules/playwright-core" ]; then
  mkdir -p "$nm"
  (cd "$nm" && npm install --no-audit --no-fund --silent playwright-core@1.65.2 >/dev/null 2>&1) ||
    { echo "FAILED: npm install playwright-core"; echo "web: 0 passed, 1 failed"; exit 1; }
fi
tmp=$(mktemp -d)
db="$tmp/ledger.sqlite"
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
ka=$("$ow" broker add-party utility --db "$db" | awk '{print $NF}')
kb=$("$ow" broker add-party telecom --db "$db" | awk '{print $NF}')
"$ow" broker --db "$db" --listen 127.0.0.1:0 >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/out" && break; sleep 0.1; done
url="http://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/out")"
curl -s -o /dev/null -X POST -H "Authorization: Bearer $kb" -H 'Content-Type: application/json' \
     -d '{"a":"utility","action":"harbour","outside":"downtown-towers","payments":[50]}' "$url/v1/negotiations"
cp "$src/tests/web/broker_page.mjs" "$nm/"
SHOT="$build/broker-page.png" node "$nm/broker_page.mjs" "$url" "$ka" "$kb"
