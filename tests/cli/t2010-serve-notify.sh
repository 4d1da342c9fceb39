#!/bin/sh
# The write routes of `chancery serve` (issue 13): a liaison submits its
# mission's notification over HTTP, an officer returns it with grounds,
# the liaison resubmits it, the officer accepts it, and the Diplomatic
# List route shows the person. Each write records the account as actor;
# bad bodies are 400 or 422 naming the field and write nothing; a
# liaison's scope makes other states' notifications 404; a second
# decision is 409. GETs are byte-equal to the commands' --format json.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 0; }

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
add_user liu liupw --role liaison --sending USA || not_ok "user add liaison of USA"
add_user lim limpw --role liaison --mission RUS-UN || not_ok "user add liaison of a mission"
add_user ana anapw --role analyst || not_ok "user add analyst"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_off=$(login off offpw)
T_lia=$(login lia liapw)
T_liu=$(login liu liupw)
T_lim=$(login lim limpw)
T_ana=$(login ana anapw)

# changes: how many entries the change log holds (audit verify's count).
changes() {
    "$CHANCERY" audit verify | sed -n 's/^verified \([0-9]*\) changes.*/\1/p'
}

APP='{"kind":"appointment","mission":"RUS-WAS",
 "person":{"id":"P20","family_name":"Lestari","given_names":"Dewi","sex":"F","birth_date":"1980-08-08","nationality":"RUS","passport":"B1000010"},
 "posting":{"id":"T20","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2021-06-01"}}'
FIXED=$(echo "$APP" | sed 's/"notified":"2021-06-01"/"notified":"2021-06-01","arrived":"2021-06-20"/')

# --- who may submit, and bad bodies: nothing written ---
before=$(changes)
req POST /api/v1/notifications "" "$APP"
expect_code 401 "submitting needs a token"
req POST /api/v1/notifications "$T_ana" "$APP"
expect_code 403 "an analyst does not submit"
req POST /api/v1/notifications "$T_liu" "$APP"
expect_code 422 "a liaison of USA cannot submit for a Russian mission"
expect_body "as if the mission did not exist" "body: mission: unknown mission 'RUS-WAS'"
req POST /api/v1/notifications "$T_lim" "$APP"
expect_code 422 "nor can the liaison of the Russian UN mission"
req POST /api/v1/notifications "$T_lia" '{"kind":"appointment",'
expect_code 422 "malformed JSON is invalid input"
expect_body "names the body" "body:1: invalid JSON"
req POST /api/v1/notifications "$T_lia" "$(echo "$APP" | sed 's/"sex":"F"/"sex":"Q"/')"
expect_code 422 "a bad field is 422"
expect_body "naming the field by its path" "body: person.sex: invalid sex 'Q'"
expect_body "as an error object, counted" '1 error: nothing was written"}'
req POST /api/v1/notifications "$T_lia" "$(echo "$APP" | sed 's/"posting":{/"posting":{"bogus":1,/')"
expect_code 422 "an unknown field is 422"
expect_body "named" "body: posting.bogus: unknown field"
if [ "$(changes)" = "$before" ]; then ok "nothing was written"; else not_ok "nothing was written"; fi

# --- the journey: submit, return, resubmit, accept, listed ---
req POST /api/v1/notifications "$T_lia" "$APP"
expect_code 200 "the liaison submits"
expect_body "an id is assigned" '"id": "N000001"'
expect_body "submitted" '"state": "submitted"'
expect_body "by the account" '"submitted_by": "lia"'
req GET /api/v1/notifications/N000001 "$T_liu"
expect_code 404 "another state's liaison does not see it"
req GET /api/v1/notifications "$T_liu"
if [ "$code" = 200 ] && ! grep -q N000001 "$TMP/body"; then ok "nor lists it"; else not_ok "nor lists it"; fi
req GET /api/v1/notifications "$T_lia"
expect_body "its own liaison lists it" '"id": "N000001"'
req GET /api/v1/notifications/N000001 "$T_lim"
expect_code 404 "the liaison of another mission of the same state does not see it"
req GET /api/v1/notifications "$T_lim"
if [ "$code" = 200 ] && ! grep -q N000001 "$TMP/body"; then ok "nor lists it"; else not_ok "nor lists it"; fi
req GET /api/v1/notifications/N000001 "$T_ana"
expect_code 200 "an analyst reads it"
req GET "/api/v1/notifications?state=pending" "$T_lia"
expect_code 400 "an unknown state filter is 400"

