#!/bin/sh
# check and explain on the demo registry: on 2021-12-04 the US three-year
# rule lists the 55 Russian staff (27 due by 2022-01-30, 28 by
# 2022-06-30); on 2022-02-01 Russia's first rule finds US staff overdue,
# and assuming "us-compromise" voids its second, which reaches the next
# group alone. Then the command's
# formats, --strict and its bad-input paths.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

# count_rows PATTERN: rows of the last CSV output matching an ERE.
count_rows() {
    grep -cE -- "$1" "$TMP/out"
}

# expect_count WHAT N PATTERN
expect_count() {
    got=$(count_rows "$3")
    if [ "$got" -eq "$2" ]; then ok "$1"; else
        echo "# $got rows match $3, wanted $2"; not_ok "$1"; fi
}

expect_exit 0 "check the US rules on 2021-12-04" check --as-of 2021-12-04 --issuer USA --format csv
expect_count "55 Russian staff under usa-rus-tenure" 55 '^usa-rus-tenure:T[0-9]+,usa-rus-tenure,over_tenure,posting '
expect_count "27 due by 2022-01-30" 27 '^usa-rus-tenure:[^,]*,usa-rus-tenure,over_tenure,[^,]*,2022-01-30,false,'
expect_count "28 due by 2022-06-30" 28 '^usa-rus-tenure:[^,]*,usa-rus-tenure,over_tenure,[^,]*,2022-06-30,false,'
expect_count "no other tenure deadline" 0 '^usa-rus-tenure:[^,]*,[^,]*,[^,]*,[^,]*,20(2[^2]|22-0[^16])'
expect_count "no finding on the Russian side" 0 '^rus-'
first=$(grep -m1 '^usa-rus-tenure:' "$TMP/out" | cut -d, -f1)

expect_exit 0 "the same in a table" check --as-of 2021-12-04 --issuer USA --target RUS
expect_out "table header" "id"
expect_out "table row" "over_tenure"

# Russia's rule on US staff: overdue on 2022-02-01; its second wave is void
# while the US compromise is assumed.
expect_exit 0 "check the Russian rules on 2022-02-01" check --as-of 2022-02-01 --issuer RUS --format csv
expect_count "US staff overdue under rus-usa-tenure" 14 '^rus-usa-tenure:[^,]*,rus-usa-tenure,over_tenure,[^,]*,2022-01-31,true,'
expect_count "the second group binds" 11 '^rus-usa-tenure-2:[^,]*,rus-usa-tenure-2,over_tenure,[^,]*,2022-07-31,false,'
expect_exit 0 "assume us-compromise" check --as-of 2022-02-01 --issuer RUS --assume us-compromise --format csv
expect_count "the second wave is void" 0 '^rus-usa-tenure-2:'
expect_count "the first rule still binds" 14 '^rus-usa-tenure:'

# On 2022-07-15 the compromise makes exactly one difference: the second
# group, due by 2022-07-31, no longer has to leave.
expect_exit 0 "check the Russian rules on 2022-07-15" check --as-of 2022-07-15 --issuer RUS --format csv
cp "$TMP/out" "$TMP/announced.csv"
expect_exit 0 "the same assuming the compromise" check --as-of 2022-07-15 --issuer RUS --assume us-compromise --format csv
diff "$TMP/announced.csv" "$TMP/out" | sed -n 's/^< //p' >"$TMP/gone"
if [ "$(grep -c '^rus-usa-tenure-2:[^,]*,rus-usa-tenure-2,over_tenure,[^,]*,2022-07-31,false,' "$TMP/gone")" -eq 11 ] &&
    [ "$(wc -l <"$TMP/gone")" -eq 11 ] && ! diff "$TMP/announced.csv" "$TMP/out" | grep -q '^>'; then
    ok "they differ by the second group alone"
else not_ok "they differ by the second group alone"; fi
expect_count "the first group, overdue, either way" 14 '^rus-usa-tenure:[^,]*,rus-usa-tenure,over_tenure,[^,]*,2022-01-31,true,'

