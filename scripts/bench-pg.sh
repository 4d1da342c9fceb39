#!/bin/sh
# make bench-pg: chancery's import into PostgreSQL (validation, change log
# and Merkle tree included, COPY underneath) beside psql's \copy of the
# same files into bare tables with no validation (issue 15's figure), and
# into the tables `chancery init` makes (their keys, checks and references:
# what the database's own constraints cost, without the change log), and
# beside chancery's import into SQLite, in one run on this machine; then a
# whole-registry load from the tables (a headcount) on each backend. The
# cluster is made and removed as make check-pg does (tests/pg/cluster.sh);
# the world is bench/gen-world's (BENCH_POSTINGS, default 100,000 here:
# the million of make bench takes long on a shared 2-core machine), in
# $BENCH_DIR.
set -eu
BUILD=${BUILD:-build}
DIR=${BENCH_DIR:-$BUILD/bench-pg}
POSTINGS=${BENCH_POSTINGS:-100000}
PERSONS=${BENCH_PERSONS:-$((POSTINGS * 3 / 2))}
export TZ=UTC LC_ALL=C CHANCERY_TODAY=2025-12-31
. tests/pg/cluster.sh

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
mkdir -p "$DIR"
"$BUILD/bench/gen-world" --postings "$POSTINGS" --persons "$PERSONS" "$DIR/world"
rows=$(($(cat "$DIR"/world/*.csv | wc -l) - 4))
pg_start
trap 'pg_stop' EXIT

now() { date +%s.%N; }
# CPU seconds (user + system) of the children of process $1 that ended:
# for the postmaster, its backends (autovacuum's workers too).
ticks=$(getconf CLK_TCK)
child_cpu() { awk -v t="$ticks" '{ printf "%.2f", ($16 + $17) / t }' "/proc/$1/stat"; }
postmaster=$(head -n 1 "$PG_DIR/data/postmaster.pid")
# run_timed WHAT COMMAND...: wall, the command's CPU (with its children)
# and the server's; sets last_s to the wall time.
run_timed() {
    what=$1
    shift
    s0=$(child_cpu "$postmaster") c0=$(child_cpu $$) t0=$(now)
    "$@" >/dev/null
    t1=$(now) c1=$(child_cpu $$)
    sleep 0.5 # for the postmaster to collect its backend
    s1=$(child_cpu "$postmaster")
    last_s=$(echo "$t0 $t1" | awk '{ print $2 - $1 }')
    echo "$t0 $t1 $rows $c0 $c1 $s0 $s1" | awk -v what="$what" '{ printf "%s: %d rows in %.2f s = %.0f rows/s (CPU: client %.2f s, server %.2f s)\n", what, $3, $2 - $1, $3 / ($2 - $1), $5 - $4, $7 - $6 }'
}
plain_copy() {
    for f in missions persons postings dependents; do
        psql -d "$1" -qXc "\\copy $f FROM '$DIR/world/$f.csv' WITH (FORMAT csv, HEADER true)"
    done
}
# The same into chancery's tables (after `chancery init`), in one
# transaction with the references checked at its COMMIT, the columns named
# from each file's header (the identity column _row is left to fill).
keyed_copy() {
    {
        echo "BEGIN;"
        echo "SET CONSTRAINTS ALL DEFERRED;"
        for f in missions persons postings dependents; do
            cols=$(head -n 1 "$DIR/world/$f.csv" | sed 's/[a-z_]*/"&"/g')
            printf '%s\n' "\\copy $f ($cols) FROM '$DIR/world/$f.csv' WITH (FORMAT csv, HEADER true)"
        done
        echo "COMMIT;"
    } | psql -d "$1" -qX -v ON_ERROR_STOP=1
}
# The same files into tables of the same columns, all text, no keys.
plain_tables() {
    psql -d postgres -qXc "CREATE DATABASE $1"
    for f in missions persons postings dependents; do
        cols=$(head -n 1 "$DIR/world/$f.csv" | sed 's/,/ text, /g; s/$/ text/; s/\([a-z_]*\) text/"\1" text/g')
        psql -d "$1" -qXc "CREATE TABLE $f ($cols)"
    done
}

# BENCH_RUNS (2) runs of each, alternating; the first run's registry is
# the one the reads below use.
pg="postgresql:///chancery_bench"
for run in $(seq "${BENCH_RUNS:-2}"); do
    db=chancery_bench plain=plain_bench
    if [ "$run" -gt 1 ]; then db=chancery_bench_$run plain=plain_bench_$run; fi
    psql -d postgres -qXc "CREATE DATABASE $db"
    CHANCERY_DB="postgresql:///$db" "$BUILD/chancery" init >/dev/null
    run_timed "chancery import into PostgreSQL" env CHANCERY_DB="postgresql:///$db" "$BUILD/chancery" import "$DIR/world"
    pg_import_s=$last_s
    plain_tables "$plain"
    run_timed "psql \\copy, no validation" plain_copy "$plain"
    plain_s=$last_s
    psql -d postgres -qXc "CREATE DATABASE ${db}_keyed"
    CHANCERY_DB="postgresql:///${db}_keyed" "$BUILD/chancery" init >/dev/null
    run_timed "psql \\copy into chancery's tables (keys, checks, references)" keyed_copy "${db}_keyed"
    keyed_s=$last_s
    psql -d postgres -qXc "DROP DATABASE ${db}_keyed"
    echo "$pg_import_s $plain_s" | awk '{ printf "chancery import into PostgreSQL / psql \\copy: %.2fx the rate (issue 15: at least 0.5x)\n", $2 / $1 }'
    echo "$pg_import_s $keyed_s" | awk '{ printf "chancery import into PostgreSQL / psql \\copy into its tables: %.2fx the rate\n", $2 / $1 }'
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$run" -gt 1 ]; then
        psql -d postgres -qXc "DROP DATABASE $db" -c "DROP DATABASE $plain"
    fi
done

rm -f "$DIR/sqlite.db"*
CHANCERY_DB="$DIR/sqlite.db" "$BUILD/chancery" init >/dev/null
run_timed "chancery import into SQLite" env CHANCERY_DB="$DIR/sqlite.db" "$BUILD/chancery" import "$DIR/world"

# Reads, each beside SQLite's of the same run: whole processes (the
# median of three runs of wall time) that load the registry from the
# tables (PostgreSQL keeps no image; SQLite's is turned off, then its
# figure with its image is given too), then bench-registry's snapshot
# load and in-memory figures.
mission=$(sqlite3 "$DIR/sqlite.db" "SELECT mission FROM postings WHERE ended IS NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
# whole WHAT DB CACHE COMMAND...: the median wall time of three runs.
whole() {
    what=$1 db=$2 cache=$3
    shift 3
    runs=""
    for i in 1 2 3; do
        t0=$(now)
        CHANCERY_DB="$db" CHANCERY_SNAPSHOT_CACHE=$cache "$BUILD/chancery" "$@" >/dev/null
        t1=$(now)
        runs="$runs $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')"
    done
    median=$(printf '%s\n' $runs | sort -n | sed -n 2p)
    echo "$what: $median s (median of 3:$runs s)"
}
for cmd in "headcount --as-of 2025-06-30" "roster $mission --as-of 2025-06-30"; do
    # shellcheck disable=SC2086
    whole "whole process, $cmd, PostgreSQL" "$pg" never $cmd
    # shellcheck disable=SC2086
    whole "whole process, $cmd, SQLite from the tables" "$DIR/sqlite.db" never $cmd
    # shellcheck disable=SC2086
    whole "whole process, $cmd, SQLite with its image" "$DIR/sqlite.db" default $cmd
done
for db in "$pg" "$DIR/sqlite.db"; do
    echo "in memory, $db:"
    CHANCERY_SNAPSHOT_CACHE=never "$BUILD/bench/bench-registry" "$db" 2025-06-30 2>&1 | grep -v '^sqlite:'
done

# Writes through `chancery serve` on each backend, as scripts/bench-serve-
# writes.sh makes them on SQLite: wrk with 16 connections on loopback,
# half submissions by a liaison, half refusals by an officer, each write
# acknowledged once committed durably (BENCH_SERVE_SECONDS each, 10 here).
sql() {
    case $1 in
    postgresql://*) psql -d "$1" -AtqXc "$2" ;;
    *) sqlite3 "$1" "$2" ;;
    esac
}
serve_writes() {
    db=$1
    posting=$(sql "$db" "SELECT id FROM postings WHERE ended IS NULL AND arrived IS NOT NULL ORDER BY id LIMIT 1")
    mission=$(sql "$db" "SELECT mission FROM postings WHERE id = '$posting'")
    sending=$(sql "$db" "SELECT sending FROM missions WHERE id = '$mission'")
    printf '{"kind":"termination","mission":"%s","posting":"%s","ended":"2026-06-30","end_reason":"tour_completed"}\n' \
        "$mission" "$posting" >"$DIR/payload.json"
    printf 'benchpw\n' | CHANCERY_DB="$db" "$BUILD/chancery" user add bench-officer --role officer >/dev/null 2>&1 || true
    printf 'benchpw\n' | CHANCERY_DB="$db" "$BUILD/chancery" user add "bench-$sending" --role liaison --sending "$sending" >/dev/null 2>&1 || true
    CHANCERY_DB="$db" "$BUILD/chancery" serve --listen 127.0.0.1:0 >"$DIR/serve.out" 2>/dev/null &
    spid=$!
    while ! grep -q listening "$DIR/serve.out"; do sleep 0.2; done
    url=http://$(sed -n 's/^listening on //p' "$DIR/serve.out")
    token() {
        curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"benchpw\"}" "$url/api/v1/login" |
            sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
    }
    printf '%s: ' "$db"
    wrk -t2 -c16 -d"${BENCH_SERVE_SECONDS:-10}s" --latency -s bench/serve-writes.lua "$url" -- \
        "$(token "bench-$sending")" "$(token bench-officer)" "$DIR/payload.json" | grep "^serve writes"
    kill -TERM "$spid"
    wait "$spid" || true
}
if command -v wrk >/dev/null && command -v curl >/dev/null; then
    pg_durable
    for db in "$pg" "$DIR/sqlite.db"; do serve_writes "$db"; done
else
    echo "serve writes: wrk or curl is not installed"
fi
