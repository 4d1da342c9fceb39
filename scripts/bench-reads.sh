#!/bin/sh
# Reads after writes, whole process, on a registry that holds the generated
# world (scripts/bench.sh imports it; usage: scripts/bench-reads.sh DB).
# Each figure is the median of five runs, with the peak resident memory
# (GNU time's %M) of the last: the roster of one mission and the headcount
# of every pair with a current image; then the first read right after a
# one-row write (`posting end`), three times; then the first read after a
# 1,000-row import. Targets (issue 11): the read after a one-row write at
# most 1.5x the read before it, after a 1,000-row import at most 2x; the
# roster at most 10 ms and 30 MiB.
set -eu
DB=$1
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

mission=$(sqlite3 "$DB" "SELECT mission FROM postings WHERE ended IS NULL LIMIT 1")
postings=$(sqlite3 "$DB" "SELECT id FROM postings WHERE ended IS NULL ORDER BY rowid DESC LIMIT 3")

# one CMD...: prints "SECONDS KIB CPU-SECONDS" of one whole-process run
# (CPU: user plus system time, which a busy machine does not inflate).
one() {
    start=$(date +%s.%N)
    /usr/bin/time -f '%M %U %S' -o "$WORK/time" ./chancery "$@" >/dev/null 2>"$WORK/err" ||
        { cat "$WORK/err" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$start $end $(tail -n 1 "$WORK/time")" | awk '{ printf "%.4f %d %.2f\n", $2 - $1, $3, $4 + $5 }'
}

# timed WHAT CMD...: the median of five runs.
timed() {
    what=$1
    shift
    for i in 1 2 3 4 5; do one "$@"; done >"$WORK/runs"
    sort -n "$WORK/runs" | sed -n 3p | awk -v w="$what" '{ printf "%s: %.1f ms (cpu %.0f ms), peak %.0f MiB\n", w, $1 * 1000, $3 * 1000, $2 / 1024 }'
}

# first WHAT CMD...: the first run only (the one that folds the changes).
first() {
    what=$1
    shift
    start=$(date +%s.%N)
    CHANCERY_DEBUG_LOAD=1 /usr/bin/time -f '%M %U %S' -o "$WORK/time" ./chancery "$@" >/dev/null 2>"$WORK/err"
    end=$(date +%s.%N)
    # The load's source ("image+N changes"), and the blocks of the image
    # the read checked when it was mapped lazily (images of 4 MiB or more).
    src=$(grep -m 1 -E '^snapshot: (image|tables)' "$WORK/err" | cut -d' ' -f2-)
    blocks=$(sed -n 's/^snapshot: \([0-9]*\) blocks checked.*/, \1 blocks checked/p' "$WORK/err")
    echo "$start $end $(tail -n 1 "$WORK/time")" |
        awk -v w="$what" -v src="$src$blocks" '{ printf "%s: %.1f ms (cpu %.0f ms), peak %.0f MiB (%s)\n", w, ($2 - $1) * 1000, ($4 + $5) * 1000, $3 / 1024, src }'
}

./chancery roster "$mission" >/dev/null # makes the image current
timed "roster $mission, current image" roster "$mission"
timed "headcount of every pair, current image" headcount
for p in $postings; do
    start=$(date +%s.%N)
    ./chancery posting end "$p" --on 2025-12-31 --reason recalled >/dev/null
    end=$(date +%s.%N)
    echo "$start $end" | awk -v p="$p" '{ printf "one-row write (posting end %s): %.1f ms\n", p, ($2 - $1) * 1000 }'
    first "first roster after it" roster "$mission"
done
mkdir -p "$WORK/imp"
awk 'BEGIN { print "id,family_name,given_names,sex,birth_date,nationality,passport";
    srand(); r = int(rand() * 1000000);
    for (i = 0; i < 1000; i++) printf "BR%d_%d,Bench,Reader,F,1980-01-01,RUS,\n", r, i }' >"$WORK/imp/persons.csv"
./chancery import "$WORK/imp" >/dev/null
first "first roster after a 1,000-row import" roster "$mission"
timed "roster after that, current image" roster "$mission"
