#!/bin/sh
# visa stats --svg: the Kaplan-Meier chart of the groups the table shows,
# on the demo registry. Each curve with its censoring ticks, the deadline
# line (the visa_sla policy's max_days, or --deadline) with the share
# still undecided on that day, the never-decided level labelled, one font
# family; well-formed XML; the table printed beside it is the same bytes
# as without --svg; bad values exit 2, an unwritable file 1.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
svg="$TMP/km.svg"

# count_in WHAT N PATTERN: the chart has N lines matching PATTERN.
count_in() {
    got=$(grep -c -- "$3" "$svg")
    if [ "$got" -eq "$2" ]; then ok "$1"; else
        echo "# $got, wanted $2: $3"; not_ok "$1"; fi
}

expect_exit 0 "the table alone" visa stats --issuing USA --nationality RUS --by purpose --as-of 2021-12-04
cp "$TMP/out" "$TMP/table"
expect_exit 0 "the chart" visa stats --issuing USA --nationality RUS --by purpose --as-of 2021-12-04 --svg "$svg"
if cmp -s "$TMP/out" "$TMP/table"; then ok "the table is the same beside the chart"; else not_ok "the table is the same beside the chart"; fi
if xmllint --noout "$svg" 2>"$TMP/err"; then ok "the chart is well-formed XML"; else not_ok "the chart is well-formed XML"; fi
cp "$svg" "$TMP/out"
count_in "a curve per group" 3 'class="km"'
count_in "censoring ticks on the curves with pending cases" 2 'class="censor"'
expect_out "the legend: posting" ">posting (568 cases)</text>"
expect_out "the legend: delegates" ">delegate (103 cases)</text>"
expect_out "the deadline from the visa_sla policy" ">deadline: 15 days (usa-un-visa-sla)</text>"
count_in "one deadline line" 1 'class="deadline"'
expect_out "the share undecided at the deadline" ">69% undecided on day 15</text>"
expect_out "the never-decided level of the delegates" ">never decided: 17%, still waiting on day 845</text>"
expect_out "the never-decided level of the postings" ">never decided: 12%, still waiting on day 753</text>"
expect_out "the shared font family" 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'
expect_out "the as-of date" "as of 2021-12-04"

expect_exit 0 "a deadline given" visa stats --issuing USA --as-of 2021-12-04 --svg "$svg" --deadline 30
cp "$svg" "$TMP/out"
expect_out "the deadline given is drawn" ">deadline: 30 days (--deadline)</text>"
expect_out "ungrouped: one curve of all cases" "cases)</text>"
count_in "ungrouped: one curve" 1 'class="km"'
expect_exit 0 "no policy of the issuing state" visa stats --issuing RUS --as-of 2021-12-04 --svg "$svg"
count_in "no policy: no deadline" 0 'class="deadline"'

expect_exit 2 "--deadline without a chart" visa stats --deadline 15
expect_err "--deadline needs --svg" "--deadline is for the chart (--svg)"
expect_exit 2 "a bad deadline" visa stats --svg "$svg" --deadline soon
expect_err "a bad deadline named" "--deadline: 'soon' is not a whole number"
expect_exit 2 "a deadline out of range" visa stats --svg "$svg" --deadline 4000
expect_err "its range named" "--deadline: expected a number of days from 1 to 3650, not '4000'"
expect_exit 2 "a deadline of 0" visa stats --svg "$svg" --deadline 0
expect_exit 1 "an unwritable chart" visa stats --svg "$TMP/no/such/dir/km.svg"
expect_err "unwritable chart message" "km.svg"

done_testing
