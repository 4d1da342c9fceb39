#!/bin/sh
# The files of the PostgreSQL image cache (store/pg_image.c), in a
# temporary CHANCERY_CACHE_DIR. An image is written to a temporary file of
# a unique name in the folder (mkstemp), not PATH.PID, which two machines
# sharing a home over NFS could both use: a file of that name belongs to
# someone else and is left alone. Writing an image also removes our
# temporary files older than a day (a process killed while writing) and
# the images no one has used for 30 days (the later of their access and
# modification times; opening a registry marks its image used), never the
# one being written, nor files that are not the cache's. make check-pg only.
. tests/cli/lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
export CHANCERY_CACHE_DIR="$TMP/cache"
setup_small
rm -rf "$CHANCERY_CACHE_DIR"
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(a first read writes the image)" "snapshot: tables"
img=$(find "$CHANCERY_CACHE_DIR" -name 'pg-*.snapshot')
rm -f "$img"

# Another machine's temporary file named as ours would be (PATH.PID, the
# PID being the one chancery is exec'd with).
sh -c 'echo other >"$1.$$"; CHANCERY_DEBUG_LOAD=1 exec "$2" person show P1 >/dev/null 2>"$3"' sh \
    "$img" "$CHANCERY" "$TMP/err"
expect_err "(a read loads the tables)" "snapshot: tables"
if [ -f "$img" ]; then ok "and writes the image beside another's PATH.PID"; else
    ls -la "$CHANCERY_CACHE_DIR" | sed 's/^/# /'; not_ok "and writes the image beside another's PATH.PID"; fi
other=$(find "$CHANCERY_CACHE_DIR" -name 'pg-*.snapshot.*' | head -1)
if [ -n "$other" ] && [ "$(cat "$other")" = other ]; then ok "leaving that file as it was"; else
    not_ok "leaving that file as it was"; fi
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "the image is used" "snapshot: image+0 changes"

# Stale and unused files, and some that must stay.
d=$CHANCERY_CACHE_DIR
: >"$d/pg-0000.snapshot.AbC123"; touch -d '2 days ago' "$d/pg-0000.snapshot.AbC123"
: >"$d/pg-0000.snapshot.XyZ789"; touch -d '2 hours ago' "$d/pg-0000.snapshot.XyZ789"
: >"$d/pg-1111.snapshot"; touch -d '40 days ago' "$d/pg-1111.snapshot"
: >"$d/pg-2222.snapshot"; touch -d '20 days ago' "$d/pg-2222.snapshot"
: >"$d/pg-3333.snapshot"; touch -m -d '40 days ago' "$d/pg-3333.snapshot"
touch -a -d '2 days ago' "$d/pg-3333.snapshot"
: >"$d/notes.txt"; touch -d '90 days ago' "$d/notes.txt"
touch -d '40 days ago' "$img"
rm -f "$other"
expect_exit 0 "a write" person add --id P9 --family-name Ninth
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(a read: the registry's image, though its times were old, is kept)" "snapshot: image+1 changes"
# A fold that writes an image: a sixteenth of the registry.
mkdir -p "$TMP/more"
awk 'BEGIN { print "id,family_name,given_names,sex,birth_date,nationality,passport";
    for (i = 1; i <= 40; i++) printf "Q%d,Family%d,Given,F,1980-01-01,RUS,\n", i, i }' >"$TMP/more/persons.csv"
expect_exit 0 "an import of 40 persons" import "$TMP/more"
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(a read folds them and writes the image)" "snapshot: image+41 changes"
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(the image was written)" "snapshot: image+0 changes"
gone() { if [ -e "$d/$1" ]; then not_ok "$2"; else ok "$2"; fi; }
kept() { if [ -e "$d/$1" ]; then ok "$2"; else not_ok "$2"; fi; }
gone pg-0000.snapshot.AbC123 "writing it removed a temporary file two days old"
kept pg-0000.snapshot.XyZ789 "but not one two hours old"
gone pg-1111.snapshot "an image unused for 40 days"
kept pg-2222.snapshot "but not one unused for 20 days"
kept pg-3333.snapshot "nor one modified 40 days ago but read 2 days ago"
kept notes.txt "nor a file that is not the cache's"
if [ -f "$img" ]; then ok "the registry's image is there"; else not_ok "the registry's image is there"; fi
if [ -z "$(find "$d" -name 'pg-*.snapshot.*' ! -name 'pg-0000*')" ]; then ok "and no temporary file of its own"; else
    ls -la "$d" | sed 's/^/# /'; not_ok "and no temporary file of its own"; fi
done_testing
