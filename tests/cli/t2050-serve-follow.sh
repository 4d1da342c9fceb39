#!/bin/sh
# The resident registry of `chancery serve` follows the change log in
# memory (src/http/resident.c, store/follow.c): a write by another process
# on the same database (a command) shows on the server's next read, a
# write over HTTP on the read that follows its answer, and after a run of
# both the resident registry answers exactly what a fresh load does: each
# GET is byte-equal to the command with --format json.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_officer=$(login off offpw)
T_lia=$(login lia liapw)

# A command's write, then the server's next read.
req GET /api/v1/persons/P40 "$T_officer"
expect_code 404 "no P40 yet"
ch person add --id P40 --family-name Orlova --given-names Anna --nationality RUS ||
    not_ok "person add"
req GET /api/v1/persons/P40 "$T_officer"
expect_code 200 "a person added by a command is read next"
ch posting notify --id T40 --person P40 --mission RUS-WAS --category diplomatic_agent \
    --rank attache --title Attache --notified 2021-03-01 || not_ok "posting notify"
ch posting arrive T40 --on 2021-03-10 || not_ok "posting arrive"
same "a posting notified and arrived by commands" /api/v1/postings/T40 posting show T40
same "the roster holds it" "/api/v1/missions/RUS-WAS/roster?as_of=2021-06-30" roster RUS-WAS --as-of 2021-06-30
ch posting end T2 --on 2021-05-31 --reason tour_completed || not_ok "posting end"
same "an ended posting, by a command" /api/v1/postings/T2 posting show T2
same "leaves the roster" "/api/v1/missions/RUS-WAS/roster?as_of=2021-06-30" roster RUS-WAS --as-of 2021-06-30
ch dependent add --person P5 --posting T40 --relation spouse --joined 2021-03-10 ||
    not_ok "dependent add"
same "a household joined by a command" /api/v1/persons/P5 person show P5

# Writes over HTTP and by commands, interleaved: each read follows.
TERM='{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
printf '%s\n' "$TERM" >"$TMP/term.json"
ch notify "$TMP/term.json" || not_ok "notify by a command"
req GET /api/v1/notifications/N000001 "$T_lia"
expect_code 200 "a notification by a command is read next"
req POST /api/v1/notifications/N000001/decision "$T_officer" '{"decision":"accept"}'
expect_code 200 "accepted over HTTP"
same "the accepted termination shows on the next read" /api/v1/postings/T1 posting show T1
APP='{"kind":"appointment","mission":"RUS-WAS",
 "person":{"id":"P50","family_name":"Lestari","given_names":"Dewi","sex":"F","birth_date":"1980-08-08","nationality":"RUS","passport":"B1000010"},
 "posting":{"id":"T50","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2021-06-01","arrived":"2021-06-20"}}'
TERM40='{"kind":"termination","mission":"RUS-WAS","posting":"T40","ended":"2021-12-31","end_reason":"tour_completed"}'
i=0
while [ $i -lt 5 ]; do
    req POST /api/v1/notifications "$T_lia" "$TERM40"
    [ "$code" = 200 ] || not_ok "a submission over HTTP ($code)"
    ch person add --id "P6$i" --family-name "Name$i" --nationality RUS || not_ok "person add P6$i"
    i=$((i + 1))
done
req POST /api/v1/notifications "$T_lia" "$APP"
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req POST "/api/v1/notifications/$id/decision" "$T_officer" '{"decision":"accept"}'
expect_code 200 "an appointment accepted over HTTP"
req GET /api/v1/persons/P64 "$T_officer"
expect_code 200 "the last person a command added is read"

# After the run, the resident registry equals a fresh load.
same "persons = a fresh load" /api/v1/persons person list
same "postings = a fresh load" /api/v1/postings posting list
same "missions = a fresh load" /api/v1/missions mission list
same "roster = a fresh load" "/api/v1/missions/RUS-WAS/roster?as_of=2021-12-31" roster RUS-WAS --as-of 2021-12-31
same "headcount = a fresh load" "/api/v1/headcount?as_of=2021-12-31" headcount --as-of 2021-12-31
same "notifications = a fresh load" /api/v1/notifications notification list
same "the new person = a fresh load" /api/v1/persons/P50 person show P50
same "check = a fresh load" "/api/v1/check?as_of=2021-12-31" check --as-of 2021-12-31

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops"; else not_ok "serve stops ($serve_rc)"; fi
done_testing
