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

# This VM's speed swings by a third from one minute to the next, so each
# import runs three times into a fresh copy of its starting registry and
# the median is reported, with every run.
# timed_import DB BASE_DB PATH COUNT UNITS: imports PATH into $DIR/DB.db,
# a copy of BASE_DB, three times, and prints the median rate.
timed_import() {
    runs=""
    for i in 1 2 3; do
        rm -f "$DIR/$1.db"*
        cp "$2" "$DIR/$1.db"
        start=$(date +%s.%N)
        CHANCERY_DB="$DIR/$1.db" ./chancery import "$3" >/dev/null
        end=$(date +%s.%N)
        runs="$runs $(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }')"
    done
    median=$(printf '%s\n' $runs | sort -n | sed -n 2p)
    echo "$median $4" | awk -v path="$3" -v units="$5" -v runs="$runs" '{
        printf "chancery import of %s: %d %s in %.1f s = %.0f %s/s (median of 3 runs:%s s)\n",
            path, $2, units, $1, $2 / $1, units, runs }'
}

rm -f "$DIR/empty.db"*
CHANCERY_DB="$DIR/empty.db" ./chancery init >/dev/null
timed_import chancery "$DIR/empty.db" "$DIR/world" "$rows" rows

rm -f "$DIR/plain.db"
start=$(date +%s.%N)
sqlite3 "$DIR/plain.db" <<SQL
.mode csv
.import $DIR/world/missions.csv missions
.import $DIR/world/persons.csv persons
.import $DIR/world/postings.csv postings
.import $DIR/world/dependents.csv dependents
SQL
end=$(date +%s.%N)
echo "$start $end $rows" | awk '{ printf "sqlite3 .import, no validation: %d rows in %.1f s = %.0f rows/s\n", $3, $2 - $1, $3 / ($2 - $1) }'

"$BUILD/bench/bench-registry" "$DIR/chancery.db" 2025-06-30
# The verifiable log: checkpoint and proofs on the imported registry.
"$BUILD/bench/bench-tlog" "$DIR/chancery.db"

# Reads after writes, whole process, on a copy of the world's registry.
rm -f "$DIR/reads.db"*
cp "$DIR/chancery.db" "$DIR/reads.db"
scripts/bench-reads.sh "$DIR/reads.db"

# Whole-process reads beside the sqlite3 CLI answering the same SQL, with
# 1,000 policies, on two more copies of the world's registry (issue 11).
rm -f "$DIR/whole.db"* "$DIR/peer.db"*
cp "$DIR/chancery.db" "$DIR/whole.db"
cp "$DIR/chancery.db" "$DIR/peer.db"
BUILD="$BUILD" scripts/bench-whole.sh "$DIR/whole.db" "$DIR/peer.db"

# Visas: `visa stats` by month with Kaplan-Meier on BENCH_VISAS synthetic
# cases in memory beside the same monthly figures in SQLite; then the
# import rate of BENCH_VISA_IMPORT cases through `chancery import` (the
# missions and persons they name are imported first, untimed).
VISAS=${BENCH_VISAS:-10000000}
VISA_IMPORT=${BENCH_VISA_IMPORT:-1000000}
"$BUILD/bench/bench-visa" stats "$VISAS" "$DIR/bench-visa.db"
rm -rf "$DIR/visa-world" "$DIR/visa.db"*
mkdir -p "$DIR/visa-world/cases"
"$BUILD/bench/bench-visa" csv "$DIR/visa-world" "$VISA_IMPORT"
mv "$DIR/visa-world/visas.csv" "$DIR/visa-world/cases/visas.csv"
rm -f "$DIR/visa-base.db"*
CHANCERY_DB="$DIR/visa-base.db" ./chancery init >/dev/null
CHANCERY_DB="$DIR/visa-base.db" ./chancery import "$DIR/visa-world" >/dev/null
timed_import visa "$DIR/visa-base.db" "$DIR/visa-world/cases/visas.csv" \
    "$VISA_IMPORT" cases
rm -f "$DIR/plain-visa.db"
start=$(date +%s.%N)
printf '.mode csv\n.import %s visas\n' "$DIR/visa-world/cases/visas.csv" |
    sqlite3 "$DIR/plain-visa.db"
end=$(date +%s.%N)
echo "$start $end $VISA_IMPORT" | awk '{ printf "sqlite3 .import of visas.csv, no validation: %d cases in %.1f s = %.0f cases/s\n", $3, $2 - $1, $3 / ($2 - $1) }'
"$BUILD/bench/bench-rules" "$DIR/chancery.db" 2025-06-30

# The Diplomatic List (issue 12): a host with 190 missions, built and
# rendered in process (synthetic registries), then the world's busiest host.
"$BUILD/bench/bench-publish"
"$BUILD/bench/bench-publish" "$DIR/chancery.db" 2025-06-30

# Forecasts: 10,000 runs x 24 months for two 300-person missions, then the
# same model in Python with NumPy: same distribution, and the speed ratio.
"$BUILD/bench/bench-forecast"
/usr/bin/python3 bench/forecast_numpy.py --chancery "$BUILD/bench/bench-forecast"
