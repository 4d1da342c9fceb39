#!/bin/sh
# The postings' credentials column (schema 6): the day a head of mission
# took up functions. It is optional: files without it still import and
# export as they were; files with it round-trip byte for byte. Only a head
# of mission has credentials, presented after arrival and before the end.
. tests/cli/lib.sh

setup_small
expect_exit 0 "a registry without the column exports" export "$TMP/plain"
expect_same "without the column, as it was imported" "$TMP/reg/postings.csv" "$TMP/plain/postings.csv"
ch posting show T1 --format json
expect_out "posting show names the column" '"credentials": null'

HDR=id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason,credentials

# with_postings NAME: a copy of the small registry whose postings.csv is
# stdin, imported into a fresh database $TMP/NAME.db.
with_postings() {
    d="$TMP/$1"
    mkdir -p "$d"
    cp "$TMP/reg/"*.csv "$d/"
    cat >"$d/postings.csv"
    CHANCERY_DB="$TMP/$1.db" "$CHANCERY" init >/dev/null 2>&1
    CHANCERY_DB="$TMP/$1.db" ch import "$d"
}

with_postings good <<CSV
$HDR
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,,2017-09-05
T2,P2,RUS-WAS,Second Secretary,second_secretary,diplomatic_agent,false,2018-12-01,2018-12-10,2018-12-11,,,,
T3,P3,RUS-SEA,Consul,consul,consular_officer,false,2016-01-01,2016-02-01,2016-02-02,,2018-04-24,ordered_departure,
T4,P4,USA-MOW,Counselor,counselor,diplomatic_agent,false,2019-01-01,2019-01-10,2019-01-11,,,,
T5,P5,RUS-UN,Attache,attache,admin_technical,false,2019-03-01,2019-03-15,2019-03-16,,,,
CSV
if [ $ch_rc -eq 0 ]; then ok "credentials import"; else not_ok "credentials import"; fi
CHANCERY_DB="$TMP/good.db" ch posting show T1 --format csv
expect_out "posting show gives the date" "2017-08-22,,,,2017-09-05"
CHANCERY_DB="$TMP/good.db" expect_exit 0 "export with credentials" export "$TMP/good-exp"
expect_same "round trip with the column is byte-exact" "$TMP/good/postings.csv" "$TMP/good-exp/postings.csv"
CHANCERY_DB="$TMP/good.db" ch history posting T1 --format csv
expect_out "the change log's image carries the date" '""credentials"":""2017-09-05""'
CHANCERY_DB="$TMP/good.db" ch history posting T2 --format csv
if grep -q credentials "$TMP/out"; then not_ok "an absent credentials date stays out of the image"
else ok "an absent credentials date stays out of the image"; fi
CHANCERY_DB="$TMP/good.db" expect_exit 0 "the chain verifies" audit verify

# expect_invalid WHAT MESSAGE: the last import exited 3 with MESSAGE.
expect_invalid() {
    if [ "$ch_rc" -eq 3 ] && grep -qF -- "$2" "$TMP/err"; then ok "$1"; else
        echo "# exit $ch_rc; wanted 3 and: $2"; not_ok "$1"; fi
}

with_postings not-head <<CSV
$HDR
T2,P2,RUS-WAS,Second Secretary,second_secretary,diplomatic_agent,false,2018-12-01,2018-12-10,2018-12-11,,,,2018-12-20
CSV
expect_invalid "only a head of mission" "postings.csv:2: column 'credentials': only a head of mission presents credentials"

with_postings before-arrival <<CSV
$HDR
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,,2017-08-20
CSV
expect_invalid "not before arrival" "postings.csv:2: column 'credentials': credentials 2017-08-20 is before arrived 2017-08-21"

with_postings no-arrival <<CSV
$HDR
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,,,,,,2017-08-20
CSV
expect_invalid "not without arrival" "postings.csv:2: column 'credentials': credentials 2017-08-20 need the posting's arrival"

with_postings after-end <<CSV
$HDR
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,2019-01-01,recalled,2019-01-01
CSV
expect_invalid "not on or after the end" "postings.csv:2: column 'credentials': credentials 2019-01-01 are not before ended 2019-01-01"

with_postings bad-date <<CSV
$HDR
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,,2017-02-30
CSV
expect_invalid "an impossible date" "postings.csv:2: column 'credentials': invalid date '2017-02-30'"

# The write path: posting credentials, validated by the same rules.
expect_exit 3 "credentials of a posting that is no head" posting credentials T2 --on 2019-01-01
expect_err "are refused" "column 'credentials': only a head of mission presents credentials"
expect_exit 3 "credentials before arrival" posting credentials T1 --on 2017-08-20
expect_exit 0 "credentials recorded" posting credentials T1 --on 2017-09-05 --note "presented to the President"
ch posting show T1 --format csv
expect_out "and shown" "2017-08-22,,,,2017-09-05"
expect_exit 3 "recorded once" posting credentials T1 --on 2017-09-06
expect_exit 0 "the chain verifies after the write" audit verify
expect_exit 0 "export with the column" export "$TMP/after"
if head -n 1 "$TMP/after/postings.csv" | grep -q ',credentials$'; then ok "the export gains the column once used"; else
    not_ok "the export gains the column once used"; fi

done_testing
