#!/bin/sh
# Two `chancery serve` on one PostgreSQL registry (issue 15, "Snapshots"):
# each LISTENs for the notification every write transaction sends as it
# commits (store/listen_pg.c), so a notification submitted and accepted
# through one server, and a person added by a command, show through the
# other within one second; and their reads ask the database for no data
# version meanwhile (the statement log holds none of its queries).
# make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

now_ms() { date +%s%3N; }
# shows_within MS PATH TEXT: GETs PATH on the server at $URL until its
# body holds TEXT, for at most MS milliseconds from now; the time taken
# in $took.
shows_within() {
    _t0=$(now_ms)
    while :; do
        req GET "$2" "$T_off"
        took=$(($(now_ms) - _t0))
        if [ "$code" = 200 ] && grep -qF -- "$3" "$TMP/body"; then return 0; fi
        [ "$took" -gt "$1" ] && return 1
        sleep 0.02
    done
}

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
db_sql "ALTER DATABASE $pg_db SET log_statement = 'all'" >/dev/null
if serve_start; then ok "server A starts"; else not_ok "server A starts"; exit 1; fi
pid_a=$pid URL_A=$URL
if serve_start; then ok "server B starts"; else not_ok "server B starts"; kill "$pid_a"; exit 1; fi
pid_b=$pid URL_B=$URL
trap 'kill "$pid_a" "$pid_b" 2>/dev/null; rm -rf "$TMP"; psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1' EXIT

URL=$URL_A
T_off=$(login off offpw)
T_lia=$(login lia liapw)
URL=$URL_B
req GET /api/v1/postings/T1 "$T_off"
expect_code 200 "B reads T1 with A's session"
if grep -qF '"2021-12-31"' "$TMP/body"; then not_ok "T1 has not ended yet"; else ok "T1 has not ended yet"; fi

# Submitted and accepted through A; B shows it within a second.
URL=$URL_A
req POST /api/v1/notifications "$T_lia" '{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
expect_code 200 "a termination submitted through A"
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req POST "/api/v1/notifications/$id/decision" "$T_off" '{"decision":"accept"}'
expect_code 200 "accepted through A"
URL=$URL_B
if shows_within 1000 /api/v1/postings/T1 '"2021-12-31"'; then
    ok "B shows the accepted termination within 1 s ($took ms)"
else
    not_ok "B shows the accepted termination within 1 s ($took ms)"
fi

# A command's write: both servers show it within a second.
ch person add --id P77 --family-name Listened --nationality RUS || not_ok "person add"
if shows_within 1000 /api/v1/persons/P77 Listened; then
    ok "B shows a command's write within 1 s ($took ms)"
else
    not_ok "B shows a command's write within 1 s ($took ms)"
fi
URL=$URL_A
if shows_within 1000 /api/v1/persons/P77 Listened; then
    ok "so does A ($took ms)"
else
    not_ok "so does A ($took ms)"
fi

# Reads asked no data version of the database: the watch told it.
if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/server.log" ]; then
    n=$(grep -c "FROM account_changes) +" "$PG_DIR/server.log")
    if [ "$n" = 0 ]; then ok "no data version was queried"; else not_ok "no data version was queried ($n times)"; fi
fi

kill -TERM "$pid_a" "$pid_b"
wait "$pid_a"; rc_a=$?
wait "$pid_b"; rc_b=$?
if [ "$rc_a" = 0 ] && [ "$rc_b" = 0 ]; then ok "both stop cleanly"; else not_ok "both stop cleanly ($rc_a, $rc_b)"; fi
done_testing
