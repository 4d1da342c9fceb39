#!/bin/sh
# A running `chancery serve` whose PostgreSQL sessions are terminated
# between two requests (pg_terminate_backend, as a restart or a failover
# of a pooler would): the next requests make their connections again
# (store/sql_pg.c, revive), prepare their statements again (the old
# names died with the old sessions) and replay the sessions' SETs. The
# writer's durable commits (SET synchronous_commit = on; the test
# cluster runs with it off) show it: with a synchronous standby named
# that does not exist, only a session with it on waits for one (SyncRep).
# make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
cleanup() {
    psql -d postgres -qXc "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null 2>&1
    psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null 2>&1
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    rm -rf "$TMP"
    psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
db_sql "ALTER DATABASE $pg_db SET log_statement = 'all'" >/dev/null
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_off=$(login off offpw)
T_lia=$(login lia liapw)
term() {
    printf '{"kind":"termination","mission":"%s","posting":"%s","ended":"2021-12-31","end_reason":"tour_completed"}' "$2" "$1"
}
# Two writes: the second runs the write's statements by name.
req POST /api/v1/notifications "$T_lia" "$(term T1 RUS-WAS)"
expect_code 200 "a first write"
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req POST "/api/v1/notifications/$id/decision" "$T_off" '{"decision":"return","grounds":"check the date"}'
expect_code 200 "a second write"
old=$(db_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")

# Every session of the server ended.
db_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
i=0
while [ "$(db_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")" != 0 ] && [ $i -lt 100 ]; do
    sleep 0.05; i=$((i + 1))
done
ok "the server's $old sessions are terminated"
mark=$(wc -l <"$PG_DIR/server.log")

# Reads: made again.
req GET /api/v1/postings/T2 "$T_off"
expect_code 200 "a read after: 200"

# A write: its session made again, with synchronous_commit on again.
psql -d postgres -qXc "ALTER SYSTEM SET synchronous_standby_names = 'nobody'" >/dev/null
psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null
curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
    --data-binary "$(term T5 RUS-UN)" "$URL/api/v1/notifications" >"$TMP/code" &
bg=$!
i=0
until [ -n "$(db_sql "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'")" ] || [ $i -ge 200 ]; do
    sleep 0.05; i=$((i + 1))
done
if [ $i -lt 200 ]; then ok "the write's commit is durable again (SET replayed)"; else
    not_ok "the write's commit is durable again (SET replayed)"; fi
psql -d postgres -qXc "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null
psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null
wait "$bg"
code=$(cat "$TMP/code")
expect_code 200 "the write after: 200"

# Another decision: the write's statements prepared again, by name.
req POST "/api/v1/notifications/$id/resubmit" "$T_lia" "$(term T1 RUS-WAS)"
expect_code 200 "a resubmission after: 200"
tail -n +"$((mark + 1))" "$PG_DIR/server.log" >"$TMP/log"
if grep -q 'statement: SET synchronous_commit = on' "$TMP/log"; then ok "the SET is in the log again"; else
    not_ok "the SET is in the log again"; fi
if grep -q 'execute chancery_[0-9]*: INSERT INTO changes' "$TMP/log"; then
    ok "the change log's insert runs by name on the new session"
else
    not_ok "the change log's insert runs by name on the new session"
fi
req GET "/api/v1/notifications/$id" "$T_off"
expect_body "the resubmission is read back" '"submitted"'

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops cleanly"; else not_ok "serve stops cleanly ($serve_rc)"; fi
if "$CHANCERY" audit verify >"$TMP/out" 2>&1; then ok "audit verify passes"; else
    sed 's/^/# /' "$TMP/out"; not_ok "audit verify passes"; fi
done_testing
