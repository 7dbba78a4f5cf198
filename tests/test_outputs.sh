#!/usr/bin/env bash
# test_outputs.sh -- the files people open: plots (SVG parsed by xmllint,
# PDF pages counted by pdfinfo, PNG signature), the paper's figures, and the
# HTML report rendered in headless Chromium (it renders, its figures are
# there, no console errors).
#   test_outputs.sh ONEWAY SOURCE_DIR
set -u
ow="$1"; src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "ok: $1"; }
bad()  { fail=$((fail + 1)); echo "FAILED: $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

svg_ok() { xmllint --noout "$1" 2>/dev/null && grep -q '<svg' "$1"; }
pdf_ok() { local p; p=$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'); [ "${p:-0}" -ge 1 ]; }
png_ok() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# sweeps: one value (lines) in three formats, two values (heat map)
v='B.types[0].payoff[0][0]=10:400:25'
for ext in svg pdf png; do
  "$ow" sweep "$src/examples/example-1.json" --vary "$v" --plot "$tmp/s.$ext" >/dev/null 2>"$tmp/err"
  check "sweep --plot .$ext is produced" "[ -s '$tmp/s.$ext' ]"
done
check "sweep SVG parses" "svg_ok '$tmp/s.svg'"
check "sweep PDF has pages" "pdf_ok '$tmp/s.pdf'"
check "sweep PNG is a PNG" "png_ok '$tmp/s.png'"
"$ow" sweep "$src/examples/restoration.json" --vary 'B.types[0].payoff[2][0]=50:300:6' \
      --vary 'A.types.independent[2].high=80:140:5' --metrics poa.single_offer --mc-samples 0 \
      --plot "$tmp/h.svg" >"$tmp/h.csv" 2>/dev/null
check "heat map SVG parses" "svg_ok '$tmp/h.svg'"
check "two-value sweep CSV has 30 rows and a header" "[ \$(wc -l < '$tmp/h.csv') -eq 31 ]"
"$ow" sweep "$src/examples/example-1.json" --vary "$v" --plot "$tmp/x.gif" >/dev/null 2>"$tmp/err"; rc=$?
check "unknown plot format is exit 2 with the formats named" "[ $rc -eq 2 ] && grep -q '.svg, .pdf or .png' '$tmp/err'"
"$ow" sweep "$src/examples/example-1.json" --vary "$v" --metrics no.such --plot "$tmp/y.svg" >"$tmp/out" 2>"$tmp/err"
check "unknown metric is refused with nothing on stdout" "[ ! -s '$tmp/out' ] && grep -q \"no figure named 'no.such'\" '$tmp/err'"

# the paper's figures
"$ow" paper --plots "$tmp/paper" >/dev/null 2>&1
for f in example1-poa example2-poa corollary7-bound; do
  check "paper figure $f.svg parses" "svg_ok '$tmp/paper/$f.svg'"
  check "paper figure $f.pdf has pages" "pdf_ok '$tmp/paper/$f.pdf'"
done

# the HTML report in headless Chromium
"$ow" solve "$src/examples/restoration.json" --mc-samples 20000 --report "$tmp/rep" --mechanisms >/dev/null 2>&1
check "report index.html written" "[ -s '$tmp/rep/index.html' ]"
check "report fetches nothing from the network" "! grep -Eqi '(src|href)=\"(https?:)?//' '$tmp/rep/index.html'"
chrome="chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
 --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$tmp/chrome"
$chrome --enable-logging=stderr --v=0 --dump-dom "file://$tmp/rep/index.html" >"$tmp/dom" 2>"$tmp/chrome.log"
check "Chromium renders the report" "grep -q '<h1>restoration</h1>' '$tmp/dom'"
check "the report compares every mechanism (8 rows)" "grep -q 'Every mechanism' '$tmp/dom' && [ \$(grep -o '<td>\(nash\|single_offer_paper\|single_offer_bayes\|multi_offer\|item_pricing\|second_best\|efficient_least_subsidy\|first_best\)</td>' '$tmp/dom' | wc -l) -eq 8 ]"
n=$(grep -o '<svg' "$tmp/dom" | wc -l)
check "the report's 4 figures are in the rendered page (found $n)" "[ $n -ge 4 ]"
check "no console errors" "! grep -Ei 'CONSOLE.*(error|uncaught)|Uncaught' '$tmp/chrome.log'"
$chrome --window-size=1100,1400 --screenshot="$tmp/shot.png" "file://$tmp/rep/index.html" >/dev/null 2>&1
check "screenshot of the report is a non-empty PNG" "png_ok '$tmp/shot.png' && [ \$(stat -c %s '$tmp/shot.png') -gt 20000 ]"

echo "outputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
