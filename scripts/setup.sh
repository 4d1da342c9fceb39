#!/bin/sh
# Installs every Debian package that chancery's build, tests, demo and
# fuzzers (clang with its libFuzzer runtime) need.
# Idempotent: packages already present are left alone, and apt is asked only
# when something is missing, so a second run costs nothing.
set -eu

PACKAGES="build-essential pkg-config sqlite3 libsqlite3-dev libjansson-dev
libmicrohttpd-dev libsodium-dev libgsl-dev libcsv-dev libcmocka-dev iso-codes
valgrind clang-format clang-tidy cppcheck python3-numpy libxml2-utils
clang libclang-rt-14-dev python3-cryptography curl postgresql libpq-dev"

missing=""
for p in $PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup: installing$missing" >&2
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing >&2
