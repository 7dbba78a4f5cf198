#!/usr/bin/env bash
# test.sh -- build and run every test: once optimised, once under
# AddressSanitizer and UndefinedBehaviorSanitizer.  Run ./setup.sh first on
# a fresh machine (it installs the libraries).
#   ./test.sh          all tests (label "full")
#   ./test.sh quick    the quick ones only
set -euo pipefail
cd "$(dirname "$0")"
label="${1:-full}"
jobs="$(nproc)"
supp="$PWD/tests/lsan.supp"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs" >/dev/null
(cd build && ctest --output-on-failure -L "$label")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DOW_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   LSAN_OPTIONS=suppressions="$supp":print_suppressions=0 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -L "$label")
