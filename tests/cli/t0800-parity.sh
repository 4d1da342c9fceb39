#!/bin/sh
# parity: each side's staff in the other by category, the gap and the caps
# in effect, on one date and as a series (a row per step), on the demo and
# on a small pair whose mirrored caps are exceeded (the figures must be
# those check finds); the SVG chart is well-formed, labelled and escaped;
# every bad-input path exits 2 (or 1 when the chart cannot be written).
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

# expect_line WHAT LINE: the last run's stdout has exactly this line.
expect_line() {
    if grep -qxF -- "$2" "$TMP/out"; then ok "$1"; else
        echo "# stdout lacks the line: $2"; not_ok "$1"; fi
}

# expect_lines WHAT N: the last run's stdout has N lines.
expect_lines() {
    got=$(wc -l <"$TMP/out")
    if [ "$got" -eq "$2" ]; then ok "$1"; else
        echo "# $got lines, wanted $2"; not_ok "$1"; fi
}

# On the day of the seed report: 229 Russian staff in the US (the UN
# mission apart) against 120 US staff in Russia.
expect_exit 0 "parity on one date" parity RUS USA --as-of 2021-12-04 --format csv
expect_line "header" "category,RUS_in_USA,USA_in_RUS,gap"
expect_line "the totals and the gap" "total,229,120,109"
expect_line "a category" "diplomatic_agent,67,36,31"
expect_out "the cap in effect" "rus-usa-cap-2017,USA_in_RUS,455,120,0,false,"
expect_exit 0 "the other way round" parity USA RUS --as-of 2021-12-04 --format csv
expect_line "sides swap" "total,120,229,-109"

# Counted by country (the UN mission in): 451 Russians on 2017-09-01, and
# the cap of 455, which counts local staff, finds 444 Americans.
expect_exit 0 "parity by country" parity USA RUS --as-of 2017-09-01 --count country --format csv
expect_line "by country, UN mission included" "total,217,451,-234"
expect_line "local staff shown apart" "local_staff,227,0,227"
expect_out "the cap counts its own way" "rus-usa-cap-2017,USA_in_RUS,455,444,0,false,"
expect_exit 0 "no cap before it starts" parity USA RUS --as-of 2017-08-31 --format csv
if grep -q "rus-usa-cap-2017" "$TMP/out"; then not_ok "the cap is not in effect yet"; else ok "the cap is not in effect yet"; fi

expect_exit 0 "parity as a table" parity RUS USA --as-of 2021-12-04
expect_out "table title" "Staff present on 2021-12-04 (the total leaves local staff apart), bilateral missions"
expect_out "table caps" "Caps in effect:"
expect_exit 0 "parity as JSON" --format json parity RUS USA --as-of 2021-12-04
expect_out "JSON date" '"as_of": "2021-12-04"'
expect_out "JSON view" '"count": "bilateral"'
expect_out "JSON total" '"RUS_in_USA": 229'
expect_out "JSON cap" '"policy": "rus-usa-cap-2017"'
if command -v jq >/dev/null 2>&1; then
    if jq -e '.caps[0].limit == 455' "$TMP/out" >/dev/null; then ok "JSON parses"; else not_ok "JSON parses"; fi
fi

# The series: 84 months of the episode, a row per step.
expect_exit 0 "a monthly series" parity RUS USA --from 2016-01-01 --to 2022-12-31 --step month --format csv
expect_lines "84 months and a header" 85
expect_line "series header" "date,RUS_in_USA,USA_in_RUS,gap,rus-usa-cap-2017.limit,rus-usa-cap-2017.counted"
expect_line "the first month, before the cap" "2016-01-01,352,321,31,,"
expect_line "the last month" "2022-12-01,229,120,109,455,120"
expect_line "a month under the cap" "2017-10-01,309,220,89,455,445"
expect_exit 0 "quarters" parity RUS USA --from 2016-01-01 --to 2022-12-31 --step quarter --format csv
expect_lines "28 quarters and a header" 29
expect_exit 0 "years" parity RUS USA --from 2016-01-01 --to 2022-12-31 --step year --format csv
expect_lines "7 years and a header" 8
expect_line "a year" "2018-01-01,312,224,88,455,449"
expect_exit 0 "month is the default step" parity RUS USA --from 2021-01-31 --to 2021-04-30 --format csv
expect_line "a month-end series keeps to month ends" "2021-02-28,256,132,124,455,312"
expect_exit 0 "a series of one date" parity RUS USA --from 2021-12-04 --to 2021-12-04 --format csv
expect_lines "one row" 2

