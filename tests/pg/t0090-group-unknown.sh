#!/bin/sh
# A grouped commit of `chancery serve` (resident.c, "Group commit") whose
# connection is lost at its COMMIT, with the change log out of reach on
# the connection made again, may have been written: none of its writes
# may then be run again alone (each would be written twice); each is
# answered 503, "whether it was written is unknown".
# The group: a first write is held in its COMMIT waiting for a
# synchronous standby that does not exist while two more queue behind it;
# its backend terminated, it is answered (written), and the two queued
# are written as one batch, whose COMMIT waits the same way. Its backend
# is terminated with CHANCERY_TEST_COMMIT_UNKNOWN's file present (the
# change log then cannot be read: the store/write.c hook), and the
# standby requirement lifted, so that anything run again would commit.
# Their clients retry with their Idempotency-Keys and get the answer of
# the write that was made. Then a write that was not written (lost before
# its COMMIT, the database refusing connections): its retry with its key
# writes it once.
# make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
UNKNOWN=$TMP/unknown
export CHANCERY_TEST_COMMIT_UNKNOWN=$UNKNOWN
sync_off() {
    psql -d postgres -qXc "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null 2>&1
    psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null 2>&1
}
cleanup() {
    sync_off
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    rm -rf "$TMP"
    psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_lia=$(login lia liapw)

# wait_for CMD...: until CMD succeeds, 10 s at most.
wait_for() {
    _i=0
    until "$@"; do
        _i=$((_i + 1))
        [ $_i -gt 200 ] && return 1
        sleep 0.05
    done
}
# submit POSTING MISSION NAME: a termination in the background, with
# Idempotency-Key key-NAME; its code in $TMP/NAME.code, its body in
# $TMP/NAME.body, its headers in $TMP/NAME.head, its pid in $bg_NAME.
submit() {
    curl -s -D "$TMP/$3.head" -o "$TMP/$3.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
        -H "Idempotency-Key: key-$3" \
        --data-binary "{\"kind\":\"termination\",\"mission\":\"$2\",\"posting\":\"$1\",\"ended\":\"2021-12-31\",\"end_reason\":\"tour_completed\"}" \
        "$URL/api/v1/notifications" >"$TMP/$3.code" &
    eval "bg_$3=\$!"
}
replayed() { grep -qi '^Idempotent-Replayed: true' "$TMP/$1.head"; }
count() {
    db_sql "SELECT count(*) FROM notifications WHERE payload LIKE '%\"$1\"%'"
}
# syncrep [NOT]: a backend waits for its standby (not pid NOT); its pid in $w.
syncrep() {
    w=$(psql -d "$pg_db" -qAtXc "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND pid <> ${1:-0} LIMIT 1")
    [ -n "$w" ]
}
terminate() {
    psql -d postgres -qAtXc "SELECT pg_terminate_backend($1)" >/dev/null
}

psql -d postgres -qXc "ALTER SYSTEM SET synchronous_standby_names = 'nobody'" >/dev/null
psql -d postgres -qAtXc "SELECT pg_reload_conf()" >/dev/null
submit T1 RUS-WAS a
if wait_for syncrep; then ok "the first write waits for its standby"; else
    not_ok "the first write waits for its standby"; exit 1; fi
first=$w
submit T2 RUS-WAS b
submit T5 RUS-UN c
# Time for both to reach the writers' queue behind the first: their
# connections open (the first's is, too), then a second for the requests
# (on loopback; nothing is asserted on it: the check below says whether
# they were one group).
conns() {
    [ "$(ss -Htn state established "( dport = :$port )" | wc -l)" -ge 3 ]
}
wait_for conns || echo "# the two writes did not connect within 10 s"
sleep 1
terminate "$first"
wait "$bg_a"
code=$(cat "$TMP/a.code")
cp "$TMP/a.body" "$TMP/body"
expect_code 200 "the first write, its answer lost: 200"
if wait_for syncrep "$first"; then ok "the group's commit waits for its standby"; else
    not_ok "the group's commit waits for its standby"; exit 1; fi
: >"$UNKNOWN"
terminate "$w"
sync_off
wait "$bg_b" "$bg_c"
rm -f "$UNKNOWN"
for n in b c; do
    code=$(cat "$TMP/$n.code")
    cp "$TMP/$n.body" "$TMP/body"
    expect_code 503 "write $n of the group: 503"
    expect_body "write $n: database unavailable" "database unavailable"
    expect_body "write $n: whether it was written is unknown" "whether it was written is unknown"
done
if [ "$(count T2)" = 1 ]; then ok "write b was written once"; else not_ok "write b was written once ($(count T2))"; fi
if [ "$(count T5)" = 1 ]; then ok "write c was written once"; else not_ok "write c was written once ($(count T5))"; fi
groups=$(db_sql "SELECT count(DISTINCT xmin::text) FROM notifications WHERE payload LIKE '%\"T2\"%' OR payload LIKE '%\"T5\"%'")
if [ "$groups" = 1 ]; then ok "the two were one group (one transaction)"; else
    not_ok "the two were one group (one transaction: $groups)"; fi

# The clients retry with their keys once the database answers again:
# each gets the answer of the write that was made, and nothing more is
# written.
for n in b c; do
    case $n in b) submit T2 RUS-WAS b ;; c) submit T5 RUS-UN c ;; esac
    eval "wait \$bg_$n"
    code=$(cat "$TMP/$n.code")
    cp "$TMP/$n.body" "$TMP/body"
    expect_code 200 "write $n again with its key: 200"
    if replayed $n; then ok "write $n: a replay"; else not_ok "write $n: a replay"; fi
