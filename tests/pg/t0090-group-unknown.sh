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
# submit POSTING MISSION NAME: a termination in the background; its code
# in $TMP/NAME.code, its body in $TMP/NAME.body, its pid in $bg_NAME.
submit() {
    curl -s -o "$TMP/$3.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
        --data-binary "{\"kind\":\"termination\",\"mission\":\"$2\",\"posting\":\"$1\",\"ended\":\"2021-12-31\",\"end_reason\":\"tour_completed\"}" \
        "$URL/api/v1/notifications" >"$TMP/$3.code" &
    eval "bg_$3=\$!"
}
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
# Time for both to reach the writers' queue behind the first (they are
# on loopback; nothing is asserted on it: the check below says whether
# they were one group).
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

serve_stop
if "$CHANCERY" audit verify >"$TMP/out" 2>&1; then ok "audit verify passes"; else
    sed 's/^/# /' "$TMP/out"; not_ok "audit verify passes"; fi
done_testing
