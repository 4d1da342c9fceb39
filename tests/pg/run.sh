#!/bin/sh
# make check-pg: the command tests (tests/cli/t*.sh) against PostgreSQL.
# Makes a cluster of its own (tests/pg/cluster.sh), runs every test with
# CHANCERY_PG=1, so that tests/cli/lib.sh gives each a fresh database on
# it, and removes the cluster after. Tests named in tests/pg/skip (one per
# line: the test's file name, then why) are reported as skipped, not run.
# The snapshot images are kept in the cluster's folder, removed with it.
# Ends with one line "N passed, N failed" as make check does; the
# arguments, when given, are the tests to run instead of all.
set -u
export CHANCERY=${CHANCERY:-$PWD/chancery}
export TZ=UTC LC_ALL=C CHANCERY_PG=1
. tests/pg/cluster.sh
pg_start || { echo "check-pg: cannot start a PostgreSQL cluster"; exit 1; }
# The registries' snapshot images (store/pg_image.c) go with the cluster.
export CHANCERY_CACHE_DIR="$PG_DIR/cache"
trap 'pg_stop' EXIT
log=$(mktemp)
trap 'pg_stop; rm -f "$log" "$log.out"' EXIT

skipped() {
    [ -f tests/pg/skip ] && grep -q "^$(basename "$1")\b" tests/pg/skip
}

if [ $# -eq 0 ]; then set -- tests/cli/t*.sh tests/pg/t*.sh; fi
for t in "$@"; do
    [ -f "$t" ] || continue
    if skipped "$t"; then
        echo "skip: $(basename "$t"): $(grep "^$(basename "$t")\b" tests/pg/skip | cut -d' ' -f2-)"
        continue
    fi
    sh "$t" >"$log.out" 2>&1
    rc=$?
    cat "$log.out" >>"$log"
    if [ $rc -ne 0 ] && ! grep -q '^not ok' "$log.out"; then
        echo "not ok - $t exited $rc" >>"$log"
        echo "FAIL: $t exited $rc"
        tail -n 20 "$log.out"
    fi
    grep '^not ok' "$log.out" | sed "s|^|FAIL: $(basename "$t"): |"
done
passed=$(grep -c '^ok' "$log")
failed=$(grep -c '^not ok' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
