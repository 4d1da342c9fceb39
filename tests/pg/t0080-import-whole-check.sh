#!/bin/sh
# The bulk import's whole-table reference check on PostgreSQL (store/
# sql_pg.c, pg_batch_begin's `whole`): a change set of 50,000 changes or
# more, written by a superuser, has the row-by-row reference checks of
# the tables it COPYs into turned off, and before COMMIT each reference
# is checked with one anti-join. chancery's own checks refuse a dangling
# reference before anything is written, so the test's hook
# CHANCERY_TEST_PG_DROP_ROW leaves out a person's row that postings
# refer to: the import must be refused, the posting and the missing
# person named, nothing written, and the triggers back on.
# make check-pg only.
. tests/cli/lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
GEN=${BUILD:-build}/bench/gen-world
[ -x "$GEN" ] || GEN=$(dirname "$CHANCERY")/bench/gen-world
[ -x "$GEN" ] || { echo "1..0 # SKIP bench/gen-world is not built"; exit 0; }
export CHANCERY_TODAY=2025-12-31 # the generated world's today
ch init || not_ok "init"
"$GEN" --postings 100 --persons 150 "$TMP/world" >/dev/null 2>&1 || not_ok "gen-world"
[ "$(db_sql "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] ||
    { echo "# not a superuser: the whole check is not used"; done_testing; exit 0; }
person=$(sed -n 2p "$TMP/world/postings.csv" | cut -d, -f2)
rows() {
    db_sql "SELECT (SELECT count(*) FROM missions) + (SELECT count(*) FROM persons) + (SELECT count(*) FROM postings) + (SELECT count(*) FROM changes)"
}
before=$(rows)

CHANCERY_TEST_PG_DROP_ROW="persons $person" "$CHANCERY" import "$TMP/world" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ]; then ok "the import is refused (exit $rc)"; else not_ok "the import is refused"; fi
if grep -q "refers to a missing row of persons" "$TMP/err" && grep -qF "'$person'" "$TMP/err"; then
    ok "the dangling reference is named"
else
    sed 's/^/# /' "$TMP/err"; not_ok "the dangling reference is named"
fi
n=$(rows)
if [ "$n" = "$before" ]; then ok "nothing was written"; else not_ok "nothing was written ($n rows, $before before)"; fi
off=$(db_sql "SELECT count(*) FROM pg_trigger WHERE NOT tgenabled = 'O' AND tgrelid IN ('postings'::regclass, 'persons'::regclass, 'missions'::regclass, 'dependents'::regclass)")
if [ "$off" = 0 ]; then ok "the reference triggers are on again"; else not_ok "the reference triggers are on again ($off off)"; fi

# The change log's index by key, dropped for the load of a nearly empty
# table and made again before COMMIT, is back after the refusal too.
keyidx() {
    db_sql "SELECT pg_get_indexdef('changes_key'::regclass)"
}
if [ "$(keyidx)" = "CREATE INDEX changes_key ON public.changes USING btree (key)" ]; then
    ok "the change log's index is there after the refusal"
else
    not_ok "the change log's index is there after the refusal ($(keyidx))"
fi

# The same import without the hook goes through whole.
if ch import "$TMP/world"; then ok "the import goes through"; else not_ok "the import goes through"; fi
if [ "$(keyidx)" = "CREATE INDEX changes_key ON public.changes USING btree (key)" ]; then
    ok "the change log's index is made again"
else
    not_ok "the change log's index is made again ($(keyidx))"
fi
n=$(db_sql "SELECT count(*) FROM changes WHERE key = '$person'")
m=$(db_sql "SET enable_seqscan = off; SELECT count(*) FROM changes WHERE key = '$person'")
if [ "$n" -ge 1 ] && [ "$n" = "$m" ]; then ok "the index finds the person's changes"; else not_ok "the index finds the person's changes ($n, $m)"; fi
a=$(db_sql "SELECT count(*) FROM pg_stats WHERE tablename IN ('changes', 'persons', 'postings') AND attname IN ('seq', 'id')")
if [ "$a" = 3 ]; then ok "the tables written have statistics"; else not_ok "the tables written have statistics ($a)"; fi
if ch audit verify; then ok "audit verify passes"; else not_ok "audit verify passes"; fi
done_testing
