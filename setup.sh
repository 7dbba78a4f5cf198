#!/usr/bin/env bash
# setup.sh -- install what is missing (Debian 12, as root or with sudo),
# build oneway, and run the main job: the paper's claims reproduced and the
# restoration example solved.
#   ./setup.sh            install, build, run
#   ./setup.sh --no-run   install and build only
set -euo pipefail
cd "$(dirname "$0")"

PKGS="build-essential cmake pkg-config libgsl-dev libjansson-dev libcmocka-dev libglpk-dev
      libplplot-dev plplot-driver-cairo libmpich-dev mpich libsqlite3-dev libsodium-dev libmicrohttpd-dev libcurl4-openssl-dev curl sqlite3
      libxml2-utils poppler-utils chromium"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
# the web page's test drives Chromium with playwright-core, from npm
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
echo "setup: built build/oneway"

if [ "${1:-}" != "--no-run" ]; then
  echo
  echo "== oneway paper: the paper's checkable claims =="
  ./build/oneway paper
  echo
  echo "== oneway solve examples/restoration.json =="
  ./build/oneway solve examples/restoration.json
fi