done
if [ "$(count T2)" = 1 ] && [ "$(count T5)" = 1 ]; then ok "still written once each"; else
    not_ok "still written once each ($(count T2), $(count T5))"; fi
kill "$pid"; wait "$pid" 2>/dev/null

# Not written: the writer held before its COMMIT, its backend terminated
# with the database refusing connections (the write with its key's record
# fails before its COMMIT; run once more, it cannot connect). The retry
# with the key, the database back, writes it once; once more, a replay.
PAUSE=$TMP/pause
export CHANCERY_TEST_PAUSE_COMMIT=$PAUSE
serve_start || { not_ok "serve starts again"; exit 1; }
T_lia=$(login lia liapw)
paused() { [ -f "$PAUSE" ]; }
APP='{"kind":"appointment","mission":"RUS-WAS",
 "person":{"id":"P20","family_name":"Lestari","given_names":"Dewi","sex":"F","birth_date":"1980-08-08","nationality":"RUS","passport":"B1000010"},
 "posting":{"id":"T20","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2021-06-01"}}'
app() {
    curl -s -D "$TMP/d.head" -o "$TMP/d.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
        -H "Idempotency-Key: key-d" --data-binary "$APP" "$URL/api/v1/notifications" >"$TMP/d.code" &
    bg_d=$!
}
app
wait_for paused || not_ok "the writer pauses before its COMMIT"
w=$(psql -d "$pg_db" -qAtXc "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted LIMIT 1")
psql -d postgres -qXc "ALTER DATABASE $pg_db ALLOW_CONNECTIONS false" >/dev/null
terminate "$w"
rm -f "$PAUSE"
wait "$bg_d"
psql -d postgres -qXc "ALTER DATABASE $pg_db ALLOW_CONNECTIONS true" >/dev/null
code=$(cat "$TMP/d.code")
cp "$TMP/d.body" "$TMP/body"
expect_code 503 "lost before its COMMIT, the database unreachable: 503"
expect_body "the database unavailable" "database unavailable"
if [ "$(count T20)" = 0 ]; then ok "it was not written"; else not_ok "it was not written ($(count T20))"; fi
( wait_for paused && rm -f "$PAUSE" ) &
app
wait "$bg_d"
code=$(cat "$TMP/d.code")
cp "$TMP/d.body" "$TMP/body"
expect_code 200 "the retry with its key: 200"
if replayed d; then not_ok "the retry writes (no replay)"; else ok "the retry writes (no replay)"; fi
if [ "$(count T20)" = 1 ]; then ok "written once"; else not_ok "written once ($(count T20))"; fi
( wait_for paused && rm -f "$PAUSE" ) &
app
wait "$bg_d"
code=$(cat "$TMP/d.code")
expect_code 200 "once more: 200"
if replayed d; then ok "a replay"; else not_ok "a replay"; fi
if [ "$(count T20)" = 1 ]; then ok "still written once"; else not_ok "still written once ($(count T20))"; fi

serve_stop
if "$CHANCERY" audit verify >"$TMP/out" 2>&1; then ok "audit verify passes"; else
    sed 's/^/# /' "$TMP/out"; not_ok "audit verify passes"; fi
done_testing
