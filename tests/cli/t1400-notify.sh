#!/bin/sh
# Notifications (issue 12): `notify` validates a mission's notification as
# an import validates the same records (field paths for lines) and writes
# only the notification; `notification decide` accepts (writing its records
# and its new state in one change set), refuses or returns it; a returned
# one is resubmitted, an undecided one withdrawn; a second decision is
# refused. Every kind, every transition, the validation errors.
. tests/cli/lib.sh
setup_small

# notify_file NAME JSON: writes $TMP/NAME.json.
notify_file() {
    printf '%s\n' "$2" >"$TMP/$1.json"
}

# changes: how many entries the change log holds (audit verify's count).
changes() {
    "$CHANCERY" audit verify | sed -n 's/^verified \([0-9]*\) changes.*/\1/p'
}

# --- validation: field paths, the import's messages, nothing written ---
before=$(changes)
notify_file bad '{"kind":"appointment","mission":"RUS-WAS",
 "person":{"id":"P20","family_name":"Lestari","sex":"Q"},
 "posting":{"id":"T20","rank":"counsellor","category":"diplomatic_agent",
  "notified":"2021-06-01","arrived":"2021-05-01","bogus":1},
 "dependents":[{"person":"P99","relation":"spouse"}],"replaces":"T4"}'
expect_exit 3 "an invalid appointment is refused" notify "$TMP/bad.json"
expect_err "a bad enumeration, by its field path" \
    "bad.json: person.sex: invalid sex 'Q' (expected one of: F, M, X)"
expect_err "the import's message for a bad rank" \
    "bad.json: posting.rank: invalid rank 'counsellor' (expected one of:"
expect_err "a record rule, by its field path" \
    "bad.json: posting.arrived: arrived 2021-05-01 is before notified 2021-06-01"
expect_err "an unknown field" "bad.json: posting.bogus: unknown field"
expect_err "a dependent naming an unknown person" \
    "bad.json: dependents[0].person: unknown person 'P99'"
expect_err "a replaced posting of another mission" \
    "bad.json: replaces: posting 'T4' is not a posting of 'RUS-WAS'"
expect_err "every problem is counted" "6 errors: nothing was written"
# The same posting row in an import gives the same messages.
mkdir "$TMP/imp"
cat >"$TMP/imp/postings.csv" <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T20,P1,RUS-WAS,,counsellor,diplomatic_agent,false,2021-06-01,2021-05-01,,,,
CSV
ch import "$TMP/imp"
expect_err "an import says the same of the rank" \
    "postings.csv:2: column 'rank': invalid rank 'counsellor' (expected one of:"
expect_err "and of the dates" \
    "postings.csv:2: column 'arrived': arrived 2021-05-01 is before notified 2021-06-01"
