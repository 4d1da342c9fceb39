#!/bin/sh
# Readers never fail because of a writer, and writers wait for each other
# (docs/registry.md, "Concurrency"). CHANCERY_TEST_PAUSE_COMMIT=FILE holds
# a writer just before its commit until FILE is removed, so that each case
# below happens while a change set is open, without timing.
. tests/cli/lib.sh

setup_small
export CHANCERY_SNAPSHOT_CACHE=${CHANCERY_SNAPSHOT_CACHE:-}

# wait_for FILE [TEXT]: until FILE exists (and holds TEXT); 60 s at most.
wait_for() {
    i=0
    while [ $i -lt 1200 ]; do
        if [ -e "$1" ] && { [ $# -lt 2 ] || grep -qF -- "$2" "$1"; }; then return 0; fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

pause="$TMP/pause"
CHANCERY_TEST_PAUSE_COMMIT="$pause" "$CHANCERY" posting end T2 --on 2021-12-04 --reason recalled >"$TMP/w1.out" 2>"$TMP/w1.err" &
w1=$!
wait_for "$pause" || not_ok "the first writer reaches its commit"
expect_exit 0 "a read while a writer is at its commit succeeds" posting show T2
if grep -qF recalled "$TMP/out"; then not_ok "and sees the last committed state"; else ok "and sees the last committed state"; fi
"$CHANCERY" posting end T4 --on 2021-12-04 --reason recalled >"$TMP/w2.out" 2>"$TMP/w2.err" &
w2=$!
if wait_for "$TMP/w2.err" "waiting for another writer"; then ok "a second writer says it waits"; else not_ok "a second writer says it waits"; fi
rm -f "$pause"
wait $w1; rc1=$?
wait $w2; rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]; then ok "two writers to different records both succeed"; else
    echo "# exits $rc1 $rc2"; cat "$TMP/w1.err" "$TMP/w2.err" | sed 's/^/# /'; not_ok "two writers to different records both succeed"; fi
ch posting show T4
expect_out "the second write is in" "recalled"

# Two writers to one record: one succeeds, the other is refused cleanly.
# The second is refused because the record changed while it ran; on a
# loaded machine it may instead read the registry only after the first
# committed, and then the posting has ended: a clean refusal too.
CHANCERY_TEST_PAUSE_COMMIT="$pause" "$CHANCERY" posting end T5 --on 2021-12-04 --reason recalled >"$TMP/w1.out" 2>"$TMP/w1.err" &
w1=$!
wait_for "$pause" || not_ok "the first writer reaches its commit"
"$CHANCERY" posting end T5 --on 2021-12-03 --reason persona_non_grata >"$TMP/w2.out" 2>"$TMP/w2.err" &
w2=$!
wait_for "$TMP/w2.err" "waiting for another writer"
rm -f "$pause"
wait $w1; rc1=$?
wait $w2; rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -ne 0 ] && grep -qE "changed while this command ran|already ended on 2021-12-04" "$TMP/w2.err"; then
    ok "two writes to one record: one clean refusal"; else
    echo "# exits $rc1 $rc2"; cat "$TMP/w2.err" | sed 's/^/# /'; not_ok "two writes to one record: one clean refusal"; fi
ch posting show T5
expect_out "the first write stands" "recalled"

# Twenty writers on twenty postings at once: all succeed.
mkdir -p "$TMP/more"
{
    echo "id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason"
    i=10
    while [ $i -lt 30 ]; do
        echo "T$i,P$((i % 5 + 1)),RUS-UN,Attache $i,attache,admin_technical,false,2020-03-01,2020-03-15,2020-03-16,,,"
        i=$((i + 1))
    done
} >"$TMP/more/postings.csv"
expect_exit 0 "twenty more postings" import "$TMP/more"
pids=""
i=10
while [ $i -lt 30 ]; do
    "$CHANCERY" posting end "T$i" --on 2021-12-04 --reason recalled >"$TMP/p$i.out" 2>"$TMP/p$i.err" &
    pids="$pids $!"
    i=$((i + 1))
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
if [ $failed -eq 0 ]; then ok "twenty concurrent writers to twenty postings all succeed"; else
    cat "$TMP"/p*.err | sort | uniq -c | sed 's/^/# /'; not_ok "twenty concurrent writers ($failed refused)"; fi
expect_exit 0 "the log is intact" audit verify
# A PostgreSQL registry keeps no image (store/internal.h, images_kept).
if sqlite_only; then expect_out "and the image matches" "snapshot image matches"; fi

# A read while an import is at its commit (a bulk write: over 50,000 rows).
mkdir -p "$TMP/big"
awk 'BEGIN { print "id,family_name,given_names,sex,birth_date,nationality,passport";
             for (i = 0; i < 60000; i++) printf "B%d,Bulk,Person,F,1980-01-01,RUS,\n", i }' >"$TMP/big/persons.csv"
CHANCERY_TEST_PAUSE_COMMIT="$pause" "$CHANCERY" import "$TMP/big" >"$TMP/w1.out" 2>"$TMP/w1.err" &
w1=$!
wait_for "$pause" || not_ok "the import reaches its commit"
expect_exit 0 "a read during an import succeeds" person list --format csv
if grep -qF B59999 "$TMP/out"; then not_ok "and sees the state before it"; else ok "and sees the state before it"; fi
rm -f "$pause"
wait $w1 || not_ok "the import commits"
ch person show B59999
expect_out "after the commit the import is seen" "Bulk"
if sqlite_only; then
    if [ "$(sqlite3 "$CHANCERY_DB" 'PRAGMA journal_mode')" = wal ]; then ok "the registry stays in WAL"; else not_ok "the registry stays in WAL"; fi
fi

done_testing
