#!/bin/sh
# The corrections and changes an office records daily, as notification
# kinds: a transfer (the end and the new posting in one change set), a
# dependent accredited later, a person's particulars corrected; and
# `dependent accredit` as a direct officer command.
. tests/cli/lib.sh
setup_small

notify_file() {
    printf '%s\n' "$2" >"$TMP/$1.json"
}

# A transfer: T2 ends, its holder's new posting T50 begins at the UN
# mission, both in the change set of the acceptance.
notify_file tr '{"kind":"transfer","mission":"RUS-WAS","posting":"T2","ended":"2021-07-01","end_reason":"transferred",
 "to":{"id":"T50","mission":"RUS-UN","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","arrived":"2021-07-02"}}'
expect_exit 0 "a transfer is submitted" notify "$TMP/tr.json"
expect_exit 0 "and accepted" notification decide N000001 accept --format json
set_id=$(sed -n 's/.*"change_set": \([0-9]*\).*/\1/p' "$TMP/out")
expect_exit 0 "" posting list --format csv
expect_out "the posting ended" "T2,P2,RUS-WAS,Second Secretary,second_secretary,diplomatic_agent,false,2018-12-01,2018-12-10,2018-12-11,,2021-07-01,transferred"
expect_out "the new one begun, held by the same person" "T50,P2,RUS-UN,Counsellor,counselor,diplomatic_agent,false,,2021-07-02"
if db_has_sql; then
    got=$(db_sql "SELECT op || ' ' || entity || ' ' || key FROM changes WHERE change_set = $set_id ORDER BY seq" | paste -sd, - | sed 's/,/, /g')
    if [ "$got" = "update posting T2, insert posting T50, update notification N000001" ]; then
        ok "the end and the new posting in one change set"; else
        echo "# $got"; not_ok "the end and the new posting in one change set"; fi
else
    ok "one change set # skip sqlite3 not installed"
fi
notify_file tr2 '{"kind":"transfer","mission":"RUS-WAS","posting":"T1","ended":"2021-07-01","end_reason":"transferred","to":{"id":"T51","person":"P3","category":"diplomatic_agent"}}'
expect_exit 3 "a transfer naming another holder" notify "$TMP/tr2.json"
expect_err "is refused" "tr2.json: to.person: the holder of the posting ended"
expect_err "the new posting is checked as an import checks it" "tr2.json: to.arrived: a posting needs notified or arrived"
notify_file tr3 '{"kind":"transfer","mission":"RUS-WAS","posting":"T1","ended":"2021-07-01","end_reason":"transferred"}'
expect_exit 3 "a transfer without its new posting" notify "$TMP/tr3.json"
expect_err "is refused" "tr3.json: to: required: a posting object"

# A dependent accredited later.
expect_exit 0 "a spouse joins, not accredited" dependent add --person P3 --posting T1 --relation spouse --joined 2021-01-01
notify_file acc '{"kind":"dependent_accredit","mission":"RUS-WAS","posting":"T1","person":"P3","accredited":"2021-02-01"}'
expect_exit 0 "the accreditation is notified" notify "$TMP/acc.json"
expect_exit 0 "and accepted" notification decide N000002 accept
expect_exit 0 "" history dependent P3/T1 --format csv
expect_out "the dependent is accredited" '""accredited"":""2021-02-01""'
expect_exit 3 "a second accreditation" notify "$TMP/acc.json"
expect_err "is refused" "acc.json: accredited: dependent 'P3/T1' already has one"

# A person's particulars corrected.
notify_file cor '{"kind":"correction","mission":"RUS-WAS","person":"P1","given_names":"Anatoly I.","passport":"X1234567"}'
expect_exit 0 "a correction is notified" notify "$TMP/cor.json"
expect_exit 0 "and accepted" notification decide N000003 accept
expect_exit 0 "" person show P1 --format csv
expect_out "the person is corrected" "P1,Antonov,Anatoly I.,M,1955-05-15,RUS,X1234567"
notify_file cor2 '{"kind":"correction","mission":"RUS-WAS","person":"P4","sex":"Z","posting":"T4"}'
expect_exit 3 "a correction of someone of another mission" notify "$TMP/cor2.json"
expect_err "is refused" "cor2.json: person: 'P4' holds no posting at 'RUS-WAS'"
expect_err "a key the kind lacks" "cor2.json: posting: unknown field for a correction"

# The officer's own command.
expect_exit 0 "a child joins" dependent add --person P4 --posting T1 --relation child --joined 2021-01-01
expect_exit 0 "dependent accredit" dependent accredit P4 T1 --on 2021-03-01 --note "late accreditation"
expect_out "says so" "dependent 'P4/T1' accredited on 2021-03-01"
expect_exit 3 "never twice" dependent accredit P4 T1 --on 2021-03-02
expect_err "says when" "dependent 'P4/T1' already accredited on 2021-03-01"
expect_exit 0 "" history dependent P4/T1 --format csv
expect_out "with its reason" "late accreditation"
expect_exit 0 "the log verifies" audit verify

done_testing
