#!/bin/sh
# posting list|show|notify|arrive|accredit|refuse|end: the filters follow
# the counting rule (the day of departure is the first day away), and each
# milestone is validated by the record rules an import applies; a bad
# value exits 3 (a usage error 2), a milestone is never recorded twice, and
# a refused write leaves the registry and its log unchanged. A read as
# known on an earlier day shows the registry before a later update.
. tests/cli/lib.sh

setup_small

# expect_not_out WHAT TEXT: the last run's stdout lacks TEXT.
expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

# expect_refused WHAT CODE MESSAGE ARGS...: chancery ARGS exits CODE with
# MESSAGE on stderr, and the change log did not grow.
expect_refused() {
    r_what=$1 r_code=$2 r_msg=$3
    shift 3
    ch audit verify
    r_before=$(cat "$TMP/out")
    expect_exit "$r_code" "$r_what: exit $r_code" "$@"
    expect_err "$r_what: message" "$r_msg"
    ch audit verify
    if [ "$(cat "$TMP/out")" = "$r_before" ]; then
        ok "$r_what: nothing written"; else not_ok "$r_what: nothing written"; fi
}

# Reading.
expect_exit 0 "posting list" posting list --format csv
expect_out "list: T1 in full" "T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,"
expect_out "list: T3 ended" "2018-04-24,ordered_departure"
expect_exit 0 "list --mission" posting list --mission RUS-WAS --format csv
expect_out "--mission: T1" "T1,P1,RUS-WAS"
expect_out "--mission: T2" "T2,P2,RUS-WAS"
expect_not_out "--mission: not T3" "T3,"
expect_exit 0 "list --person" posting list --person P3 --format csv
expect_out "--person: T3" "T3,P3,RUS-SEA"
expect_not_out "--person: not T1" "T1,"
expect_exit 0 "present the day before departure" \
    posting list --present-on 2018-04-23 --format csv
expect_out "present on 2018-04-23: T3" "T3,"
expect_exit 0 "gone on the day of departure" \
    posting list --mission RUS-SEA --present-on 2018-04-24 --format csv
expect_not_out "absent on 2018-04-24: T3" "T3,"
expect_exit 0 "present on a date" posting list --present-on 2018-05-01 \
    --format csv
expect_out "present on 2018-05-01: T1" "T1,"
expect_not_out "not yet arrived on 2018-05-01: T2" "T2,"
expect_exit 0 "filters combine" posting list --person P2 --mission RUS-UN
expect_not_out "filters combine: nothing" "T2"
expect_exit 3 "list unknown mission" posting list --mission RUS-NYC
expect_err "list unknown mission: message" "--mission: unknown mission 'RUS-NYC'"
expect_exit 3 "list unknown person" posting list --person P99
expect_exit 2 "list impossible date" posting list --present-on 2021-02-30
expect_err "list impossible date: message" "--present-on: invalid date '2021-02-30'"
expect_exit 0 "posting show" posting show T1
expect_out "show: head of mission" "head_of_mission  true"
expect_out "show: accredited" "accredited       2017-08-22"
expect_exit 0 "posting show json" --format json posting show T1
expect_out "json: boolean" '"head_of_mission": true'
expect_out "json: absent is null" '"ended": null'
expect_exit 3 "show unknown" posting show T99
expect_err "show unknown: message" "unknown posting 'T99'"
expect_exit 2 "show without id" posting show
for sub in list show notify arrive accredit refuse end; do
    expect_exit 0 "posting $sub --help" posting "$sub" --help
    expect_out "posting $sub --help prints usage" "usage: chancery posting $sub"
done

# Notifying: every bad value is refused and nothing is written.
ch posting list --format csv
cp "$TMP/out" "$TMP/list.before"
expect_refused "unknown person" 3 "--person: unknown person 'P99'" \
    posting notify --id T6 --person P99 --mission RUS-WAS \
    --category diplomatic_agent
expect_refused "unknown mission" 3 "--mission: unknown mission 'RUS-NYC'" \
    posting notify --id T6 --person P3 --mission RUS-NYC \
    --category diplomatic_agent
expect_refused "bad category" 3 "--category: invalid staff category 'spy'" \
    posting notify --id T6 --person P3 --mission RUS-WAS --category spy
expect_refused "bad rank" 3 "--rank: invalid rank 'general'" \
    posting notify --id T6 --person P3 --mission RUS-WAS \
    --category diplomatic_agent --rank general
expect_refused "impossible date" 3 "--notified: invalid date '2021-02-30'" \
    posting notify --id T6 --person P3 --mission RUS-WAS \
    --category diplomatic_agent --notified 2021-02-30
expect_refused "arrived before notified" 3 \
    "posting 'T6': column 'arrived': arrived 2021-01-01 is before notified 2021-01-10" \
    posting notify --id T6 --person P3 --mission RUS-WAS \
    --category diplomatic_agent --notified 2021-01-10 --arrived 2021-01-01
expect_refused "arrival at a closed mission" 3 \
    "mission 'RUS-SEA' was not open on 2018-04-24 (closed 2018-04-24)" \
    posting notify --id T6 --person P3 --mission RUS-SEA \
    --category consular_officer --notified 2018-04-01 --arrived 2018-04-24
expect_refused "duplicate id" 3 "duplicate posting 'T1'" \
    posting notify --id T1 --person P3 --mission RUS-WAS \
    --category diplomatic_agent
expect_refused "missing category" 2 "--category is required" \
    posting notify --id T6 --person P3 --mission RUS-WAS