notify_file kind '{"kind":"promotion","mission":"RUS-XXX"}'
expect_exit 3 "an unknown kind and mission" notify "$TMP/kind.json"
expect_err "names the kind" "kind.json: kind: unknown notification kind 'promotion'"
expect_err "names the mission" "kind.json: mission: unknown mission 'RUS-XXX'"
notify_file term '{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-07-01"}'
expect_exit 3 "a termination without its reason" notify "$TMP/term.json"
expect_err "the import's rule" "term.json: end_reason: ended and end_reason go together"
notify_file term '{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2018-07-01","end_reason":"recalled"}'
expect_exit 3 "a termination before the arrival" notify "$TMP/term.json"
expect_err "says so" "term.json: ended: ended 2018-07-01 is before arrived 2018-12-10"
notify_file arr '{"kind":"arrival","mission":"RUS-WAS","posting":"T2","arrived":"2019-01-01"}'
expect_exit 3 "an arrival already recorded" notify "$TMP/arr.json"
expect_err "says when" "arr.json: posting: posting 'T2' already arrived on 2018-12-10"
notify_file other '{"kind":"termination","mission":"RUS-WAS","posting":"T4","ended":"2021-07-01","end_reason":"recalled"}'
expect_exit 3 "a posting of another mission" notify "$TMP/other.json"
expect_err "is refused" "other.json: posting: posting 'T4' is not a posting of 'RUS-WAS'"
notify_file extra '{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-07-01","end_reason":"recalled","rank":"attache"}'
expect_exit 3 "a field the kind does not carry" notify "$TMP/extra.json"
expect_err "is named" "extra.json: rank: unknown field for a termination"
notify_file chg '{"kind":"change","mission":"RUS-WAS","posting":"T2","on":"soon"}'
expect_exit 3 "a change of nothing on no date" notify "$TMP/chg.json"
expect_err "needs a date" "chg.json: on: expected a date YYYY-MM-DD"
expect_err "and a field" "chg.json: a change names at least one of title, rank, category, head_of_mission"
notify_file obj '{"kind":"change","mission":"RUS-WAS","posting":"T2","title":{"en":"Counsellor"},"head_of_mission":1.5}'
expect_exit 3 "values that are no column value" notify "$TMP/obj.json"
expect_err "an object" "obj.json: title: expected text, a whole number, true, false or null"
expect_err "a fraction" "obj.json: head_of_mission: expected text, a whole number, true, false or null"
printf '{"kind":' >"$TMP/broken.json"
expect_exit 3 "broken JSON" notify "$TMP/broken.json"
expect_err "names the file and line" "broken.json:1: invalid JSON"
expect_exit 2 "notify without a file" notify
expect_exit 1 "notify of a missing file" notify "$TMP/none.json"
after=$(changes)
if [ "$before" = "$after" ]; then ok "nothing was written"; else
    echo "# $before -> $after"; not_ok "nothing was written"; fi

# --- appointment: submitted, then accepted in one change set ---
notify_file app '{"kind":"appointment","mission":"RUS-WAS",
 "person":{"id":"P20","family_name":"Lestari","given_names":"Dewi","sex":"F","birth_date":"1980-08-08","nationality":"RUS","passport":"B1000010"},
 "posting":{"id":"T20","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2021-06-01"},
 "dependents":[{"person":{"id":"P21","family_name":"Lestari","given_names":"Budi","sex":"M"},"relation":"spouse","joined":"2021-06-15"}],
 "replaces":"T2"}'
expect_exit 0 "an appointment is submitted" --format json notify "$TMP/app.json"
expect_out "its id is assigned" '"id": "N000001"'
expect_out "it is submitted" '"state": "submitted"'
expect_out "with its warnings" '"warnings": []'
expect_out "it names the posting replaced" '"replaces": "T2"'
expect_out "the submitter" '"submitted_by": "test"'
expect_exit 3 "its records are not written yet" posting show T20
expect_exit 0 "notification list" notification list --format csv
expect_out "lists it" "N000001,appointment,RUS-WAS,submitted,"
expect_exit 0 "list --state accepted" notification list --state accepted --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "none accepted yet"; else not_ok "none accepted yet"; fi
expect_exit 2 "list --state of no state" notification list --state pending
expect_exit 2 "list --kind of no kind" notification list --kind promotion

head=$(changes)
CHANCERY_ACTOR=officer1 expect_exit 0 "an officer accepts it" notification decide N000001 accept --format json
expect_out "accepted" '"state": "accepted"'
expect_out "by the officer" '"decided_by": "officer1"'
set_id=$((head + 1))
expect_out "naming the change set it wrote" "\"change_set\": $set_id"
expect_exit 0 "the posting is written" posting show T20 --format csv
expect_out "as notified" "T20,P20,RUS-WAS,Counsellor,counselor,diplomatic_agent,false,2021-06-01"
expect_exit 0 "the spouse is written" history dependent P21/T20 --format csv
expect_out "in the change set of the acceptance" "officer1,insert,notification N000001 accepted"
expect_exit 0 "the person's entry" history person P20 --format csv
expect_out "names the notification" "notification N000001 accepted"
if db_has_sql; then
    got=$(db_sql "SELECT count(DISTINCT change_set) || ' ' || min(change_set) FROM changes WHERE seq > $head")
    if [ "$got" = "1 $set_id" ]; then ok "records and state in one change set"; else
        echo "# $got"; not_ok "records and state in one change set"; fi
    got=$(db_sql "SELECT actor || '|' || reason FROM change_sets WHERE id = $set_id")
    if [ "$got" = "officer1|notification N000001 accepted" ]; then ok "the change set names the actor and the notification"; else
        echo "# $got"; not_ok "the change set names the actor and the notification"; fi
