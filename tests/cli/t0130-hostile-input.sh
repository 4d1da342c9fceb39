#!/bin/sh
# Hostile input files (issue 11): what is no regular file (a FIFO, a
# device, a directory) in place of a CSV, policy or scenario file, and a
# file past the input cap, are each refused with exit 3, naming the file,
# at once and in bounded memory; nothing is written.
. tests/cli/lib.sh

setup_small
ch export "$TMP/before"

# expect_refused WHAT MESSAGE CHANCERY-ARGS...: exit 3 with MESSAGE.
expect_refused() {
    r_what=$1 r_msg=$2
    shift 2
    expect_exit 3 "$r_what: exit 3" "$@"
    expect_err "$r_what: named" "$r_msg"
}

mkdir -p "$TMP/h"
mkfifo "$TMP/h/missions.csv" "$TMP/h/p.json" "$TMP/h/s.json"
expect_refused "FIFO as CSV" "$TMP/h/missions.csv: a FIFO, not a regular file" \
    import "$TMP/h/missions.csv"
expect_refused "FIFO as policy" "$TMP/h/p.json: a FIFO, not a regular file" \
    policy add "$TMP/h/p.json"
expect_refused "FIFO as scenario" "$TMP/h/s.json: a FIFO, not a regular file" \
    forecast "$TMP/h/s.json"
rm -f "$TMP/h/missions.csv" "$TMP/h/p.json" "$TMP/h/s.json"

mkdir -p "$TMP/h/missions.csv" "$TMP/h/p.json"
expect_refused "directory as CSV" "$TMP/h/missions.csv: a directory, not a regular file" \
    import "$TMP/h/missions.csv"
expect_refused "directory as policy" "$TMP/h/p.json: a directory, not a regular file" \
    policy add "$TMP/h/p.json"
expect_refused "directory as scenario" "$TMP/h/p.json: a directory, not a regular file" \
    forecast "$TMP/h/p.json"
rmdir "$TMP/h/missions.csv" "$TMP/h/p.json"

ln -s /dev/zero "$TMP/h/persons.csv"
expect_refused "link to /dev/zero" "$TMP/h/persons.csv: a character device, not a regular file" \
    import "$TMP/h/persons.csv"
rm -f "$TMP/h/persons.csv"

# A 2 GB sparse file: refused at its first NUL byte, at once.
{ head -n 1 "$TMP/reg/persons.csv"; printf 'P9,'; } >"$TMP/h/persons.csv"
truncate -s 2G "$TMP/h/persons.csv"
expect_refused "sparse 2 GB CSV" "persons.csv:2: column 'family_name': a NUL byte: not a text file" \
    import "$TMP/h/persons.csv"
rm -f "$TMP/h/persons.csv"

# The cap on an input file's size, set lower for the test.
cp "$TMP/reg/persons.csv" "$TMP/h/persons.csv"
CHANCERY_MAX_INPUT=100 expect_refused "over the cap" \
    "persons.csv: 234 bytes, more than the 100 an input file may hold (CHANCERY_MAX_INPUT)" \
    import "$TMP/h/persons.csv"
CHANCERY_MAX_INPUT=100 expect_refused "policy over the cap" \
    "more than the 100 an input file may hold" \
    policy add "$TMP/h/persons.csv"
CHANCERY_MAX_INPUT=nonsense expect_exit 2 "a malformed cap is a usage error" \
    import "$TMP/h/persons.csv"

ch export "$TMP/after"
if diff -r "$TMP/before" "$TMP/after" >/dev/null; then ok "nothing was written"; else
    not_ok "nothing was written"; fi

done_testing
