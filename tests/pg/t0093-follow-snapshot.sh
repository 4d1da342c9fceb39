#!/bin/sh
# The resident registry of `chancery serve` follows the change log
# (store/follow.c) reading the log's head and the rows of the records
# changed since in one snapshot of the database: a change set committed
# by another process between the two reads is not seen in part, under a
# registry labelled with the older head (PostgreSQL's plain BEGIN gives
# each statement a snapshot of its own; db_begin's DB_READ one).
# A termination is submitted by a command (head N+1); the server's
# catch-up to it is held after its read of the head
# (CHANCERY_TEST_READ_PAUSE) while a command accepts it (head N+2: the
# notification accepted and its posting ended, in one change set). The
# next catch-up, to N+2, is held the same way, and meanwhile the server
# answers from its registry at N+1: exactly what the commands answered at
# N+1 (submitted; the posting not ended), not the notification as of N+2
# beside the posting as of N (the notification's history of states aside:
# it is read from the change log at the request). Without the watch (CHANCERY_TEST_NO_WATCH)
# the catch-ups run in the requests, so that a request can read while
# another holds one. make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
add_user off offpw --role officer || not_ok "user add officer"
PAUSE=$TMP/pause
cleanup() {
    rm -f "$PAUSE" "$PAUSE.held"
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    rm -rf "$TMP"
    psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
export CHANCERY_TEST_READ_PAUSE=$PAUSE CHANCERY_TEST_NO_WATCH=1
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
unset CHANCERY_TEST_READ_PAUSE CHANCERY_TEST_NO_WATCH
T_officer=$(login off offpw)
req GET /api/v1/postings/T1 "$T_officer"
expect_code 200 "the server reads"

# held_within: until a catch-up holds ($PAUSE.held), 30 s at most.
held_within() {
    _i=0
    until [ -f "$PAUSE.held" ]; do
        _i=$((_i + 1))
        [ $_i -gt 600 ] && return 1
        sleep 0.05
    done
}
# record_of FILE: the notification in FILE without its history of states,
# which a request reads from the change log as it is then, not from the
# registry.
record_of() {
    python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); o.pop("history", None); print(json.dumps(o, indent=1, sort_keys=True))' "$1"
}
# same_record WHAT WANT GOT: the notifications in WANT and GOT are the same.
same_record() {
    record_of "$2" >"$TMP/want.rec" && record_of "$3" >"$TMP/got.rec" &&
        cmp -s "$TMP/want.rec" "$TMP/got.rec" && { ok "$1"; return; }
    diff "$TMP/want.rec" "$TMP/got.rec" | head -10 | sed 's/^/# /'
    not_ok "$1"
}
# get_bg PATH OUT: a GET in the background, its body in OUT.
get_bg() {
    curl -s -o "$2" -H "Authorization: Bearer $T_officer" "$URL$1" &
    bg=$!
}

printf '%s\n' '{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}' >"$TMP/term.json"
ch notify "$TMP/term.json" || not_ok "notify by a command"
"$CHANCERY" notification show N000001 --format json >"$TMP/n1.json" || not_ok "notification show at N+1"
"$CHANCERY" posting show T1 --format json >"$TMP/t1.json" || not_ok "posting show at N+1"
grep -q '"submitted"' "$TMP/n1.json" || not_ok "submitted at N+1"

: >"$PAUSE"
get_bg /api/v1/notifications/N000001 "$TMP/r1.json"
if held_within; then ok "the catch-up to N+1 is held after the head's read"; else
    not_ok "the catch-up to N+1 is held after the head's read"; exit 1; fi
ch notification decide N000001 accept || not_ok "accepted by a command meanwhile"
: >"$PAUSE"
rm -f "$PAUSE.held"
wait "$bg"
same_record "the request that caught up reads the notification at N+1" "$TMP/n1.json" "$TMP/r1.json"

get_bg /api/v1/persons/P1 "$TMP/r2.json"
if held_within; then ok "the catch-up to N+2 is held"; else
    not_ok "the catch-up to N+2 is held"; exit 1; fi
# Meanwhile: the registry at N+1.
req GET /api/v1/notifications/N000001 "$T_officer"
expect_code 200 "the notification is read meanwhile"
same_record "the notification as at N+1 (submitted)" "$TMP/n1.json" "$TMP/body"
req GET /api/v1/postings/T1 "$T_officer"
if [ "$code" = 200 ] && cmp -s "$TMP/t1.json" "$TMP/body"; then ok "its posting as at N+1 (not ended)"; else
    echo "# HTTP $code"; diff "$TMP/t1.json" "$TMP/body" | head -10 | sed 's/^/# /'
    not_ok "its posting as at N+1 (not ended)"; fi
rm -f "$PAUSE.held"
wait "$bg"

same "then the notification as a fresh load" /api/v1/notifications/N000001 notification show N000001
same "and its posting" /api/v1/postings/T1 posting show T1
serve_stop
done_testing