# The 2016 expulsion: due on the declaration, complied with by the deadline.
expect_exit 0 "check on 2016-12-30" check --as-of 2016-12-30 --issuer USA --format csv
expect_count "35 persona non grata due" 35 '^usa-rus-expulsion-2016:[^,]*,[^,]*,departure_due,[^,]*,2017-01-01,false,'
expect_exit 0 "check on 2017-01-02" check --as-of 2017-01-02 --issuer USA --format csv
expect_count "all of them left in time" 0 '^usa-rus-expulsion-2016:'

# JSON carries every field, explain as an array of strings.
expect_exit 0 "check as JSON" check --as-of 2021-12-04 --issuer USA --format json
expect_out "JSON id" "\"id\": \"$first\""
expect_out "JSON subject" '"entity": "posting"'
expect_out "JSON as_of" '"as_of": "2021-12-04"'
expect_out "JSON overdue" '"overdue": false'
expect_out "JSON explain" '"explain": ['
expect_out "JSON explain text" '"Cap date: '

# --strict: 4 with findings, 0 without.
expect_exit 4 "--strict with findings" check --as-of 2021-12-04 --issuer USA --strict
expect_exit 0 "--strict without findings" check --as-of 2015-01-01 --strict
expect_exit 0 "no finding before any policy" check --as-of 2015-01-01 --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "only the header"; else not_ok "only the header"; fi

# explain
expect_exit 0 "explain a finding" explain "$first" --as-of 2021-12-04
expect_out "explain names the policy" "Policy usa-rus-tenure (tenure_cap, USA on RUS)"
expect_out "explain gives the cap date" "Cap date:"
expect_out "explain gives the result" "Result: the posting must end by"
expect_exit 0 "explain as JSON" --format json explain "$first" --as-of 2021-12-04
expect_out "explain JSON" '"explain": ['
expect_exit 0 "explain as CSV" --format csv explain "$first" --as-of 2021-12-04
expect_out "explain CSV header" "step,text"
expect_exit 3 "explain an unknown finding" explain usa-rus-tenure:T99999 --as-of 2021-12-04
expect_err "explain: message" "no finding 'usa-rus-tenure:T99999' on 2021-12-04"
expect_exit 3 "a finding that does not bind on another date" explain "$first" --as-of 2015-01-01

# Bad input.
expect_exit 2 "check: a bad date" check --as-of 2021-02-30
expect_err "check: a bad date names the option" "--as-of"
expect_exit 3 "check: an unknown issuer" check --issuer XXX
expect_err "check: unknown issuer message" "--issuer: unknown state 'XXX'"
expect_exit 3 "check: an unknown target" check --target XXX
expect_exit 2 "check: an unknown option" check --bogus
expect_exit 2 "check: a stray argument" check 2021-12-04
expect_exit 2 "explain without a finding" explain
expect_exit 2 "explain with two findings" explain a b
# The table and CSV evaluate without the explain chains (they show none):
# every finding, with its deadline, state and detail, is JSON's all the
# same, on dates where every kind of the demo binds.
for d in 2021-12-04 2022-02-01 2022-07-15; do
    ch check --as-of "$d" --format csv && cp "$TMP/out" "$TMP/terse.csv"
    ch check --as-of "$d" --format json && cp "$TMP/out" "$TMP/full.json"
    if /usr/bin/python3 -c '
import csv, json, sys
rows = [(r["id"], r["deadline"], r["overdue"], r["detail"])
        for r in csv.DictReader(open(sys.argv[1]))]
full = json.load(open(sys.argv[2]))["findings"]
want = [(f["id"], f["deadline"] or "", "true" if f["overdue"] else "false",
         f["detail"]) for f in full]
sys.exit(not rows or rows != want or not all(f["explain"] for f in full))
' "$TMP/terse.csv" "$TMP/full.json"; then
        ok "check on $d: the CSV's findings are the JSON's"
    else
        not_ok "check on $d: the CSV's findings are the JSON's"
    fi
done
expect_exit 0 "check --help" check --help
CHANCERY_DB="$TMP/none.db" expect_exit 1 "check without a registry" check

done_testing
