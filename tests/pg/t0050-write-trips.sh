#!/bin/sh
# The round trips of a write through `chancery serve` on PostgreSQL
# (store/sql_pg.c, "Pipelines"): the BEGIN goes with the advisory lock,
# the change log's appends and a statement's preparation with the next
# statement that waits for an answer, the NOTIFY with the COMMIT, and the
# Merkle tree's frontier is read with one query. With
# CHANCERY_TEST_PG_TRIPS each round trip is a line of a file (the
# connection's number, the statement): a submission (one record) takes 6
# on the writer's connection, an acceptance (two) 7; the statement log
# shows the frontier read once per write. make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
db_sql "ALTER DATABASE $pg_db SET log_statement = 'all'" >/dev/null
export CHANCERY_TEST_PG_TRIPS="$TMP/trips"
: >"$TMP/trips"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_off=$(login off offpw)
T_lia=$(login lia liapw)

# submit POSTING: a termination of it, submitted; its id in $id.
submit() {
    req POST /api/v1/notifications "$T_lia" "{\"kind\":\"termination\",\"mission\":\"RUS-WAS\",\"posting\":\"$1\",\"ended\":\"2021-12-31\",\"end_reason\":\"tour_completed\"}"
    id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
}
# writer_trips FROM: the round trips, since line FROM of the trips file,
# of the connection that took the writers' lock.
writer_trips() {
    tail -n +"$(($1 + 1))" "$TMP/trips" >"$TMP/window"
    conn=$(grep -m1 'pg_try_advisory_xact_lock' "$TMP/window" | cut -d' ' -f1)
    [ -n "$conn" ] && grep -c "^$conn " "$TMP/window"
}
marks() {
    mark=$(wc -l <"$TMP/trips")
    log_mark=$(wc -l <"$PG_DIR/server.log")
}

# A first write prepares the statements a write runs again.
submit T2
expect_code 200 "a first submission"

marks
submit T1
expect_code 200 "a submission"
n=$(writer_trips "$mark")
if [ "$n" = 6 ]; then ok "a submission takes 6 round trips"; else
    sed 's/^/# /' "$TMP/window"; not_ok "a submission takes 6 round trips ($n)"; fi
frontier=$(tail -n +"$((log_mark + 1))" "$PG_DIR/server.log" | grep -c 'FROM tlog_nodes')
if [ "$frontier" = 1 ]; then ok "its frontier is read with one statement"; else
    not_ok "its frontier is read with one statement ($frontier)"; fi

marks
req POST "/api/v1/notifications/$id/decision" "$T_off" '{"decision":"accept"}'
expect_code 200 "an acceptance"
n=$(writer_trips "$mark")
if [ "$n" = 7 ]; then ok "an acceptance (two records) takes 7 round trips"; else
    sed 's/^/# /' "$TMP/window"; not_ok "an acceptance (two records) takes 7 round trips ($n)"; fi
req GET /api/v1/postings/T1 "$T_off"
expect_body "the acceptance is written" '"2021-12-31"'

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops cleanly"; else not_ok "serve stops cleanly ($serve_rc)"; fi
if "$CHANCERY" audit verify >"$TMP/out" 2>&1; then ok "audit verify passes"; else
    sed 's/^/# /' "$TMP/out"; not_ok "audit verify passes"; fi
done_testing
