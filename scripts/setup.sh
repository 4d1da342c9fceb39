#!/bin/sh
# Installs every Debian package that chancery's build, tests, demo and
# fuzzers (clang with its libFuzzer runtime) need, and the npm packages of
# the API tests (tests/node: the OpenAPI validator) and of the browser
# tests (tests/web: playwright-core, axe-core), each from its lock file.
# Idempotent: packages already present are left alone, and apt is asked only
# when something is missing, so a second run costs nothing.
set -eu

PACKAGES="build-essential pkg-config sqlite3 libsqlite3-dev libjansson-dev
libmicrohttpd-dev libsodium-dev nettle-dev libgsl-dev libcsv-dev libcmocka-dev iso-codes
valgrind clang-format clang-tidy cppcheck python3-numpy libxml2-utils
clang libclang-rt-14-dev python3-cryptography curl openssl xxd
chromium nodejs postgresql libpq-dev"

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

# The npm packages, exactly as each package-lock.json pins them; again only
# when missing or when the lock file changed.
npm_ci() { # DIR
    if [ ! -f "$1/node_modules/.package-lock.json" ] ||
        ! cmp -s "$1/package-lock.json" "$1/node_modules/.package-lock.json.src" 2>/dev/null; then
        echo "setup: npm ci in $1" >&2
        (cd "$1" && npm ci --no-audit --no-fund >&2 &&
            cp package-lock.json node_modules/.package-lock.json.src)
    fi
}
npm_ci "$(dirname "$0")/../tests/node"
npm_ci "$(dirname "$0")/../tests/web"
