#!/bin/sh
# Installs every Debian package that chancery's build, tests, demo and
# fuzzers (clang with its libFuzzer runtime) need, and the npm packages of
# the API tests (tests/node: the OpenAPI validator), from its lock file.
# Idempotent: packages already present are left alone, and apt is asked only
# when something is missing, so a second run costs nothing.
set -eu

PACKAGES="build-essential pkg-config sqlite3 libsqlite3-dev libjansson-dev
libmicrohttpd-dev libsodium-dev libgsl-dev libcsv-dev libcmocka-dev iso-codes
valgrind clang-format clang-tidy cppcheck python3-numpy libxml2-utils
clang libclang-rt-14-dev python3-cryptography curl openssl nodejs"

missing=""
for p in $PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
# npm comes with some builds of nodejs, which then conflict with Debian's.
command -v npm >/dev/null 2>&1 || missing="$missing npm"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -n "$missing" ]; then
    echo "setup: installing$missing" >&2
    $SUDO apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing >&2
fi
node_dir=$(dirname "$0")/../tests/node
if [ ! -d "$node_dir/node_modules/ajv" ]; then
    echo "setup: npm ci in tests/node" >&2
    (cd "$node_dir" && npm ci --no-audit --no-fund >&2)
fi
