#!/bin/sh
# A write through `chancery serve` whose connection to PostgreSQL is lost
# at its COMMIT (store/write.c, commit_lost): on the connection made
# again the change log says whether it committed, and the answer says so,
# so that a client's retry never writes twice.
# - Committed, its answer lost: the commit waits for a synchronous standby
#   that does not exist, and its backend is terminated meanwhile (the
#   transaction has committed locally): answered 200, written once.
# - Not committed: the writer is held just before its COMMIT
#   (CHANCERY_TEST_PAUSE_COMMIT) and its backend terminated: 503, "nothing
#   was written"; the retry is answered 200 and writes it once.
# - Unknown: the same, with the database refusing connections meanwhile:
#   503, "unknown".
# - The web form's submission lost the same way: 503 and a page that
#   says what became of it, not 500.
# make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
PAUSE=$TMP/pause
export CHANCERY_TEST_PAUSE_COMMIT=$PAUSE
cleanup() {
    rm -f "$PAUSE"
    psql -d postgres -qXc "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null 2>&1
    psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null 2>&1
    psql -d postgres -qXc "ALTER DATABASE $pg_db ALLOW_CONNECTIONS true" >/dev/null 2>&1
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    rm -rf "$TMP"
    psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_lia=$(login lia liapw)

# The writer's backend: the one holding the writers' advisory lock.
writer_pid() {
    psql -d "$pg_db" -qAtXc "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted LIMIT 1"
}
terminate() {
    psql -d postgres -qAtXc "SELECT pg_terminate_backend($1)" >/dev/null
}
# wait_for CMD...: until CMD succeeds, 10 s at most.
wait_for() {
    _i=0
    until "$@"; do
        _i=$((_i + 1))
        [ $_i -gt 200 ] && return 1
        sleep 0.05
    done
}
# A submission in the background: its code in $TMP/code, body $TMP/body.
submit_bg() {
    curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
        --data-binary "{\"kind\":\"termination\",\"mission\":\"${2:-RUS-WAS}\",\"posting\":\"$1\",\"ended\":\"2021-12-31\",\"end_reason\":\"tour_completed\"}" \
        "$URL/api/v1/notifications" >"$TMP/code" &
    bg=$!
}
count() {
    db_sql "SELECT count(*) FROM notifications WHERE payload LIKE '%\"$1\"%'"
}
paused() { [ -f "$PAUSE" ]; }

# Committed, its answer lost. The pause hook stays off here.
unset CHANCERY_TEST_PAUSE_COMMIT
kill "$pid"; wait "$pid" 2>/dev/null
serve_start || { not_ok "serve starts again"; exit 1; }
T_lia=$(login lia liapw)
psql -d postgres -qXc "ALTER SYSTEM SET synchronous_standby_names = 'nobody'" >/dev/null
psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null
submit_bg T1
syncrep() {
    w=$(psql -d "$pg_db" -qAtXc "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep' LIMIT 1")
    [ -n "$w" ]
}
if wait_for syncrep; then ok "a commit waits for its standby"; else not_ok "a commit waits for its standby"; fi
terminate "$w"
psql -d postgres -qXc "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null
psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null
wait "$bg"
code=$(cat "$TMP/code")
expect_code 200 "committed, its answer lost: 200"
if [ "$(count T1)" = 1 ]; then ok "written once"; else not_ok "written once ($(count T1))"; fi
kill "$pid"; wait "$pid" 2>/dev/null

# Not committed.
export CHANCERY_TEST_PAUSE_COMMIT=$PAUSE
serve_start || { not_ok "serve starts again"; exit 1; }
T_lia=$(login lia liapw)
submit_bg T2
wait_for paused || not_ok "the writer pauses before its COMMIT"
terminate "$(writer_pid)"
rm -f "$PAUSE"
wait "$bg"
code=$(cat "$TMP/code")
expect_code 503 "lost before its COMMIT: 503"
expect_body "it says nothing was written" "nothing was written"
if [ "$(count T2)" = 0 ]; then ok "nothing was written"; else not_ok "nothing was written ($(count T2))"; fi
# The retry (the hook now off: the file is made only when it is absent,
# and the test removes it at once).
( wait_for paused && rm -f "$PAUSE" ) &
submit_bg T2
wait "$bg"
code=$(cat "$TMP/code")
expect_code 200 "the retry: 200"
if [ "$(count T2)" = 1 ]; then ok "written once"; else not_ok "written once ($(count T2))"; fi

# Unknown: the database refuses connections until the answer.
submit_bg T5 RUS-UN
wait_for paused || not_ok "the writer pauses before its COMMIT"
w=$(writer_pid)
psql -d postgres -qXc "ALTER DATABASE $pg_db ALLOW_CONNECTIONS false" >/dev/null
terminate "$w"
rm -f "$PAUSE"
wait "$bg"
code=$(cat "$TMP/code")
psql -d postgres -qXc "ALTER DATABASE $pg_db ALLOW_CONNECTIONS true" >/dev/null
expect_code 503 "lost, the database unreachable: 503"
expect_body "it says the outcome is unknown" "unknown"

# The web form, lost before its COMMIT.
pre=$(curl -s -c "$TMP/jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -b "$TMP/jar" -c "$TMP/jar" -o /dev/null -d "csrf=$pre&user=lia&password=liapw" "$URL/login"
csrf=$(curl -s -b "$TMP/jar" "$URL/notify/termination" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -s -b "$TMP/jar" -o "$TMP/page" -w '%{http_code}' \
    -d "csrf=$csrf&mission=RUS-UN&posting=T5&ended=2021-12-31&end_reason=tour_completed" \
    "$URL/notify/termination" >"$TMP/code" &
bg=$!
wait_for paused || not_ok "the form's writer pauses before its COMMIT"
terminate "$(writer_pid)"
rm -f "$PAUSE"
wait "$bg"
code=$(cat "$TMP/code")
cp "$TMP/page" "$TMP/body"
expect_code 503 "the form's submission lost: 503"
expect_body "a page that says so" "nothing was written"
expect_body "as a page" "<html"

serve_stop
if "$CHANCERY" audit verify >"$TMP/out" 2>&1; then ok "audit verify passes"; else
    sed 's/^/# /' "$TMP/out"; not_ok "audit verify passes"; fi
done_testing