else
    ok "one change set # skip sqlite3 not installed"
    ok "the change set's actor # skip sqlite3 not installed"
fi

# --- the double decision: the second is refused, nothing written twice ---
head=$(changes)
expect_exit 1 "deciding it again" notification decide N000001 accept
expect_err "already decided" "notification 'N000001' already decided: accepted by officer1"
expect_exit 1 "refusing it after acceptance" notification decide N000001 refuse --grounds late
expect_exit 1 "withdrawing it after acceptance" notification withdraw N000001
if [ "$(changes)" = "$head" ]; then ok "no double write"; else not_ok "no double write"; fi

# --- show: payload, warnings, history of states ---
expect_exit 0 "notification show" notification show N000001
expect_out "the payload" '"posting":{"id":"T20"'
expect_out "the submission" "submitted  test  notification N000001 submitted"
expect_out "the acceptance" "accepted   officer1  notification N000001 accepted"
expect_exit 0 "notification show --format json" notification show N000001 --format json
expect_out "the history in JSON" '"history": ['
expect_exit 3 "show of an unknown notification" notification show N999999

# --- the other kinds, each accepted ---
# accept_kind WHAT JSON: submits and accepts; the id is N00000$n.
n=1
accept_kind() {
    n=$((n + 1))
    notify_file k$n "$2"
    expect_exit 0 "$1 is submitted" notify "$TMP/k$n.json"
    expect_exit 0 "$1 is accepted" notification decide "$(printf N%06d $n)" accept
}
accept_kind "an arrival" '{"kind":"arrival","mission":"RUS-WAS","posting":"T20","arrived":"2021-06-10","accredited":"2021-06-11"}'
expect_exit 0 "" posting show T20 --format csv
expect_out "the arrival is recorded" "2021-06-01,2021-06-10,2021-06-11"
accept_kind "a change" '{"kind":"change","mission":"RUS-WAS","posting":"T20","rank":"minister_counselor","title":"Minister-Counsellor"}'
expect_exit 0 "" posting show T20 --format csv
expect_out "the change is recorded" "T20,P20,RUS-WAS,Minister-Counsellor,minister_counselor"
accept_kind "a dependent joining" '{"kind":"dependent_join","mission":"RUS-WAS","posting":"T20","person":{"id":"P22","family_name":"Lestari","given_names":"Ayu","birth_date":"2012-02-02"},"relation":"child","joined":"2021-07-01"}'
expect_exit 0 "" history dependent P22/T20 --format csv
expect_out "the child is in the household" "insert,notification N000004 accepted"
accept_kind "a dependent leaving" '{"kind":"dependent_leave","mission":"RUS-WAS","posting":"T20","person":"P21","left":"2021-09-01"}'
expect_exit 0 "" history dependent P21/T20 --format csv
expect_out "the spouse left" '""left"":""2021-09-01""'
accept_kind "a termination" '{"kind":"termination","mission":"RUS-WAS","posting":"T20","ended":"2021-11-30","end_reason":"tour_completed"}'
expect_exit 0 "" posting show T20 --format csv
expect_out "the posting ended" "2021-11-30,tour_completed"
notify_file leave2 '{"kind":"dependent_leave","mission":"RUS-WAS","posting":"T20","person":"P1","left":"2021-09-01"}'
expect_exit 3 "a leaving person who is no dependent" notify "$TMP/leave2.json"
expect_err "says so" "person: 'P1' is not a dependent of 'T20'"

