#!/bin/sh
# The snapshot image (store/pg_image.c) with a streaming standby on the
# same machine, under make check-pg only. A primary and its standby are
# one cluster copied (one system identifier), so they share one image
# file; the standby is held behind the primary (pg_wal_replay_pause).
#  - An image the lagging standby wrote is behind the primary's log: the
#    primary brings it forward with the log's tail and answers as its
#    tables.
#  - An image the primary wrote is ahead of the standby's log: the
#    standby does not trust it (its log lacks that head), answers from its
#    tables, and leaves the image as it is for the primary.
. tests/cli/lib.sh
. tests/pg/cluster.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
export CHANCERY_CACHE_DIR="$TMP/cache"

setup_small
if standby_start; then
    ok "a standby follows the primary"
else
    sed "s/^/# /" "$TMP/bb.log" "$sdir/log" 2>/dev/null; not_ok "a standby follows the primary"; stop_standby; done_testing; exit 0
fi
on_standby() { psql -d "$standby" -AtqX -c "$1"; }
# wait_standby ID: until the standby shows person ID.
wait_standby() {
    i=0
    until "$CHANCERY" --db "$standby" person show "$1" >/dev/null 2>&1 || [ $i -ge 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
}
n_images() { find "$CHANCERY_CACHE_DIR" -name '*.snapshot' 2>/dev/null | wc -l; }

ch person add --id P77 --family-name Replicated
wait_standby P77
on_standby "SELECT pg_wal_replay_pause()" >/dev/null
expect_exit 0 "the primary writes on" person add --id P78 --family-name Later
expect_exit 0 "an update too" posting end T2 --on 2021-12-04 --reason recalled

# The standby, behind, writes an image of what it holds.
rm -rf "$CHANCERY_CACHE_DIR"
CHANCERY_DEBUG_LOAD=1 ch --db "$standby" person show P77
expect_err "the standby loads its tables" "snapshot: tables"
expect_exit 3 "it is behind the primary" --db "$standby" person show P78
if [ "$(n_images)" -eq 1 ]; then ok "it wrote an image"; else not_ok "it wrote an image ($(n_images))"; fi

# The primary brings the standby's image forward.
CHANCERY_DEBUG_LOAD=1 ch headcount --as-of 2021-12-04
expect_err "the primary folds the log's tail into the standby's image" "snapshot: image+2 changes"
cp "$TMP/out" "$TMP/head.image"
CHANCERY_SNAPSHOT_CACHE=never ch headcount --as-of 2021-12-04
expect_same "and answers as its tables" "$TMP/head.image" "$TMP/out"
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables"
ch export "$TMP/image"
if diff -r "$TMP/tables" "$TMP/image" >/dev/null; then ok "an export is the tables' bytes"; else not_ok "an export is the tables' bytes"; fi
if [ "$(n_images)" -eq 1 ]; then ok "one file for the primary and its standby"; else not_ok "one file for the primary and its standby ($(n_images))"; fi

# An image at the primary's head, ahead of the standby.
rm -rf "$CHANCERY_CACHE_DIR"
CHANCERY_DEBUG_LOAD=1 ch person show P78
expect_err "the primary writes an image at its head" "snapshot: tables"
CHANCERY_DEBUG_LOAD=1 ch --db "$standby" posting show T2
expect_err "the standby does not trust an image ahead of it" "snapshot: tables"
expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then not_ok "$1"; else ok "$1"; fi
}
expect_not_out "and answers as of its own log" "recalled"
CHANCERY_DEBUG_LOAD=1 ch person show P78
expect_err "it left the primary's image as it was" "snapshot: image+0 changes"

# Caught up, the standby uses the primary's image.
on_standby "SELECT pg_wal_replay_resume()" >/dev/null
wait_standby P78
CHANCERY_DEBUG_LOAD=1 ch --db "$standby" posting show T2
expect_err "the standby, caught up, maps the image" "snapshot: image+0 changes"
expect_out "and sees the update" "recalled"
expect_exit 0 "audit verify on the primary checks the image" audit verify
expect_out "against its tables" "the snapshot image matches the tables"
stop_standby

done_testing
