#!/bin/sh
# Moving a registry between backends (issue 15): the demo registry in an
# SQLite file, exported, imported into the test's registry ($CHANCERY_DB:
# PostgreSQL under make check-pg, another SQLite file under make check),
# exported again: the same bytes, the change log (changelog.jsonl)
# included, which an import into an empty registry carries over
# (docs/registry.md, "Moving a registry"). Then back into a fresh SQLite
# file: the same bytes again. audit verify passes on each. A bad
# changelog.jsonl fails the import (exit 3, file, line and field named,
# nothing written); into a registry with records of its own, the import
# records its own entries and says the file was not carried over.
. tests/cli/lib.sh

src="$TMP/source.db"
CHANCERY_DB="$src" "$CHANCERY" demo >/dev/null 2>"$TMP/err" ||
    { not_ok "the demo registry"; done_testing; exit 0; }
CHANCERY_DB="$src" expect_exit 0 "export from SQLite" export "$TMP/a"
expect_exit 0 "a fresh registry" init
expect_exit 0 "the export imports" import "$TMP/a"
expect_err "its change log carried over" "the change log of $TMP/a/changelog.jsonl carried over"
expect_exit 0 "export from it" export "$TMP/b"
if diff -r "$TMP/a" "$TMP/b" >"$TMP/diff"; then ok "the same bytes, the change log included"; else
    head -n 20 "$TMP/diff" | cut -c1-200 | sed 's/^/# /'; not_ok "the same bytes, the change log included"; fi
expect_exit 0 "audit verify passes on it" audit verify
CHANCERY_DB="$src" ch audit checkpoint
head -n 3 "$TMP/out" >"$TMP/cp.src"
ch audit checkpoint
head -n 3 "$TMP/out" >"$TMP/cp.dst"
expect_same "the same checkpoint (size and root)" "$TMP/cp.src" "$TMP/cp.dst"
back="$TMP/back.db"
CHANCERY_DB="$back" expect_exit 0 "back into SQLite" init
CHANCERY_DB="$back" expect_exit 0 "imports" import "$TMP/b"
CHANCERY_DB="$back" expect_exit 0 "and exports" export "$TMP/c"
if diff -r "$TMP/a" "$TMP/c" >"$TMP/diff"; then ok "the same bytes after the round trip"; else
    head -n 20 "$TMP/diff" | cut -c1-200 | sed 's/^/# /'; not_ok "the same bytes after the round trip"; fi
CHANCERY_DB="$back" expect_exit 0 "audit verify passes there" audit verify
CHANCERY_DB="$src" expect_exit 0 "and on the source" audit verify

# A write after the move goes on from the carried-over head.
expect_exit 0 "a write after the move" person add --id PX1 --family-name Test \
    --given-names Moved --sex F --birth-date 1990-01-01 --nationality RUS
expect_exit 0 "audit verify passes after it" audit verify

# bad NAME SED WHAT [FILE]: a copy of the export with FILE (changelog.jsonl)
# edited by SED must be refused into a fresh registry, naming WHAT,
# nothing written.
bad() {
    rm -rf "$TMP/$1"
    cp -r "$TMP/a" "$TMP/$1"
    sed -i "$2" "$TMP/$1/${4:-changelog.jsonl}"
    db_reset
    ch init
    expect_exit 3 "$1: refused" import "$TMP/$1"
    expect_err "$1: says where" "$3"
    ch export "$TMP/$1.out"
    if [ ! -s "$TMP/$1.out/missions.csv" ] || [ "$(wc -l <"$TMP/$1.out/missions.csv")" -le 1 ]; then
        ok "$1: nothing written"; else not_ok "$1: nothing written"; fi
}
bad json '5s/.*/{"seq": 5,/' "$TMP/json/changelog.jsonl:5: not a change-log entry"
bad gap '40d' "$TMP/gap/changelog.jsonl:40: field 'seq': 41 where 40 was expected"
bad chain '300s/"key":"/"key":"X/' "$TMP/chain/changelog.jsonl:300: field 'hash': does not match"
bad field '7s/"op":"insert"/"op":7/' "$TMP/field/changelog.jsonl:7: field 'op'"
last=$(grep -n '"entity":"person"' "$TMP/a/changelog.jsonl" | tail -n 1 | cut -d: -f1)
bad truncated "${last},\$d" "is in no entry of the log"
# The registry files changed, the log not: the record and its entry named.
id=$(sed -n 2p "$TMP/a/persons.csv" | cut -d, -f1)
line=$(grep -n "\"entity\":\"person\",\"key\":\"$id\"" "$TMP/a/changelog.jsonl" | tail -n 1 | cut -d: -f1)
bad files '2s/^\([^,]*\),[^,]*,/\1,Forged,/' \
    "$TMP/files/changelog.jsonl:$line: field 'after': person '$id' differs from the registry files" persons.csv

# Into a registry with records of its own: the files import as before, the
# log is not carried over, and the import says so.
db_reset
ch init
mkdir -p "$TMP/more"
cp "$TMP/a/changelog.jsonl" "$TMP/more/"
printf 'id,family_name,given_names,sex,birth_date,nationality,passport\nPN1,New,Person,F,1990-01-01,RUS,\n' >"$TMP/more/persons.csv"
expect_exit 0 "a person of its own" person add --id PX1 --family-name Own \
    --sex F --birth-date 1990-01-01 --nationality RUS
expect_exit 0 "an export directory imports into it" import "$TMP/more"
expect_err "the log is not carried over, and it says so" "$TMP/more/changelog.jsonl not carried over: the registry has a change log of its own"
ch history person PN1
expect_out "the import is its own entry" "import"
expect_exit 0 "audit verify passes" audit verify

done_testing
