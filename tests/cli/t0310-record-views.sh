#!/bin/sh
# Records that answer the officer: posting show gives the status on a date,
# the household present, the cap dates under the tenure rules in force
# and the open findings about the posting or its household; person show
# gives the person's postings, households (as a dependent) and visa cases.
# JSON adds each part to the record's object; CSV stays the record alone.
. tests/cli/lib.sh

# expect_next WHAT LINE NEXT: in the last stdout, LINE is followed by NEXT.
expect_next() {
    if awk -v a="$2" -v b="$3" 'p && $0 == b { f = 1 } { p = ($0 == a) }
        END { exit !f }' "$TMP/out"; then ok "$1"; else
        echo "# no line '$3' after '$2'"; not_ok "$1"; fi
}

setup_small
cat >"$TMP/p.json" <<'JSON'
[{"id":"usa-rus-tenure","title":"Three years","kind":"tenure_cap",
"issuer":"USA","target":"RUS","scope":{"mission_kinds":["embassy"]},
"effective":{"from":"2020-12-01","to":null},
"params":{"max_tenure":"P3Y","rounding":"down",
"waves":[{"over_by":"2022-01-30","leave_by":"2022-01-30"}],"grace":"P0D"}},
{"id":"usa-rus-family","title":"No spouses","kind":"dependent_rule",
"issuer":"USA","target":"RUS","effective":{"from":"2021-11-01","to":null},
"params":{"spouse":"deny"}}]
JSON
ch policy add "$TMP/p.json" || { echo "not ok - policy add failed"; cat "$TMP/err"; exit 1; }
mkdir -p "$TMP/v"
cat >"$TMP/v/visas.csv" <<'CSV'
id,person,issuing,post,class,purpose,meeting,applied,decided,outcome,valid_until,previous
V1,P5,USA,USA-MOW,A-1,dependent,,2018-11-01,2018-11-20,issued,2021-11-30,
CSV
ch import "$TMP/v" || { echo "not ok - visa import failed"; cat "$TMP/err"; exit 1; }

expect_exit 0 "posting show on 2021-12-04" posting show T2 --as-of 2021-12-04
expect_out "the record" "mission          RUS-WAS"
expect_out "the status" "status on 2021-12-04: present, accredited"
expect_out "the household" "P5      Ivanov       Sergei       spouse    2018-12-10  2018-12-11"
expect_out "the cap date and the wave" "usa-rus-tenure  2021-12-10  2022-01-30     1"
expect_out "the open tenure finding" "usa-rus-tenure:T2"
expect_out "the open finding on the household" "usa-rus-family:P5/T2"
if grep -q "usa-rus-tenure:T1" "$TMP/out"; then not_ok "no finding of another posting"; else ok "no finding of another posting"; fi

expect_exit 0 "posting show before the policies" posting show T2 --as-of 2019-01-01
expect_next "no cap in force" "tenure caps in force:" "(none)"
expect_next "no open finding" "open findings on 2019-01-01:" "(none)"
expect_exit 0 "an ended posting" posting show T3 --as-of 2021-12-04
expect_out "its status" "status on 2021-12-04: ended"
expect_exit 0 "before its arrival" posting show T2 --as-of 2018-12-05
expect_out "notified only" "status on 2018-12-05: notified, not arrived"
expect_next "no household yet" "household on 2018-12-05:" "(none)"

expect_exit 0 "posting show as JSON" posting show T2 --as-of 2021-12-04 --format json
expect_out "JSON keeps the record" '"mission": "RUS-WAS"'
expect_out "JSON status" '"status": "present, accredited"'
expect_out "JSON household" '"relation": "spouse"'
expect_out "JSON caps" '"cap_date": "2021-12-10"'
expect_out "JSON findings" '"id": "usa-rus-family:P5/T2"'
expect_exit 0 "posting show as CSV" posting show T2 --format csv
if [ "$(wc -l <"$TMP/out")" -eq 2 ]; then ok "CSV: the record alone"; else not_ok "CSV: the record alone"; fi

expect_exit 0 "person show P5" person show P5 --as-of 2021-12-04
expect_out "P5's own posting" "T5  RUS-UN"
expect_out "its status" "present, accredited"
expect_out "the household P5 belongs to" "T2       RUS-WAS  Ivanova  spouse    2018-12-10"
expect_out "P5's visa" "V1  USA      USA-MOW  A-1    dependent"
expect_exit 0 "person show as JSON" person show P5 --format json
expect_out "JSON postings" '"postings": ['
expect_out "JSON households" '"holder": "Ivanova"'
expect_out "JSON visas" '"id": "V1"'

expect_exit 2 "posting show with a bad date" posting show T2 --as-of 2021-02-30
expect_exit 3 "posting show of an unknown posting" posting show T9
expect_exit 2 "person show with a bad date" person show P5 --as-of x

done_testing
