#!/bin/sh
# dependent add|revoke|end: a member of a posting's household is validated
# as an import validates dependents.csv (known person and posting, not the
# posting's holder, dates inside the posting); a date already recorded is
# never overwritten; a refused write leaves the registry and its log
# unchanged.
. tests/cli/lib.sh

setup_small

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

# expect_dependent WHAT LINE: the exported dependents.csv has LINE.
expect_dependent() {
    rm -rf "$TMP/exp"
    ch export "$TMP/exp"
    if grep -qxF -- "$2" "$TMP/exp/dependents.csv"; then ok "$1"; else
        echo "# dependents.csv lacks: $2"
        sed 's/^/#   /' "$TMP/exp/dependents.csv"
        not_ok "$1"
    fi
}

expect_exit 0 "dependent --help" dependent --help
expect_out "family help lists add" "dependent add --person P --posting T"
for sub in add revoke end; do
    expect_exit 0 "dependent $sub --help" dependent "$sub" --help
    expect_out "dependent $sub --help prints usage" "usage: chancery dependent $sub"
done
expect_exit 2 "dependent without a subcommand" dependent

# Adding: every bad value is refused.
expect_refused "unknown posting" 3 "--posting: unknown posting 'T99'" \
    dependent add --person P3 --posting T99 --relation child
expect_refused "unknown person" 3 "--person: unknown person 'P99'" \
    dependent add --person P99 --posting T1 --relation child
expect_refused "bad relation" 3 "--relation: invalid relation 'cousin'" \
    dependent add --person P3 --posting T1 --relation cousin
expect_refused "impossible date" 3 "--joined: invalid date '2021-02-30'" \
    dependent add --person P3 --posting T1 --relation child \
    --joined 2021-02-30
expect_refused "duplicate" 3 "duplicate dependent 'P5/T2'" \
    dependent add --person P5 --posting T2 --relation spouse
expect_refused "the holder as a dependent" 3 \
    "person 'P1' holds posting 'T1' and cannot be its dependent" \
    dependent add --person P1 --posting T1 --relation spouse
expect_refused "joined before the posting's arrival" 3 \
    "dependent 'P3/T1': column 'joined': joined 2017-01-01 is before the posting's arrival 2017-08-21" \
    dependent add --person P3 --posting T1 --relation child \
    --joined 2017-01-01
expect_refused "missing relation" 2 "--relation is required" \
    dependent add --person P3 --posting T1
expect_refused "a stray argument" 2 "usage: chancery dependent add" \
    dependent add --person P3 --posting T1 --relation child P3
expect_exit 0 "add" dependent add --person P3 --posting T1 --relation child \
    --joined 2017-08-21 --accredited 2017-08-22 --note "son of the ambassador"
expect_out "add: confirmation" "dependent 'P3/T1' added"
expect_dependent "add: recorded" "P3,T1,child,2017-08-21,,2017-08-22,"
expect_exit 0 "add: history" history dependent P3/T1 --format csv
expect_out "add: history with its note" "insert,son of the ambassador"

# Revoking and leaving.
expect_refused "revoke unknown" 3 "unknown dependent 'P5/T99'" \
    dependent revoke P5 T99
expect_refused "revoke with one argument" 2 "usage: chancery dependent revoke" \
    dependent revoke P5
expect_refused "revoke before accredited" 3 \
    "revoked 2017-01-01 is before accredited 2017-08-22" \
    dependent revoke P3 T1 --on 2017-01-01
expect_refused "revoke on an impossible date" 3 "--on: invalid date '2021-02-29'" \
    dependent revoke P5 T2 --on 2021-02-29
expect_exit 0 "revoke" dependent revoke P5 T2 --on 2021-06-01
expect_out "revoke: confirmation" "dependent 'P5/T2' revoked on 2021-06-01"
expect_refused "revoke twice" 3 "dependent 'P5/T2' already revoked on 2021-06-01" \
    dependent revoke P5 T2
expect_refused "leave before joining" 3 "left 2016-01-01 is before joined 2018-12-10" \
    dependent end P5 T2 --on 2016-01-01
expect_exit 0 "end" dependent end P5 T2
expect_out "end defaults to today" "dependent 'P5/T2' left on 2021-12-04"
expect_refused "end twice" 3 "dependent 'P5/T2' already left on 2021-12-04" \
    dependent end P5 T2 --on 2021-12-05
expect_dependent "revoke and end: recorded" "P5,T2,spouse,2018-12-10,2021-12-04,2018-12-11,2021-06-01"
expect_exit 0 "history of the updates" history dependent P5/T2 --format csv
if [ "$(grep -c ',update,' "$TMP/out")" -eq 2 ]; then ok "two updates recorded"
else not_ok "two updates recorded"; fi

# A dependent of an ended posting must leave by the posting's end.
expect_exit 0 "add to an ended posting" dependent add --person P2 \
    --posting T3 --relation spouse --joined 2016-03-01
expect_refused "leave after the posting ended" 3 \
    "the posting's end 2018-04-24 is before left 2019-01-01" \
    dependent end P2 T3 --on 2019-01-01
expect_exit 0 "leave with the posting" dependent end P2 T3 --on 2018-04-24
expect_exit 0 "the log still verifies" audit verify
done_testing
