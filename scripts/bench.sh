#!/bin/sh
# make bench: generates the synthetic world (bench/gen-world, seeded), then
# measures, in one run on this machine: chancery's import (validation and
# change log included) beside SQLite's own .import of the same files with no
# validation, and bench/bench-registry's in-memory figures beside the same
# questions in SQL. The world and databases live in $BENCH_DIR (default
# build/bench-world), never in the repository.
set -eu
BUILD=${BUILD:-build}
DIR=${BENCH_DIR:-$BUILD/bench-world}
POSTINGS=${BENCH_POSTINGS:-1000000}
PERSONS=${BENCH_PERSONS:-1500000}
export TZ=UTC LC_ALL=C CHANCERY_TODAY=2025-12-31

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
mkdir -p "$DIR"
"$BUILD/bench/gen-world" --postings "$POSTINGS" --persons "$PERSONS" "$DIR/world"
rows=$(($(cat "$DIR"/world/*.csv | wc -l) - 4))

# This VM's speed swings by a third from one minute to the next, and other
# work on it stretches the wall time, so each import runs three times into
# a fresh copy of its starting registry and the median is reported, with
# every run, its CPU time (user + system, all threads) and the load average.
# timed_import DB BASE_DB PATH COUNT UNITS: imports PATH into $DIR/DB.db,
# a copy of BASE_DB, three times, and prints the median rate.
timed_import() {
    runs=""
    cpus=""
    for i in 1 2 3; do
        rm -f "$DIR/$1.db"*
        cp "$2" "$DIR/$1.db"
        CHANCERY_DB="$DIR/$1.db" /usr/bin/time -f "%e %U %S" -o "$DIR/time.out" \
            ./chancery import "$3" >/dev/null
        runs="$runs $(awk '{ printf "%.2f", $1 }' "$DIR/time.out")"
        cpus="$cpus $(awk '{ printf "%.1f", $2 + $3 }' "$DIR/time.out")"
    done
    median=$(printf '%s\n' $runs | sort -n | sed -n 2p)
    chancery_s=$median
    echo "$median $4" | awk -v path="$3" -v units="$5" -v runs="$runs" -v cpus="$cpus" \
        -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '{
        printf "chancery import of %s: %d %s in %.1f s = %.0f %s/s (median of 3 runs:%s s; CPU%s s; load %s)\n",
            path, $2, units, $1, $2 / $1, units, runs, cpus, load }'
}

rm -f "$DIR/empty.db"*
CHANCERY_DB="$DIR/empty.db" ./chancery init >/dev/null
timed_import chancery "$DIR/empty.db" "$DIR/world" "$rows" rows

rm -f "$DIR/plain.db"
/usr/bin/time -f "%e %U %S" -o "$DIR/time.out" sqlite3 "$DIR/plain.db" <<SQL
.mode csv
.import $DIR/world/missions.csv missions
.import $DIR/world/persons.csv persons
.import $DIR/world/postings.csv postings
.import $DIR/world/dependents.csv dependents
SQL
set -- $(cat "$DIR/time.out")
echo "$1 $2 $3 $rows" | awk '{ printf "sqlite3 .import, no validation: %d rows in %.1f s = %.0f rows/s (CPU %.1f s)\n", $4, $1, $4 / $1, $2 + $3 }'
echo "$1 $chancery_s" | awk '{ printf "chancery import / sqlite3 .import: %.2fx the rate (issue 11: at least 0.7x)\n", $1 / $2 }'

"$BUILD/bench/bench-registry" "$DIR/chancery.db" 2025-06-30
# The verifiable log: checkpoint and proofs on the imported registry.
"$BUILD/bench/bench-tlog" "$DIR/chancery.db"

# The verifiable log at about 10,000,000 entries (issue 16): a world of
# BENCH_TLOG_POSTINGS postings and BENCH_TLOG_PERSONS persons (with their
# dependents and the missions, 10.1 million rows and entries) imported
# untimed; then a checkpoint and proofs in process (bench-tlog), the whole
# commands, and `export` and the offline `audit verify-export` timed as
# entries per second.
TLOG_POSTINGS=${BENCH_TLOG_POSTINGS:-3000000}
TLOG_PERSONS=${BENCH_TLOG_PERSONS:-4500000}
"$BUILD/bench/gen-world" --postings "$TLOG_POSTINGS" --persons "$TLOG_PERSONS" \
    "$DIR/tlog-world" >/dev/null
rm -rf "$DIR/tlog.db"* "$DIR/tlog-export" "$DIR/tlog-key".*
CHANCERY_DB="$DIR/tlog.db" ./chancery init >/dev/null
CHANCERY_DB="$DIR/tlog.db" ./chancery import "$DIR/tlog-world" >/dev/null
"$BUILD/bench/bench-tlog" "$DIR/tlog.db"
./chancery audit keygen "$DIR/tlog-key" >/dev/null
# timed WHAT COMMAND...: runs a chancery command on the tlog registry and
# prints its wall time.
timed() {
    what=$1
    shift
    start=$(date +%s.%N)
    CHANCERY_DB="$DIR/tlog.db" ./chancery "$@" >"$DIR/tlog-out"
    end=$(date +%s.%N)
    elapsed=$(echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }')
    echo "$what: $elapsed s"
}
timed "tlog: whole command, audit checkpoint --sign" audit checkpoint --sign "$DIR/tlog-key.key"
cp "$DIR/tlog-out" "$DIR/tlog.checkpoint"
entries=$(sed -n 2p "$DIR/tlog.checkpoint")
timed "tlog: whole command, audit prove inclusion" audit prove inclusion $((entries / 2))
timed "tlog: export of $entries entries" export "$DIR/tlog-export"
bytes=$(du -sb "$DIR/tlog-export" | cut -f1)
start=$(date +%s.%N)
./chancery audit verify-export "$DIR/tlog-export" --checkpoint "$DIR/tlog.checkpoint" \
    --key "$DIR/tlog-key.pub" >/dev/null
end=$(date +%s.%N)
echo "$start $end $entries $bytes" | awk '{ t = $2 - $1
    printf "tlog: verify-export of %d entries (%.0f MB): %.1f s = %.0f entries/s, %.0f MB/s\n",
        $3, $4 / 1e6, t, $3 / t, $4 / 1e6 / t }'
rm -rf "$DIR/tlog-export"

# Reads after writes, whole process, on a copy of the world's registry.
rm -f "$DIR/reads.db"*
cp "$DIR/chancery.db" "$DIR/reads.db"
scripts/bench-reads.sh "$DIR/reads.db"

# Writes through the server (issue 13): notifications submitted and
# decided by 16 wrk connections, each acknowledged once durable.
rm -f "$DIR/serve.db"*
cp "$DIR/chancery.db" "$DIR/serve.db"
scripts/bench-serve-writes.sh "$DIR/serve.db"

# Submitting a notification (issue 12): in process on the loaded registry,
# then whole process beside a read's start-up (target: at most 20 ms more).
"$BUILD/bench/bench-notify" "$DIR/reads.db"
scripts/bench-notify.sh "$DIR/reads.db"

# Whole-process reads beside the sqlite3 CLI answering the same SQL, with
# 1,000 policies, on two more copies of the world's registry (issue 11).
rm -f "$DIR/whole.db"* "$DIR/peer.db"*
cp "$DIR/chancery.db" "$DIR/whole.db"
cp "$DIR/chancery.db" "$DIR/peer.db"
BUILD="$BUILD" scripts/bench-whole.sh "$DIR/whole.db" "$DIR/peer.db"

# Visas: `visa stats` by month with Kaplan-Meier on BENCH_VISAS synthetic
# cases in memory beside the same monthly figures in SQLite; then, whole
# process, the import of BENCH_VISA_IMPORT cases (ten million) into a copy
# of the world's registry and `visa stats --by month` over them, each
# beside the sqlite3 CLI (scripts/bench-visas.sh).
VISAS=${BENCH_VISAS:-10000000}
"$BUILD/bench/bench-visa" stats "$VISAS" "$DIR/bench-visa.db"
BUILD="$BUILD" scripts/bench-visas.sh "$DIR/chancery.db" "$DIR"
"$BUILD/bench/bench-rules" "$DIR/chancery.db" 2025-06-30

# The Diplomatic List (issue 12): a host with 190 missions, built and
# rendered in process (synthetic registries), then the world's busiest host.
"$BUILD/bench/bench-publish"
"$BUILD/bench/bench-publish" "$DIR/chancery.db" 2025-06-30

# Forecasts: 10,000 runs x 24 months for two 300-person missions, then the
# same model in Python with NumPy: same distribution, and the speed ratio.
"$BUILD/bench/bench-forecast"
/usr/bin/python3 bench/forecast_numpy.py --chancery "$BUILD/bench/bench-forecast"

# The HTTP API (issue 13): GET headcount and roster from `chancery serve`
# beside nginx serving the same bytes, wrk with 64 connections.
rm -f "$DIR/serve.db"*
cp "$DIR/chancery.db" "$DIR/serve.db"
scripts/bench-serve.sh "$DIR/serve.db"