req POST /api/v1/notifications/N000001/decision "$T_lia" '{"decision":"accept"}'
expect_code 403 "a liaison does not decide"
before=$(changes)
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"return"}'
expect_code 422 "returning needs grounds"
expect_body "names the field" "grounds: required to return a notification"
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"reject","grounds":"x"}'
expect_code 422 "an unknown decision is 422"
expect_body "names the field" "body: decision: 'reject' is not accept, refuse or return"
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"accept","why":"x"}'
expect_code 400 "an unknown body field is 400"
expect_body "names it" "body: why: unknown field"
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":7}'
expect_code 422 "a decision that is no string is 422"
req POST /api/v1/notifications/N000001/decision "$T_off" '[1]'
expect_code 400 "a body that is no object is 400"
long=$(head -c 1100 /dev/zero | tr '\0' g)
req POST /api/v1/notifications/N000001/decision "$T_off" "{\"decision\":\"return\",\"grounds\":\"$long\"}"
expect_code 422 "grounds longer than a text field are 422"
expect_body "named" "grounds: text of 1100 bytes: at most 1024"
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"return","grounds":"a\u0007b"}'
expect_code 422 "grounds with a control character are 422"
deep=$(python3 -c 'print("[" * 5000 + "]" * 5000)')
req POST /api/v1/notifications/N000001/decision "$T_off" "$deep"
expect_code 400 "a body nested too deep is 400"
req POST /api/v1/notifications/N000009/decision "$T_off" '{"decision":"accept"}'
expect_code 404 "an unknown notification is 404"
if [ "$(changes)" = "$before" ]; then ok "no bad decision wrote"; else not_ok "no bad decision wrote"; fi

req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"return","grounds":"arrival date missing"}'
expect_code 200 "the officer returns it with grounds"
expect_body "returned" '"state": "returned"'
expect_body "by the officer's account" '"decided_by": "off"'
expect_body "with the grounds" '"grounds": "arrival date missing"'
req POST /api/v1/notifications/N000001/resubmit "$T_liu" "$FIXED"
expect_code 404 "another state's liaison cannot resubmit it"
req POST /api/v1/notifications/N000001/resubmit "$T_lia" "$FIXED"
expect_code 200 "the liaison resubmits it"
expect_body "submitted again" '"state": "submitted"'
expect_body "same id" '"id": "N000001"'
req POST /api/v1/notifications/N000001/resubmit "$T_lia" "$FIXED"
expect_code 409 "a notification not returned cannot be resubmitted"
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"accept"}'
expect_code 200 "the officer accepts it"
expect_body "accepted" '"state": "accepted"'
req POST /api/v1/notifications/N000001/decision "$T_off" '{"decision":"refuse","grounds":"late"}'
expect_code 409 "a second decision is 409"
expect_body "already decided" "notification 'N000001' already decided: accepted by off"

"$CHANCERY" publish diplomatic-list --host USA --format json >"$TMP/cli.json"
req GET "/api/v1/lists/diplomatic?host=USA"
expect_code 200 "the Diplomatic List is public"
expect_body "it shows the person accepted" '"name": "Dewi Lestari"'
if cmp -s "$TMP/cli.json" "$TMP/body"; then ok "byte-equal to publish diplomatic-list"; else
    diff "$TMP/cli.json" "$TMP/body" | head -5 | sed 's/^/# /'; not_ok "byte-equal to publish diplomatic-list"; fi
req GET "/api/v1/lists/diplomatic?host=XXX"
expect_code 400 "an unknown host is 400"
req GET "/api/v1/lists/diplomatic"
expect_code 400 "the host is required"

# GETs are the commands' bytes.
"$CHANCERY" notification show N000001 --format json >"$TMP/cli.json"
req GET /api/v1/notifications/N000001 "$T_lia"
if [ "$code" = 200 ] && cmp -s "$TMP/cli.json" "$TMP/body"; then ok "show = notification show"; else
    diff "$TMP/cli.json" "$TMP/body" | head -5 | sed 's/^/# /'; not_ok "show = notification show"; fi
