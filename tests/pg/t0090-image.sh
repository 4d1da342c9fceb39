#!/bin/sh
# The snapshot image of a PostgreSQL registry (store/pg_image.c), under
# make check-pg only: kept in the cache folder (CHANCERY_CACHE_DIR), named
# from the database's identity, and used as SQLite's is: a read after
# another process's write maps it and folds in the log's tail instead of
# loading the tables (CHANCERY_DEBUG_LOAD=1 says how each load went), and
# answers the same bytes as a load from the tables. Two databases keep two
# files; a registry made again under the same name never trusts the old
# image; a cache folder that cannot be written leaves reads working from
# the tables, with no error; `audit verify` checks the image.
. tests/cli/lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
export CHANCERY_CACHE_DIR="$TMP/cache"

setup_small
rm -rf "$CHANCERY_CACHE_DIR" # the import's writer wrote an image there
n_images() { find "$CHANCERY_CACHE_DIR" -name '*.snapshot' 2>/dev/null | wc -l; }
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables"
CHANCERY_DEBUG_LOAD=1 ch export "$TMP/first"
expect_err "a read with no image loads the tables" "snapshot: tables"
if [ "$(n_images)" -eq 1 ]; then ok "and writes an image in the cache folder"; else
    ls -la "$CHANCERY_CACHE_DIR" | sed 's/^/# /'; not_ok "and writes an image in the cache folder"; fi
img=$(find "$CHANCERY_CACHE_DIR" -name '*.snapshot')
mode=$(stat -c %a "$CHANCERY_CACHE_DIR")
if [ "$mode" = 700 ]; then ok "the cache folder is made 0700"; else not_ok "the cache folder is made 0700 ($mode)"; fi
CHANCERY_DEBUG_LOAD=1 ch export "$TMP/second"
expect_err "the next read maps the image" "snapshot: image+0 changes"
if diff -r "$TMP/tables" "$TMP/second" >/dev/null; then ok "and answers as the tables"; else not_ok "and answers as the tables"; fi

# Writes by other processes: an insert and an update.
expect_exit 0 "another process adds a person" person add --id P9 --family-name Ninth
expect_exit 0 "and ends a posting" posting end T2 --on 2021-12-04 --reason recalled
CHANCERY_DEBUG_LOAD=1 ch headcount --as-of 2021-12-04
expect_err "a read after them folds them into the image" "snapshot: image+2 changes"
cp "$TMP/out" "$TMP/head.image"
CHANCERY_SNAPSHOT_CACHE=never CHANCERY_DEBUG_LOAD=1 ch headcount --as-of 2021-12-04
expect_err "(a fresh load reads the tables)" "snapshot: tables"
expect_same "the headcount is the same bytes as from the tables" "$TMP/head.image" "$TMP/out"
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables2"
CHANCERY_DEBUG_LOAD=1 ch export "$TMP/image2"
expect_err "an export folds them too" "snapshot: image+2 changes"
if diff -r "$TMP/tables2" "$TMP/image2" >/dev/null; then ok "and exports the tables' bytes"; else
    diff -r "$TMP/tables2" "$TMP/image2" | head | sed 's/^/# /'; not_ok "and exports the tables' bytes"; fi
CHANCERY_DEBUG_LOAD=1 ch posting show T2
expect_out "the update is seen" "recalled"

expect_exit 0 "audit verify passes" audit verify
expect_out "and checks the image against the tables" "the snapshot image matches the tables"

# An image forged with its checksums made again: reads trust it (the
# checksums guard against accident), `audit verify` finds it out.
cp "$img" "$TMP/good.snapshot"
python3 tests/pg/reseal.py "$img" Antonov Antonxv
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(the forged image is read)" "snapshot: image+"
expect_exit 3 "audit verify refuses a forged image" audit verify
expect_err "naming the record and field" "differs from the tables at person 'P1', field 'family_name'"
cp "$TMP/good.snapshot" "$img"

# A second database on the same cluster keeps a file of its own.
other="${pg_db}_b"
psql -d postgres -qXc "CREATE DATABASE $other" >/dev/null
trap 'rm -rf "$TMP"; psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1; psql -d postgres -qXc "DROP DATABASE $other WITH (FORCE)" >/dev/null 2>&1' EXIT
expect_exit 0 "a second registry on the cluster" --db "postgresql:///$other" init
expect_exit 0 "with a person of its own" --db "postgresql:///$other" person add --id P1 --family-name Other
CHANCERY_DEBUG_LOAD=1 ch --db "postgresql:///$other" person show P1
expect_out "answers from its own registry" "Other"
if [ "$(n_images)" -eq 2 ]; then ok "and keeps its image in another file"; else not_ok "and keeps its image in another file ($(n_images))"; fi
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "the first registry still uses its image" "snapshot: image+"
expect_out "and answers its own" "Antonov"

