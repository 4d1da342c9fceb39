#!/bin/sh
# Runs every test of chancery and ends with one line "N passed, N failed".
# Unit tests (cmocka) and command tests (tests/cli/t*.sh) both speak TAP:
# each "ok" and "not ok" line counts. BUILD names the build folder,
# CHANCERY the binary; VALGRIND, when set, wraps every run of both.
set -u
BUILD=${BUILD:-build}
export CHANCERY=${CHANCERY:-$PWD/chancery}
export TZ=UTC LC_ALL=C CMOCKA_MESSAGE_OUTPUT=TAP
top=$PWD
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
    # $1: a name for messages; the rest: the command.
    name=$1
    shift
    "$@" >"$log.out" 2>&1
    rc=$?
    cat "$log.out" >>"$log"
    if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log.out"; then
        echo "not ok - $name exited $rc" >>"$log"
        echo "FAIL: $name exited $rc"
        tail -n 20 "$log.out"
    fi
    grep '^not ok' "$log.out" | sed "s|^|FAIL: $name: |"
    rm -f "$log.out"
}

for t in "$BUILD"/tests/test-*; do
    [ -x "$t" ] || continue
    run "$(basename "$t")" ${VALGRIND:-} "$t"
done
for t in tests/cli/t*.sh; do
    [ -f "$t" ] || continue
    (cd "$top" && run "$(basename "$t")" sh "$t")
done
for t in tests/rules/*.test; do
    [ -f "$t" ] || continue
    run "$(basename "$t")" sh tests/rules/run.sh "$t"
done

passed=$(grep -c '^ok' "$log")
failed=$(grep -c '^not ok' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