expect_body "its history names each actor" '"actor": "lia"'
"$CHANCERY" notification list --state accepted --format json >"$TMP/cli.json"
req GET "/api/v1/notifications?state=accepted" "$T_off"
if [ "$code" = 200 ] && cmp -s "$TMP/cli.json" "$TMP/body"; then ok "list = notification list"; else
    diff "$TMP/cli.json" "$TMP/body" | head -5 | sed 's/^/# /'; not_ok "list = notification list"; fi

# The change log records the accounts as actors.
expect_exit 0 "history of the notification" history notification N000001 --format csv
expect_out "the submission by the liaison" "lia,insert,notification N000001 submitted"
expect_out "the return by the officer" "off,update,notification N000001 returned"
expect_exit 0 "history of the person" history person P20 --format csv
expect_out "written by the officer's acceptance" "off,insert,notification N000001 accepted"

# --- withdraw: the liaison's own, once ---
TERM_JSON='{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-12-31","end_reason":"tour_completed"}'
req POST /api/v1/notifications "$T_off" "$TERM_JSON"
expect_code 200 "an officer may record a notification too"
expect_body "N000002" '"id": "N000002"'
req POST /api/v1/notifications/N000002/withdraw "$T_liu"
expect_code 404 "another state's liaison cannot withdraw it"
req POST /api/v1/notifications/N000002/withdraw "$T_lia" '{"why":"x"}'
expect_code 400 "withdraw takes no body field"
req POST /api/v1/notifications/N000002/withdraw "$T_lia"
expect_code 200 "the liaison withdraws it"
expect_body "withdrawn" '"state": "withdrawn"'
req POST /api/v1/notifications/N000002/withdraw "$T_lia"
expect_code 409 "withdrawing twice is 409"

# A write by another process, then a write here: the server's writer
# follows the change log.
printf '%s\n' "$TERM_JSON" >"$TMP/term.json"
expect_exit 0 "a notification from the command line" notify "$TMP/term.json"
req POST /api/v1/notifications/N000003/decision "$T_off" '{"decision":"refuse","grounds":"not yet"}'
expect_code 200 "is decided over HTTP"
req POST /api/v1/notifications "$T_lia" "$TERM_JSON"
expect_body "the next id follows it" '"id": "N000004"'

# The writer keeps its snapshot between writes: a submission takes its
# payload's records back out of it, so the same new person can be
# submitted twice, and is only written once accepted.
APP30=$(echo "$APP" | sed 's/P20/P30/; s/T20/T30/')
req POST /api/v1/notifications "$T_lia" "$APP30"
expect_code 200 "an appointment of a new person"
id30=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req POST /api/v1/notifications "$T_lia" "$APP30"
expect_code 200 "the same appointment again: the first left no record behind"
expect_body "not a duplicate" '"state": "submitted"'
req GET /api/v1/persons/P30 "$T_off"
expect_code 404 "the person is not written before acceptance"
req POST "/api/v1/notifications/$id30/decision" "$T_off" '{"decision":"accept"}'
expect_code 200 "accepting the first"
req GET /api/v1/persons/P30 "$T_off"
expect_code 200 "writes the person"
req POST /api/v1/notifications "$T_lia" "$APP30"
expect_code 422 "then the same new person is a duplicate"

# The document lists the write routes.
req GET /openapi.json
for r in '"/api/v1/notifications/{id}/decision"' '"/api/v1/notifications/{id}/resubmit"' '"/api/v1/notifications/{id}/withdraw"' '"/api/v1/lists/diplomatic"'; do
    expect_body "openapi.json has $r" "$r"
done

if python3 - "$TMP/body" <<'PY'
import json, sys
paths = json.load(open(sys.argv[1]))["paths"]
body = lambda p: paths[p]["post"]["requestBody"]["content"]["application/json"]["schema"]
assert body("/api/v1/notifications/{id}/decision")["properties"]["decision"]["enum"] == ["accept", "refuse", "return"]
assert body("/api/v1/notifications")["required"] == ["kind", "mission"]
assert body("/api/v1/notifications/{id}/withdraw")["additionalProperties"] is False
assert "requestBody" not in paths["/api/v1/notifications"]["get"]
PY
then ok "openapi.json documents the write routes' bodies"; else not_ok "openapi.json documents the write routes' bodies"; fi

expect_exit 0 "the change log verifies" audit verify
kill -TERM "$pid"
wait "$pid"
if [ $? -eq 0 ]; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit 0"; fi
done_testing
