#!/bin/sh
# A large import on PostgreSQL streams its rows (store/pg_copy.c,
# pg_batch_send): each 4 MiB of rows goes to the server with COPY on a
# thread of its own while the next rows are made, and the failure of such
# a COPY shows at the next flush. All-or-nothing still: a row the
# database refuses in a COPY sent while the import went on (here a CHECK
# added behind chancery's back refuses the second person, in the first
# 4 MiB of a 30,000-person file) fails the import, nothing is written, and
# the same import without it goes through whole.
# make check-pg only.
. tests/cli/lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
GEN=${BUILD:-build}/bench/gen-world
[ -x "$GEN" ] || GEN=$(dirname "$CHANCERY")/bench/gen-world
[ -x "$GEN" ] || { echo "1..0 # SKIP bench/gen-world is not built"; exit 0; }
export CHANCERY_TODAY=2025-12-31 # the generated world's today
ch init || not_ok "init"
"$GEN" --postings 20000 --persons 30000 "$TMP/world" >/dev/null 2>&1 || not_ok "gen-world"
person=$(sed -n 3p "$TMP/world/persons.csv" | cut -d, -f1)
rows() {
    db_sql "SELECT (SELECT count(*) FROM missions) + (SELECT count(*) FROM persons) + (SELECT count(*) FROM postings) + (SELECT count(*) FROM dependents) + (SELECT count(*) FROM changes) + (SELECT count(*) FROM change_sets) + (SELECT count(*) FROM tlog_leaves)"
}
before=$(rows)

db_sql "ALTER TABLE persons ADD CONSTRAINT t0081_refused CHECK (id <> '$person')" >/dev/null
"$CHANCERY" import "$TMP/world" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ]; then ok "the import is refused (exit $rc)"; else not_ok "the import is refused"; fi
if grep -q 't0081_refused' "$TMP/err"; then
    ok "the database's refusal is told"
else
    sed 's/^/# /' "$TMP/err"; not_ok "the database's refusal is told"
fi
n=$(rows)
if [ "$n" = "$before" ]; then ok "nothing was written"; else not_ok "nothing was written ($n rows, $before before)"; fi
off=$(db_sql "SELECT count(*) FROM pg_trigger WHERE NOT tgenabled = 'O' AND tgrelid IN ('postings'::regclass, 'persons'::regclass, 'missions'::regclass, 'dependents'::regclass, 'changes'::regclass)")
if [ "$off" = 0 ]; then ok "the reference triggers are on again"; else not_ok "the reference triggers are on again ($off off)"; fi

db_sql "ALTER TABLE persons DROP CONSTRAINT t0081_refused" >/dev/null
if ch import "$TMP/world"; then ok "the import goes through"; else not_ok "the import goes through"; fi
want=$(($(cat "$TMP"/world/*.csv | wc -l) - 4))
n=$(db_sql "SELECT (SELECT count(*) FROM missions) + (SELECT count(*) FROM persons) + (SELECT count(*) FROM postings) + (SELECT count(*) FROM dependents)")
if [ "$n" = "$want" ]; then ok "every row is written ($n)"; else not_ok "every row is written ($n, not $want)"; fi
n=$(db_sql "SELECT count(*) FROM changes WHERE after IS NULL AND op = 'insert'")
if [ "$n" -ge "$want" ]; then ok "each has its change-log entry"; else not_ok "each has its change-log entry ($n)"; fi
if ch audit verify; then ok "audit verify passes"; else not_ok "audit verify passes"; fi
ch export "$TMP/out1" >/dev/null || not_ok "export"
for f in missions persons postings dependents; do
    if cmp -s "$TMP/world/$f.csv" "$TMP/out1/$f.csv"; then ok "$f.csv exports as imported"; else not_ok "$f.csv exports as imported"; fi
done
done_testing
