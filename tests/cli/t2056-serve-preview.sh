#!/bin/sh
# The preview of the notification form (src/http/pages_notify_submit.c)
# computes the warnings on the writer's snapshot, applying the payload to
# it, and takes it back out (store/notice.h, notice_preview): the next
# write goes on from that snapshot, with no reload (CHANCERY_DEBUG_LOAD
# makes the server log each load of the writer's snapshot), and writes
# what a fresh load would.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
export CHANCERY_DEBUG_LOAD=1
# The log on stderr, where each line goes out at once (a file's lines are
# written out once a second).
LOG=$TMP/serve.err
: >"$LOG"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
unset CHANCERY_DEBUG_LOAD
T_officer=$(login off offpw)
T_lia=$(login lia liapw)
loads() { grep -c "^writer's snapshot loaded" "$LOG" || true; }

# Signed in on the web as the liaison.
pre=$(curl -s -c "$TMP/jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -b "$TMP/jar" -c "$TMP/jar" -o /dev/null -d "csrf=$pre&user=lia&password=liapw" "$URL/login"
csrf=$(curl -s -b "$TMP/jar" "$URL/notify/termination" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] && ok "the form" || not_ok "the form"

# A write first, so that the writer's snapshot is the one kept.
TERM2='{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-12-31","end_reason":"tour_completed"}'
req POST /api/v1/notifications "$T_lia" "$TERM2"
expect_code 200 "a submission"
loads0=$(loads)
code=$(curl -s -b "$TMP/jar" -o "$TMP/body" -w '%{http_code}' \
    -d "csrf=$csrf&mission=RUS-WAS&posting=T1&ended=2021-12-31&end_reason=tour_completed&preview=1" \
    "$URL/notify/termination")
expect_code 200 "a preview"
expect_body "draws the form again" 'name="posting"'
req POST /api/v1/notifications "$T_lia" \
    '{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
expect_code 200 "a submission after the preview"
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req POST "/api/v1/notifications/$id/decision" "$T_officer" '{"decision":"accept"}'
expect_code 200 "accepted"
[ "$(loads)" = "$loads0" ] && ok "no write after the preview loaded the writer's snapshot" ||
    not_ok "no write after the preview loaded the writer's snapshot ($loads0, then $(loads))"
same "the accepted termination = a fresh load" /api/v1/postings/T1 posting show T1
same "the notification = a fresh load" "/api/v1/notifications/$id" notification show "$id"
same "notifications = a fresh load" /api/v1/notifications notification list
# A preview of a payload with a problem leaves the snapshot to be loaded
# again, and the next write does so.
code=$(curl -s -b "$TMP/jar" -o "$TMP/body" -w '%{http_code}' \
    -d "csrf=$csrf&mission=RUS-WAS&posting=T99&ended=2021-12-31&end_reason=tour_completed&preview=1" \
    "$URL/notify/termination")
expect_code 422 "a preview of an unknown posting"
loads1=$(loads)
req POST /api/v1/notifications "$T_lia" "$TERM2"
expect_code 200 "a submission after it"
[ "$(loads)" -gt "$loads1" ] && ok "which loaded the writer's snapshot" ||
    not_ok "which loaded the writer's snapshot"
same "notifications = a fresh load, after it" /api/v1/notifications notification list

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops"; else not_ok "serve stops ($serve_rc)"; fi
done_testing