# The chart.
expect_exit 0 "the chart" parity RUS USA --from 2016-01-01 --to 2022-12-31 --step month --svg "$TMP/parity.svg"
expect_out "the series is printed beside the chart" "2016-01-01"
svg="$TMP/parity.svg"
if command -v xmllint >/dev/null 2>&1; then
    if xmllint --noout "$svg" 2>"$TMP/err"; then ok "the SVG is well-formed XML"; else not_ok "the SVG is well-formed XML"; fi
else
    if head -n 2 "$svg" | grep -q '<svg ' && tail -n 1 "$svg" | grep -q '</svg>'; then
        ok "the SVG opens and closes"; else not_ok "the SVG opens and closes"; fi
fi
cp "$svg" "$TMP/out"
expect_out "SVG title" "Parity: RUS staff in USA and USA staff in RUS, 2016-01-01 to 2022-12-01"
expect_out "SVG legend: a side counted bilaterally" ">RUS staff in USA, bilateral</text>"
expect_out "SVG legend: the same side with its UN mission" ">RUS staff in USA, with missions to organizations</text>"
expect_out "SVG legend: a side with no mission to an organization" ">USA staff in RUS, bilateral (no mission to an organization)</text>"
expect_out "SVG: the bilateral count at the line's end" ">229</text>"
expect_out "SVG: the count with the UN mission at its end" ">364</text>"
expect_out "SVG: the other side's count at its end" ">120</text>"
if [ "$(grep -c 'class="end-value"' "$svg")" -eq 3 ]; then ok "three values at the lines' ends"; else not_ok "three values at the lines' ends"; fi
expect_out "SVG: a departure order's deadline" "leave by 2021-09-03</text>"
expect_out "SVG: deadlines close together share a label" "leave by 2018-04-02, 2018-04-05</text>"
expect_out "SVG: the second group's deadline" "2022-07-31</text>"
n_rules=$(grep -c 'class="deadline"' "$svg")
if [ "$n_rules" -ge 8 ]; then ok "a rule per deadline"; else
    echo "# $n_rules rules"; not_ok "a rule per deadline"; fi
expect_out "SVG: the span not recorded is shaded" 'class="unrecorded"'
expect_out "SVG: the shaded span is labelled" ">not yet recorded</text>"
# The last milestone the demo records of the two sides' staff.
last=$(cut -d, -f8-12 data/demo/postings.csv | tr ',' '\n' | grep -E '^[0-9]{4}-' | sort | tail -n 1)
expect_out "SVG: from the last recorded milestone ($last)" ">after $last</text>"
# No event marker sits on another: each (cx, cy) of a marker is unique.
grep -o 'class="event" cx="[0-9.]*" cy="[0-9.]*"' "$svg" | sort | uniq -d >"$TMP/dup"
if [ "$(grep -c 'class="event"' "$svg")" -eq 15 ] && [ ! -s "$TMP/dup" ]; then
    ok "15 markers, none hidden under another"; else cat "$TMP/dup"; not_ok "15 markers, none hidden under another"; fi
expect_out "SVG legend: the cap" ">cap rus-usa-cap-2017 on USA staff in RUS</text>"
expect_out "SVG legend: what the cap counts" ">rus-usa-cap-2017: the staff it counts</text>"
expect_out "SVG year ticks" ">2019</text>"
expect_out "SVG events: an expulsion" "(usa-rus-expulsion-2016)"
expect_out "SVG events: a closure" "(RUS-USA-CG-SFO)"
expect_out "SVG events: a policy start" "(usa-rus-tenure)"
expect_out "SVG lines" "<path fill=\"none\""
expect_out "SVG steps for caps" "stroke-dasharray=\"8 4\""
expect_exit 0 "the chart under the compromise" parity RUS USA --from 2016-01-01 --to 2022-12-31 --assume us-compromise --svg "$TMP/compromise.svg"
if grep -q '2022-07-31</text>' "$TMP/compromise.svg"; then not_ok "no second group's deadline under the compromise"; else ok "no second group's deadline under the compromise"; fi
if [ "$(grep -c 'class="deadline"' "$TMP/compromise.svg")" -eq $((n_rules - 1)) ]; then
    ok "one rule fewer under the compromise"; else not_ok "one rule fewer under the compromise"; fi

# A small pair with mirrored caps, both exceeded, and a title to escape.
db_reset
setup_small
cat >"$TMP/caps.json" <<'JSON'
[{"id": "usa-mirror", "title": "Russians <= Americans & no more",
  "kind": "headcount_cap", "issuer": "USA", "target": "RUS",
  "effective": {"from": "2020-01-01"},
  "params": {"mirror": {"ratio": 1.0, "lag": "P0D"}}},
 {"id": "usa-fixed", "kind": "headcount_cap", "issuer": "USA", "target": "RUS",
  "effective": {"from": "2020-01-01", "to": "2020-12-31"},
  "params": {"limit": 3, "count": {"include_organizations": true}}}]
