#!/bin/sh
# Notifications travel with the registry: export writes them to
# notifications.jsonl (one JSON object per line, payload and warnings
# embedded), import reads them back, and export again gives the same bytes.
. tests/cli/lib.sh
setup_small

printf '%s\n' '{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-07-01","end_reason":"tour_completed"}' >"$TMP/t.json"
printf '%s\n' '{"kind":"appointment","mission":"RUS-WAS","person":{"id":"P20","family_name":"Lestari","given_names":"Dewi \"Ayu\"","sex":"F"},"posting":{"id":"T20","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","notified":"2021-06-01","arrived":"2021-06-05"},"replaces":"T2"}' >"$TMP/a.json"
cat >"$TMP/cap.json" <<'JSON'
{"id":"cap","kind":"headcount_cap","issuer":"USA","target":"RUS","effective":{"from":"2017-09-01"},"params":{"limit":1}}
JSON
ch policy add "$TMP/cap.json"
ch notify "$TMP/t.json"
ch notify "$TMP/a.json"
ch notify "$TMP/a.json"
ch notification decide N000001 accept
CHANCERY_ACTOR=officer2 ch notification decide N000002 return --grounds "name the successor's arrival"
ch notification withdraw N000003

expect_exit 0 "export" export "$TMP/exp1"
if [ "$(wc -l <"$TMP/exp1/notifications.jsonl")" -eq 3 ]; then ok "one line per notification"; else
    not_ok "one line per notification"; fi
head -n 1 "$TMP/exp1/notifications.jsonl" >"$TMP/out"
expect_out "a line is one object" '{"id":"N000001","kind":"termination","mission":"RUS-WAS","payload":{"kind":"termination"'
sed -n 2p "$TMP/exp1/notifications.jsonl" >"$TMP/out"
expect_out "its warnings embedded" '"warnings":[{"id":"cap:RUS"'
expect_out "its decision" '"state":"returned","warnings"'
expect_out "its grounds" '"decided_by":"officer2"'

CHANCERY_DB="$TMP/two.db" expect_exit 0 "a new registry" init
CHANCERY_DB="$TMP/two.db" expect_exit 0 "imports the export" import "$TMP/exp1"
expect_out "counting the notifications" ", 3 notifications"
CHANCERY_DB="$TMP/two.db" expect_exit 0 "and exports it again" export "$TMP/exp2"
expect_same "byte for byte" "$TMP/exp1/notifications.jsonl" "$TMP/exp2/notifications.jsonl"
expect_same "with the records it wrote" "$TMP/exp1/postings.csv" "$TMP/exp2/postings.csv"
CHANCERY_DB="$TMP/two.db" expect_exit 0 "the imported one can be decided" notification resubmit N000002 "$TMP/a.json"

# A bad line is reported by file, line and column; nothing is written.
CHANCERY_DB="$TMP/three.db" ch init
mkdir "$TMP/bad"
cp "$TMP/exp1/missions.csv" "$TMP/exp1/persons.csv" "$TMP/exp1/postings.csv" "$TMP/bad/"
sed '2s/"state":"returned"/"state":"lost"/; 3s/"kind":"appointment"/"colour":"red"/' \
    "$TMP/exp1/notifications.jsonl" >"$TMP/bad/notifications.jsonl"
printf 'not json\n' >>"$TMP/bad/notifications.jsonl"
CHANCERY_DB="$TMP/three.db" expect_exit 3 "a bad notifications.jsonl" import "$TMP/bad"
expect_err "a bad state" "notifications.jsonl:2: column 'state': invalid notification state 'lost'"
expect_err "an unknown column" "notifications.jsonl:3: column 'colour': unknown column"
expect_err "a missing one" "notifications.jsonl:3: column 'kind': required column missing"
expect_err "a line that is no object" "notifications.jsonl:4: expected one JSON object per line"
CHANCERY_DB="$TMP/three.db" expect_exit 0 "" mission list --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "nothing was imported"; else not_ok "nothing was imported"; fi

done_testing