# --- refuse, return, resubmit, withdraw ---
notify_file t1 '{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
expect_exit 0 "a termination is submitted" notify "$TMP/t1.json"
expect_exit 2 "refusing needs grounds" notification decide N000007 refuse
expect_err "says so" "--grounds is required to refuse a notification"
expect_exit 2 "returning needs grounds" notification decide N000007 return --grounds ''
expect_exit 2 "an unknown decision" notification decide N000007 approve
expect_exit 3 "deciding an unknown notification" notification decide N000099 accept --grounds x
expect_exit 0 "returning it" notification decide N000007 return --grounds "the date is wrong"
expect_out "returned" "state          returned"
expect_out "with the grounds" "grounds        the date is wrong"
expect_exit 1 "a returned one cannot be accepted" notification decide N000007 accept
expect_exit 1 "nor returned again" notification decide N000007 return --grounds again
notify_file t1b '{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2022-01-31","end_reason":"tour_completed"}'
expect_exit 0 "resubmitting it corrected" notification resubmit N000007 "$TMP/t1b.json"
expect_out "keeps its id" "N000007"
expect_out "submitted again" "state          submitted"
expect_exit 1 "a submitted one cannot be resubmitted" notification resubmit N000007 "$TMP/t1b.json"
expect_err "says so" "notification 'N000007' is submitted: only a returned one can be resubmitted"
expect_exit 0 "it is refused" notification decide N000007 refuse --grounds "no successor named"
expect_out "refused" "state          refused"
expect_exit 0 "" posting show T1 --format csv
if grep -q "2022-01-31" "$TMP/out"; then not_ok "a refused notification writes nothing"; else ok "a refused notification writes nothing"; fi
expect_exit 1 "a refused one cannot be withdrawn" notification withdraw N000007
expect_exit 0 "its history" notification show N000007
expect_out "submitted" "submitted  test  notification N000007 submitted"
expect_out "returned" "returned   test  notification N000007 returned"
expect_out "resubmitted" "submitted  test  notification N000007 resubmitted"
expect_out "refused" "refused    test  notification N000007 refused"

expect_exit 0 "another is submitted" notify "$TMP/t1b.json"
expect_exit 0 "and withdrawn" notification withdraw N000008
expect_out "withdrawn" "state          withdrawn"
expect_exit 1 "a withdrawn one cannot be accepted" notification decide N000008 accept
expect_err "already decided" "already decided: withdrawn"
expect_exit 0 "a third is submitted" notify "$TMP/t1b.json"
expect_exit 0 "returned" notification decide N000009 return --grounds "sign it"
expect_exit 0 "a returned one can be withdrawn" notification withdraw N000009
expect_exit 2 "withdraw without an id" notification withdraw
expect_exit 0 "list --kind termination --state refused" notification list --kind termination --state refused --format csv
expect_out "finds the refused one" "N000007,termination,RUS-WAS,refused"
if [ "$(wc -l <"$TMP/out")" -eq 2 ]; then ok "and only it"; else not_ok "and only it"; fi
expect_exit 0 "list --mission" notification list --mission USA-MOW --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "none for another mission"; else not_ok "none for another mission"; fi

# A notification is validated again when it is decided: one whose records
# the registry took meanwhile cannot be accepted.
sed 's/"T20"/"T30"/; s/"P20"/"P30"/; s/"P21"/"P31"/' "$TMP/app.json" >"$TMP/app30.json"
expect_exit 0 "an appointment naming T30" notify "$TMP/app30.json"
expect_exit 0 "the same again" notify "$TMP/app30.json"
expect_exit 0 "the first is accepted" notification decide N000010 accept
expect_exit 3 "the second, whose records exist now, cannot be" notification decide N000011 accept
expect_err "the person is a duplicate" "notification N000011: person.id: duplicate person 'P30'"
expect_err "the spouse too" "notification N000011: dependents[0].person.id: duplicate person 'P31'"
expect_exit 0 "it stays submitted" notification list --state submitted --format csv
expect_out "" "N000011,appointment"
expect_exit 0 "the log verifies" audit verify

done_testing