JSON
ch policy add "$TMP/caps.json" || { not_ok "policy add"; cat "$TMP/err"; }
expect_exit 0 "parity on a small pair" parity RUS USA --as-of 2020-06-01 --format csv
expect_line "small totals" "total,2,1,1"
expect_out "the mirror: 2 Russians for 1 American" "usa-mirror,RUS_in_USA,1,2,1,true,"
expect_out "the fixed cap counts the UN mission" "usa-fixed,RUS_in_USA,3,3,0,false,"
expect_exit 0 "check on the same date" check --as-of 2020-06-01 --format csv
expect_out "check agrees on the mirror" "2 staff of RUS in USA, limit 1: 1 over"
expect_exit 0 "parity by country" parity RUS USA --as-of 2020-06-01 --count country --format csv
expect_line "the UN mission counts by country" "total,3,1,2"
expect_exit 0 "a yearly series" parity RUS USA --from 2016-06-01 --to 2021-06-01 --step year --format csv
expect_line "caps empty before they start" "2016-06-01,1,0,1,,,,"
expect_line "a closed consulate leaves" "2018-06-01,1,0,1,,,,"
expect_line "the fixed cap ends" "2021-06-01,2,1,1,1,2,,"
expect_exit 0 "a chart with escaped text" parity RUS USA --from 2016-01-01 --to 2021-06-01 --svg "$TMP/small.svg"
if command -v xmllint >/dev/null 2>&1; then
    if xmllint --noout "$TMP/small.svg" 2>"$TMP/err"; then ok "escaped SVG is well-formed"; else not_ok "escaped SVG is well-formed"; fi
fi
cp "$TMP/small.svg" "$TMP/out"
expect_out "titles escaped" "Russians &lt;= Americans &amp; no more (usa-mirror)"
expect_out "a closure in the chart" "(RUS-SEA)"

# Bad input.
expect_exit 3 "an unknown state" parity RUS XXX --as-of 2020-06-01
expect_err "unknown state message" "unknown state 'XXX'"
expect_exit 2 "an organization is not a state" parity RUS UN --as-of 2020-06-01
expect_exit 2 "the same state twice" parity RUS RUS
expect_exit 2 "one state" parity RUS
expect_exit 2 "three states" parity RUS USA FRA
expect_exit 2 "a bad date" parity RUS USA --as-of 2021-02-30
expect_err "a bad date names the option" "--as-of"
expect_exit 2 "a bad --from" parity RUS USA --from 2021-13-01 --to 2022-01-01
expect_exit 2 "a bad --to" parity RUS USA --from 2021-01-01 --to yesterday
expect_exit 2 "--from after --to" parity RUS USA --from 2022-01-01 --to 2021-01-01
expect_err "--from after --to message" "--from is after --to"
expect_exit 2 "--from without --to" parity RUS USA --from 2021-01-01
expect_exit 2 "--to without --from" parity RUS USA --to 2021-01-01
expect_exit 2 "--as-of with a series" parity RUS USA --as-of 2021-01-01 --from 2021-01-01 --to 2021-02-01
expect_exit 2 "a bad step" parity RUS USA --from 2021-01-01 --to 2022-01-01 --step week
expect_err "a bad step message" "--step: 'week' is not month, quarter or year"
expect_exit 2 "a step without a series" parity RUS USA --step month
expect_exit 2 "a bad count" parity RUS USA --count everything
expect_exit 2 "--svg without a series" parity RUS USA --svg "$TMP/x.svg"
expect_exit 2 "an unknown option" parity RUS USA --bogus
expect_exit 1 "an unwritable chart" parity RUS USA --from 2021-01-01 --to 2021-06-01 --svg "$TMP/no/such/dir/x.svg"
expect_err "unwritable chart message" "cannot write"
expect_exit 0 "parity --help" parity --help
CHANCERY_DB="$TMP/none.db" expect_exit 1 "parity without a registry" parity RUS USA

# A registry with nothing recorded: the whole chart is shaded as such.
CHANCERY_DB="$TMP/empty.db" ch init
CHANCERY_DB="$TMP/empty.db" expect_exit 0 "a chart of an empty registry" parity RUS USA --from 2021-01-01 --to 2021-06-01 --svg "$TMP/empty.svg"
cp "$TMP/empty.svg" "$TMP/out"
expect_out "nothing recorded: said so" ">nothing recorded</text>"
if grep -q ">after " "$TMP/empty.svg"; then not_ok "nothing recorded: no date after which"; else ok "nothing recorded: no date after which"; fi

done_testing