# The registry made again under the same name, with as many changes as
# before but other ones, and the old image put back: it names a head (seq)
# the new log has, with another hash, so it is never trusted.
seq=$(db_sql "SELECT max(seq) FROM changes")
rm "$img"
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(an image written at the head)" "snapshot: tables"
cp "$img" "$TMP/old.snapshot"
db_reset
setup_small
expect_exit 0 "a registry made again under the same name" person add --id P9 --family-name Impostor
expect_exit 0 "with an update" posting end T2 --on 2021-12-04 --reason ordered_departure
seq2=$(db_sql "SELECT max(seq) FROM changes")
if [ "$seq" = "$seq2" ]; then ok "has a log as long ($seq)"; else not_ok "has a log as long ($seq, $seq2)"; fi
cp "$TMP/old.snapshot" "$img"
CHANCERY_DEBUG_LOAD=1 ch person show P9
expect_err "reads the tables, not the old registry's image" "snapshot: tables"
expect_out "and answers the new registry" "Impostor"
CHANCERY_DEBUG_LOAD=1 ch person show P9
expect_err "then uses the image it wrote" "snapshot: image+0 changes"
expect_out "with the new registry" "Impostor"
expect_exit 0 "audit verify passes on it" audit verify
expect_out "checking the new image" "the snapshot image matches the tables"

# Made again with fewer changes: the old image's head is past the log's,
# so it is not used.
db_reset
setup_small
cp "$TMP/old.snapshot" "$img"
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "a shorter registry under the same name reads the tables" "snapshot: tables"
expect_exit 3 "and has no such person as the old one had" person show P9
cp "$TMP/old.snapshot" "$img"
expect_exit 0 "audit verify passes with the old image there" audit verify
expect_out "finding no usable image" "no usable snapshot image"

# A cache folder that cannot be made: reads load the tables, no error.
: >"$TMP/file"
CHANCERY_CACHE_DIR="$TMP/file/cache" CHANCERY_DEBUG_LOAD=1 ch export "$TMP/nocache"
if [ "$ch_rc" -eq 0 ]; then ok "a read with no usable cache folder works"; else not_ok "a read with no usable cache folder works"; fi
expect_err "loading the tables" "snapshot: tables"
if [ "$(grep -vc '^snapshot: ' "$TMP/err")" -eq 0 ]; then ok "with nothing on stderr"; else not_ok "with nothing on stderr"; fi
CHANCERY_CACHE_DIR="$TMP/file/cache" ch audit verify
expect_out "audit verify says no image is kept" "no snapshot image: reads load from the tables"

# A folder of another's, or one others may write to, is not used.
mkdir -p "$TMP/open"
chmod 777 "$TMP/open"
CHANCERY_CACHE_DIR="$TMP/open" CHANCERY_DEBUG_LOAD=1 ch export "$TMP/open-read"
expect_err "a folder others may write to is not used" "snapshot: tables"
if [ -z "$(ls "$TMP/open")" ]; then ok "and nothing is written there"; else not_ok "and nothing is written there"; fi

# A folder of the user's that cannot be written (as root, permissions
# do not stop a write: a read-only bind is not at hand, so only when not
# root): the image there is still used, none is written.
if [ "$(id -u)" -ne 0 ]; then
    mkdir -p "$TMP/ro"
    CHANCERY_CACHE_DIR="$TMP/ro" ch export "$TMP/ro-warm"
    chmod 500 "$TMP/ro"
    expect_exit 0 "a write with a read-only cache folder" person add --id P8 --family-name Eighth
    CHANCERY_CACHE_DIR="$TMP/ro" CHANCERY_DEBUG_LOAD=1 ch person show P8
    expect_err "folds into the image there" "snapshot: image+1 changes"
    if [ "$(grep -vc '^snapshot: ' "$TMP/err")" -eq 0 ]; then ok "with no error"; else not_ok "with no error"; fi
    chmod 700 "$TMP/ro"
fi
done_testing
