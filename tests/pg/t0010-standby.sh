#!/bin/sh
# A streaming standby (issue 15, "Replication"), under make check-pg only:
# pg_basebackup -R copies the harness's cluster and follows it. Reads
# against the standby show what the primary wrote; a write there is
# refused with a clear message, exit 1, and nothing is written. `audit
# verify` works there too, read-only: all but the schema, which is the
# primary's catalog copied and checked on the primary.
. tests/cli/lib.sh
. tests/pg/cluster.sh

setup_small
if standby_start; then
    ok "a standby follows the primary"
else
    sed "s/^/# /" "$TMP/bb.log" "$sdir/log" 2>/dev/null; not_ok "a standby follows the primary"; stop_standby; done_testing; exit 0
fi

# A write on the primary reaches the standby (asynchronous: wait for it).
ch person add --id P77 --family-name Replicated
i=0
until "$CHANCERY" --db "$standby" person show P77 >/dev/null 2>&1 || [ $i -ge 600 ]; do
    sleep 0.1; i=$((i + 1))
done
expect_exit 0 "the standby answers reads" --db "$standby" person show P77
expect_out "with the primary's writes" "Replicated"
expect_exit 0 "a roster on the standby" --db "$standby" roster RUS-WAS --as-of 2021-12-04
expect_exit 1 "a write on the standby is refused" --db "$standby" person add --id P78 --family-name Refused
expect_err "as a read-only standby" "is a read-only standby: writes go to the primary"
expect_exit 3 "nothing was written" person show P78
expect_exit 0 "the primary verifies" audit verify
cp "$TMP/out" "$TMP/primary.verify"
# Verifying is a read: it works on the standby, writing nothing there.
# The schema is the primary's catalog, copied: it is checked there.
expect_exit 0 "the standby verifies" --db "$standby" audit verify
expect_out "its chain" "the hash chain is intact"
expect_out "saying its schema is checked on the primary" "schema: not checked on a standby"
grep -v '^schema' "$TMP/primary.verify" >"$TMP/p.rest"
grep -v '^schema' "$TMP/out" >"$TMP/s.rest"
expect_same "and answering as the primary for the rest" "$TMP/p.rest" "$TMP/s.rest"
stop_standby

done_testing
