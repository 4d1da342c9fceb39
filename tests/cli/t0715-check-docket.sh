#!/bin/sh
# check as a docket: a header naming the date (and "today" when no --as-of
# is given) and the as-known-on date, --kind and --policy to narrow, and
# the totals by kind and by policy, with the waves of a tenure cap: on
# 2021-12-04 the US three-year rule gives the 55, 27 by 2022-01-30 and 28
# by 2022-06-30. JSON carries the same header and totals; CSV stays rows.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

expect_exit 0 "check --kind over_tenure" check --as-of 2021-12-04 --issuer USA --kind over_tenure
expect_out "header names the date" "Findings as of 2021-12-04, as known now"
expect_out "header names the filters" "Issuer: USA; target: any; kind: over_tenure; policy: any; assumed: nothing"
expect_out "total" "55 findings, 0 overdue"
expect_out "by kind" "  over_tenure        55 (0 overdue)"
expect_out "by policy, with waves" "usa-rus-tenure: 55, 27 by 2022-01-30, 28 by 2022-06-30"
if grep -q "visa_overdue\|dependent_status" "$TMP/out"; then
    not_ok "--kind keeps only that kind"; else ok "--kind keeps only that kind"; fi

expect_exit 0 "check without --as-of" check --issuer USA
expect_out "today is named" "Findings as of 2021-12-04 (today)"
expect_out "every kind totalled" "  visa_overdue       51 (51 overdue)"
expect_out "a policy with one deadline" "usa-rus-family-2021: 254, all by 2021-12-01; 254 overdue"
expect_out "a spread of deadlines is no wave" "  usa-un-visa-sla: 51; 51 overdue"

expect_exit 0 "check --policy" check --as-of 2021-12-04 --policy usa-rus-tenure --assume us-compromise
expect_out "policy filter in the header" "policy: usa-rus-tenure; assumed: us-compromise"
expect_out "policy filter total" "55 findings"

expect_exit 0 "as known on a date" --as-known-on 2021-12-04 check --as-of 2021-12-04 --issuer USA --kind over_tenure
expect_out "header names the as-known-on date" "as known on 2021-12-04 (changes recorded by then)"

expect_exit 0 "CSV stays rows" check --as-of 2021-12-04 --issuer USA --kind over_tenure --format csv
if [ "$(wc -l <"$TMP/out")" -eq 56 ] && head -n 1 "$TMP/out" | grep -q '^id,policy,kind'; then
    ok "CSV: a header and 55 rows"; else not_ok "CSV: a header and 55 rows"; fi

expect_exit 0 "JSON docket" check --as-of 2021-12-04 --issuer USA --kind over_tenure --format json
expect_out "JSON as_of" '"as_of": "2021-12-04"'
expect_out "JSON as_of_is_today" '"as_of_is_today": false'
expect_out "JSON as_known_on" '"as_known_on": null'
expect_out "JSON kind filter" '"kind": "over_tenure",'
expect_out "JSON findings" '"findings": ['
expect_out "JSON summary" '"summary": {'
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
if grep -qF '"by_deadline":[{"deadline":"2022-01-30","count":27,"overdue":0},{"deadline":"2022-06-30","count":28,"overdue":0}]' "$TMP/flat"; then
    ok "JSON waves 27 and 28"; else not_ok "JSON waves 27 and 28"; fi
if grep -qF '"summary":{"count":55,"overdue":0,' "$TMP/flat"; then
    ok "JSON total 55"; else not_ok "JSON total 55"; fi

expect_exit 2 "an unknown kind" check --kind tenure
expect_err "unknown kind message" "--kind: 'tenure' is not over_tenure"
expect_exit 3 "an unknown policy" check --policy usa-rus-tenur
expect_err "unknown policy message" "--policy: unknown policy 'usa-rus-tenur'"

done_testing
