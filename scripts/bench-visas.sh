#!/bin/sh
# Visa cases at scale, whole process, beside the sqlite3 CLI in the same
# run (usage: scripts/bench-visas.sh WORLD_DB DIR; scripts/bench.sh calls
# it with the registry of the generated world). bench/bench-visa writes
# BENCH_VISA_IMPORT synthetic cases (ten million by default) with the
# missions and persons they name; those are imported first, untimed, into
# a copy of the world's registry, so that the cases go into a registry
# that already holds the world. Then, each BENCH_IMPORT_RUNS times (3 by
# default) into a fresh copy of that registry, the median reported:
#  - `chancery import` of the first million cases, then of all of them,
#    and the ratio of the two rates (issue 11: the rate at ten million
#    within 20% of the rate at one million), beside `sqlite3 .import` of
#    the same files into an empty database, with no validation;
#  - `chancery visa stats --by month` (Kaplan-Meier included) over all the
#    cases with a current image, median of five runs with its CPU time and
#    peak resident memory, beside the sqlite3 CLI computing the monthly
#    counts and mean days to decision of the same cases.
set -eu
WORLD=$1
DIR=$2
BUILD=${BUILD:-build}
N=${BENCH_VISA_IMPORT:-10000000}
RUNS=${BENCH_IMPORT_RUNS:-3}
SMALL=$((N < 1000000 ? N / 10 : 1000000))
export TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

rm -rf "$DIR/visa-world"
mkdir -p "$DIR/visa-world/people" "$DIR/visa-world/cases" "$DIR/visa-world/small"
"$BUILD/bench/bench-visa" csv "$DIR/visa-world" "$N"
mv "$DIR/visa-world/missions.csv" "$DIR/visa-world/persons.csv" \
    "$DIR/visa-world/people/"
mv "$DIR/visa-world/visas.csv" "$DIR/visa-world/cases/visas.csv"
head -n $((SMALL + 1)) "$DIR/visa-world/cases/visas.csv" \
    >"$DIR/visa-world/small/visas.csv"

rm -f "$DIR/visa-base.db"*
cp "$WORLD" "$DIR/visa-base.db"
CHANCERY_DB="$DIR/visa-base.db" ./chancery import "$DIR/visa-world/people" >/dev/null

# seconds CMD...: runs CMD, prints its wall time and its CPU time (user +
# system, all threads) in seconds: other work on this 2-core VM stretches
# the first, hardly the second.
seconds() {
    /usr/bin/time -f "%e %U %S" -o "$WORK/import-time" "$@" >/dev/null
    awk '{ printf "%.2f %.1f\n", $1, $2 + $3 }' "$WORK/import-time"
}

# import_rate CSV COUNT: imports CSV into fresh copies of the base
# registry RUNS times; prints the median rate (cases/s), the median wall
# time, then each run as WALL/CPU.
import_rate() {
    runs=""
    for i in $(seq "$RUNS"); do
        rm -f "$DIR/visa.db"*
        cp "$DIR/visa-base.db" "$DIR/visa.db"
        runs="$runs $(CHANCERY_DB="$DIR/visa.db" seconds ./chancery import "$1" | tr ' ' /)"
    done
    median=$(printf '%s\n' $runs | sort -n | sed -n "$(((RUNS + 1) / 2))p" | cut -d/ -f1)
    echo "$median $2" | awk -v runs="$runs" '{ printf "%.0f %.1f%s\n", $2 / $1, $1, runs }'
}

# plain_rate CSV COUNT: sqlite3 .import of CSV into an empty database.
plain_rate() {
    rm -f "$DIR/plain-visa.db"
    set -- "$1" "$2" $(seconds sh -c "printf '.mode csv\n.import %s visas\n' '$1' | sqlite3 '$DIR/plain-visa.db'")
    echo "$3 $2 $4" | awk '{ printf "%.0f %.1f %.1f\n", $2 / $1, $1, $3 }'
}

load() {
    cut -d' ' -f1-3 /proc/loadavg
}

set -- $(import_rate "$DIR/visa-world/small/visas.csv" "$SMALL")
small_rate=$1
echo "chancery import of $SMALL cases into the world's registry: $2 s = $1 cases/s (median of $RUNS, wall/CPU s:$(shift 2; echo " $*"); load $(load))"
set -- $(plain_rate "$DIR/visa-world/small/visas.csv" "$SMALL")
echo "sqlite3 .import of the same $SMALL cases, no validation: $2 s (CPU $3 s) = $1 cases/s; chancery/sqlite3 = $(echo "$small_rate $1" | awk '{ printf "%.2f", $1 / $2 }')x"
set -- $(import_rate "$DIR/visa-world/cases/visas.csv" "$N")
big_rate=$1
echo "chancery import of $N cases into the world's registry: $2 s = $1 cases/s (median of $RUNS, wall/CPU s:$(shift 2; echo " $*"); load $(load)); rate at $N / rate at $SMALL = $(echo "$big_rate $small_rate" | awk '{ printf "%.2f", $1 / $2 }')"
set -- $(plain_rate "$DIR/visa-world/cases/visas.csv" "$N")
echo "sqlite3 .import of the same $N cases, no validation: $2 s (CPU $3 s) = $1 cases/s; chancery/sqlite3 = $(echo "$big_rate $1" | awk '{ printf "%.2f", $1 / $2 }')x"

# one CMD...: "SECONDS KIB CPU-SECONDS" of one whole-process run.
one() {
    start=$(date +%s.%N)
    /usr/bin/time -f '%M %U %S' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" ||
        { cat "$WORK/err" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$start $end $(tail -n 1 "$WORK/time")" | awk '{ printf "%.4f %d %.2f\n", $2 - $1, $3, $4 + $5 }'
}

# timed WHAT CMD...: the median of five runs.
timed() {
    what=$1
    shift
    for i in 1 2 3 4 5; do one "$@"; done >"$WORK/runs"
    sort -n "$WORK/runs" | sed -n 3p | awk -v w="$what" '{ printf "%s: %.3f s (cpu %.2f s), peak %.0f MiB\n", w, $1, $3, $2 / 1024 }'
}

export CHANCERY_DB="$DIR/visa.db"
./chancery visa stats --by month >/dev/null # makes the image current
timed "chancery visa stats --by month, $N cases, current image" \
    ./chancery visa stats --by month --as-of 2025-01-01
timed "sqlite3 CLI, monthly counts and mean days to decision of the same cases" \
    sqlite3 "$DIR/plain-visa.db" "SELECT substr(applied, 1, 7) AS month,
        count(*), sum(outcome = 'issued'), sum(outcome = 'refused'),
        avg(julianday(decided) - julianday(applied))
        FROM visas WHERE applied <= '2025-01-01' GROUP BY month ORDER BY month"