expect_refused "unknown option" 2 "usage: chancery posting notify" \
    posting notify --id T6 --person P3 --mission RUS-WAS \
    --category diplomatic_agent --reason recalled
ch posting list --format csv
expect_same "the list is unchanged after the failures" "$TMP/list.before" \
    "$TMP/out"

expect_exit 0 "notify" posting notify --id T6 --person P3 --mission RUS-WAS \
    --category diplomatic_agent --rank counselor --title Counselor \
    --note "note verbale 12"
expect_out "notify: confirmation" "posting 'T6' added"
expect_exit 0 "notify: shown" posting show T6 --format csv
expect_out "notified defaults to today" \
    "T6,P3,RUS-WAS,Counselor,counselor,diplomatic_agent,false,2021-12-04,,,,,"
expect_exit 0 "notify a head of mission" posting notify --id T7 --person P4 \
    --mission USA-MOW --category diplomatic_agent --head --notified 2021-11-01
expect_exit 0 "notify --head: shown" posting show T7 --format csv
expect_out "--head sets head_of_mission" "T7,P4,USA-MOW,,,diplomatic_agent,true,2021-11-01"
expect_exit 0 "notify at a mission before it closed" posting notify --id T8 \
    --person P3 --mission RUS-SEA --category consular_officer \
    --notified 2018-04-01

# Milestones.
expect_refused "arrive before notified" 3 \
    "arrived 2021-12-01 is before notified 2021-12-04" \
    posting arrive T6 --on 2021-12-01
expect_refused "arrive after the mission closed" 3 \
    "mission 'RUS-SEA' was not open on 2018-05-01 (closed 2018-04-24)" \
    posting arrive T8 --on 2018-05-01
expect_exit 0 "arrive" posting arrive T6 --on 2021-12-10
expect_out "arrive: confirmation" "posting 'T6' arrived on 2021-12-10"
expect_refused "arrive twice" 3 "posting 'T6' already arrived on 2021-12-10" \
    posting arrive T6
expect_refused "accredit impossible date" 3 "--on: invalid date '2021-02-30'" \
    posting accredit T6 --on 2021-02-30
expect_refused "accredit unknown" 3 "unknown posting 'T99'" \
    posting accredit T99
expect_exit 0 "accredit" posting accredit T6 --on 2021-12-11 \
    --note "agrement granted"
expect_out "accredit: confirmation" "posting 'T6' accredited on 2021-12-11"
expect_refused "accredit twice" 3 "posting 'T6' already accredited on 2021-12-11" \
    posting accredit T6
expect_refused "refuse an accredited posting" 3 \
    "posting 'T6' already accredited on 2021-12-11" posting refuse T6
expect_exit 0 "refuse" posting refuse T7
expect_out "refuse defaults to today" "posting 'T7' refused on 2021-12-04"
expect_refused "accredit a refused posting" 3 \
    "posting 'T7' already refused on 2021-12-04" posting accredit T7
expect_refused "refuse before notified" 3 \
    "refused 2018-03-01 is before notified 2018-04-01" \
    posting refuse T8 --on 2018-03-01
expect_refused "end before arrival" 3 \
    "posting 'T1': column 'ended': ended 2017-01-01 is before arrived 2017-08-21" \
    posting end T1 --on 2017-01-01 --reason recalled
expect_refused "end with a bad reason" 3 "--reason: invalid end reason 'fired'" \
    posting end T1 --reason fired
expect_refused "end on an impossible date" 3 "--on: invalid date '2021-02-30'" \
    posting end T1 --on 2021-02-30 --reason recalled
expect_refused "end without a reason" 2 "--reason is required" \
    posting end T1 --on 2021-06-01
expect_refused "end unknown" 3 "unknown posting 'T99'" \
    posting end T99 --reason recalled
expect_refused "end without an id" 2 "usage: chancery posting end" \
    posting end --reason recalled
expect_exit 0 "end" posting end T2 --on 2021-01-01 --reason recalled
expect_out "end: confirmation" "posting 'T2' ended on 2021-01-01"
expect_refused "end twice" 3 "posting 'T2' already ended on 2021-01-01" \
    posting end T2 --on 2021-06-01 --reason tour_completed
expect_refused "end an imported ended posting" 3 \
    "posting 'T3' already ended on 2018-04-24" posting end T3 --reason recalled
expect_exit 0 "ended: shown" posting show T2 --format csv
expect_out "end: both fields" "2018-12-11,,2021-01-01,recalled"

# Known on: an update recorded later is not in a read as known before it.
CHANCERY_TODAY=2022-01-30 # recorded on a later day
expect_exit 0 "end later" posting end T1 --reason persona_non_grata
CHANCERY_TODAY=2021-12-04
expect_out "end --on defaults to today" "posting 'T1' ended on 2022-01-30"
expect_exit 0 "show now" --format json posting show T1
expect_out "now: ended" '"ended": "2022-01-30"'
expect_exit 0 "show as known before" --format json posting show T1 \
    --as-known-on 2021-12-31
expect_out "as known before: not ended" '"ended": null'
expect_out "as known before: no reason" '"end_reason": null'
expect_exit 0 "list as known before" posting list --present-on 2022-02-01 \
    --as-known-on 2021-12-31 --format csv
expect_out "as known before: T1 present" "T1,"
expect_exit 0 "list now" posting list --present-on 2022-02-01 --format csv
expect_not_out "now: T1 gone" "T1,"
expect_refused "a write as known on" 2 "--as-known-on is for reads only" \
    posting arrive T8 --on 2018-04-02 --as-known-on 2021-12-31
expect_exit 0 "the log still verifies" audit verify
done_testing
