#!/bin/sh
# person list|show|add: the filters select what they say, show adds the
# person's postings, and add validates as an import does: every bad value
# exits 3 (a usage error 2) and leaves the registry and its log unchanged.
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

expect_exit 0 "person list" person list
expect_out "list has P1" "P1  Antonov      Anatoly      M    1955-05-15  RUS"
expect_out "list has P4" "P4  Smith"
expect_exit 0 "person list --nationality USA" person list --nationality USA
expect_out "USA: Smith" "Smith"
expect_not_out "USA: no Russian" "Antonov"
expect_exit 0 "person list --name Iv" person list --name Iv --format csv
expect_out "--name matches a family name" "P2,Ivanova,Olga,F,1980-02-29,RUS,"
expect_out "--name matches another family name" "P5,Ivanov,Sergei"
expect_out "--name matches a given name" "P3,Petrov,Ivan"
expect_not_out "--name leaves out the rest" "Antonov"
expect_exit 0 "person list --name iv" person list --name iv --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "--name is case-sensitive"
else not_ok "--name is case-sensitive"; fi
expect_exit 0 "both filters" person list --name Smith --nationality RUS
expect_not_out "both filters apply" "Smith"
expect_exit 3 "unknown --nationality" person list --nationality ZZZ
expect_err "unknown --nationality: message" "--nationality: unknown state 'ZZZ'"
expect_exit 2 "person list extra argument" person list P1
expect_exit 0 "person list --help" person list --help
expect_out "list --help prints usage" "usage: chancery person list"

expect_exit 0 "person show" person show P2
expect_out "show: family name" "family_name  Ivanova"
expect_out "show: birth date" "birth_date   1980-02-29"
expect_out "show: postings heading" "postings (status on 2021-12-04):"
expect_out "show: the posting" "T2  RUS-WAS  Second Secretary"
expect_exit 0 "person show P3" person show P3
expect_out "show: an ended posting" "2018-04-24  ordered_departure"
expect_exit 0 "person show json" --format json person show P2
expect_out "json: one object" '"family_name": "Ivanova"'
expect_out "json: absent is null" '"passport": null'
expect_not_out "json: no second grid" "postings:"
expect_exit 3 "person show unknown" person show P9
expect_err "show unknown: message" "unknown person 'P9'"
expect_exit 2 "person show without id" person show
expect_exit 0 "person show --help" person show --help
expect_out "show --help prints usage" "usage: chancery person show ID"
expect_exit 0 "person --help" person --help
expect_out "family help lists add" "person add --id ID --family-name TEXT"
expect_exit 2 "person unknown subcommand" person frobnicate

ch person list --format csv
cp "$TMP/out" "$TMP/list.before"
expect_refused "duplicate id" 3 "duplicate person 'P1'" \
    person add --id P1 --family-name Other
expect_refused "bad sex" 3 "--sex: invalid sex 'Q'" \
    person add --id P9 --family-name Orlov --sex Q
expect_refused "impossible birth date" 3 \
    "--birth-date: invalid date '2021-02-30'" \
    person add --id P9 --family-name Orlov --birth-date 2021-02-30
expect_refused "unknown nationality" 3 "--nationality: unknown state 'ZZZ'" \
    person add --id P9 --family-name Orlov --nationality ZZZ
expect_refused "every bad value reported" 3 "2 errors: nothing was written" \
    person add --id P9 --family-name Orlov --sex Q --birth-date 1990-13-01
expect_refused "id with a space" 3 "--id: invalid id 'P 9'" \
    person add --id "P 9" --family-name Orlov
expect_refused "empty family name" 3 "--family-name: a value is required" \
    person add --id P9 --family-name ""
expect_refused "missing family name" 2 "--family-name is required" \
    person add --id P9
expect_refused "missing id" 2 "--id is required" \
    person add --family-name Orlov
expect_refused "unknown option" 2 "usage: chancery person add" \
    person add --id P9 --family-name Orlov --rank attache
expect_refused "stray argument" 2 "usage: chancery person add" \
    person add --id P9 --family-name Orlov P9
expect_refused "write as known on" 2 "--as-known-on is for reads only" \
    --as-known-on 2021-01-01 person add --id P9 --family-name Orlov
ch person list --format csv
expect_same "the list is unchanged after the failures" "$TMP/list.before" \
    "$TMP/out"

expect_exit 0 "person add --help" person add --help
expect_out "add --help prints usage" "usage: chancery person add --id ID"
expect_exit 0 "person add" person add --id P9 --family-name Orlov \
    --given-names "Pavel Ivanovich" --sex M --birth-date 1990-01-31 \
    --nationality RUS --passport 7200001 --note "new attache"
expect_out "add: confirmation" "person 'P9' added"
expect_exit 0 "the new person is listed" person list --format csv --name Pavel
expect_out "add: every field" "P9,Orlov,Pavel Ivanovich,M,1990-01-31,RUS,7200001"
expect_exit 0 "history of the new person" history person P9 --format csv
expect_out "history: the insert with its note" "insert,new attache"
expect_exit 0 "a minimal person" person add --id P10 --family-name Solo
expect_exit 0 "minimal person shown" --format json person show P10
expect_out "minimal: absent sex is null" '"sex": null'
expect_exit 0 "the log still verifies" audit verify
# Text from the command line is checked as UTF-8 like text from files.
bad_name=$(printf 'Iv\377nova')
expect_exit 3 "person add refuses invalid UTF-8" person add --id P77 --family-name "$bad_name"
expect_err "the field is named" "--family-name: invalid UTF-8"
expect_exit 3 "nothing was written" person show P77

done_testing
