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

rm -f "$DIR/chancery.db"*
CHANCERY_DB="$DIR/chancery.db" ./chancery init >/dev/null
start=$(date +%s.%N)
CHANCERY_DB="$DIR/chancery.db" ./chancery import "$DIR/world"
end=$(date +%s.%N)
echo "$start $end $rows" | awk '{ printf "chancery import: %d rows in %.1f s = %.0f rows/s\n", $3, $2 - $1, $3 / ($2 - $1) }'

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
CHANCERY_DB="$DIR/visa.db" ./chancery init >/dev/null
CHANCERY_DB="$DIR/visa.db" ./chancery import "$DIR/visa-world" >/dev/null
start=$(date +%s.%N)
CHANCERY_DB="$DIR/visa.db" ./chancery import "$DIR/visa-world/cases/visas.csv"
end=$(date +%s.%N)
echo "$start $end $VISA_IMPORT" | awk '{ printf "chancery import of visas.csv: %d cases in %.1f s = %.0f cases/s\n", $3, $2 - $1, $3 / ($2 - $1) }'
"$BUILD/bench/bench-rules" "$DIR/chancery.db" 2025-06-30

# Forecasts: 10,000 runs x 24 months for two 300-person missions, then the
# same model in Python with NumPy: same distribution, and the speed ratio.
"$BUILD/bench/bench-forecast"
/usr/bin/python3 bench/forecast_numpy.py --chancery "$BUILD/bench/bench-forecast"
