#!/bin/sh
# Installs every Debian package that chancery's build, tests, demo and
# fuzzers (clang with its libFuzzer runtime) need.
# With npm, the browser tests' packages (tests/web, npm ci).
# Idempotent: packages already present are left alone, and apt is asked only
# when something is missing, so a second run costs nothing.
set -eu

PACKAGES="build-essential pkg-config sqlite3 libsqlite3-dev libjansson-dev
libmicrohttpd-dev libsodium-dev libgsl-dev libcsv-dev libcmocka-dev iso-codes
valgrind clang-format clang-tidy cppcheck python3-numpy libxml2-utils
clang libclang-rt-14-dev python3-cryptography curl xxd
chromium nodejs"

missing=""
for p in $PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    echo "setup: installing$missing" >&2
    $SUDO apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing >&2
fi

# The browser tests' npm packages (playwright-core, axe-core), exactly as
# tests/web/package-lock.json pins them; again only when missing.
web="$(dirname "$0")/../tests/web"
if [ ! -f "$web/node_modules/.package-lock.json" ] ||
    ! cmp -s "$web/package-lock.json" "$web/node_modules/.package-lock.json.src" 2>/dev/null; then
    if command -v npm >/dev/null; then
        (cd "$web" && npm ci --no-audit --no-fund >&2 &&
            cp package-lock.json node_modules/.package-lock.json.src)
    else
        echo "setup: npm is missing: the browser tests will be skipped" >&2
    fi
fi
