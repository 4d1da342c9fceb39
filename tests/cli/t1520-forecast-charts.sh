#!/bin/sh
# The forecast charts: a fan chart has no empty panel for a mission no run
# staffs (a footnote names it); `forecast compare --svg` draws each
# scenario's median and band over the baseline's (the first), with each
# median's last value and the difference from the baseline, beside the
# same table as without --svg; one font family; well-formed XML.
. tests/cli/lib.sh

setup_small
# A consulate with no staff at all.
mkdir -p "$TMP/more"
cat >"$TMP/more/missions.csv" <<'CSV'
id,name,sending,host,country,city,kind,opened,closed
RUS-HOU,Consulate General of Russia in Houston,RUS,USA,USA,Houston,consulate_general,2020-01-01,
CSV
ch import "$TMP/more" || { echo "not ok - import failed"; cat "$TMP/err"; exit 1; }

body() {
    printf '{ "start": "2021-12-04", "horizon_months": 12, "runs": 200, "seed": 7, "sides": [ { "name": "Russians", "sending": "RUS", "country": "USA" } ], "replacement": { "probability": 0.9, "visa": { "refusal": 0.5, "delay": { "median": "P3M", "p90": "P1Y" } }, "tour": "P3Y" }%s }' "${1:-}"
}
body >"$TMP/a.json"
body ', "policies": { "registry": false }' >"$TMP/b.json"
cp "$TMP/a.json" "$TMP/c.json"
svg="$TMP/chart.svg"

# count_in WHAT N PATTERN: the chart has N lines matching the regex.
count_in() {
    got=$(grep -cE -- "$3" "$svg")
    if [ "$got" -eq "$2" ]; then ok "$1"; else
        echo "# $got, wanted $2: $3"; not_ok "$1"; fi
}

well_formed() {
    if xmllint --noout "$svg" 2>"$TMP/err"; then ok "$1"; else not_ok "$1"; fi
}

expect_exit 0 "the fan chart" forecast "$TMP/a.json" --svg "$svg"
well_formed "the fan chart is well-formed XML"
count_in "a panel for the staffed embassy" 1 '>RUS-WAS: Embassy of Russia</text>'
count_in "no panel for the consulate with no staff" 0 '>RUS-HOU: '
count_in "a footnote names it" 1 'class="footnote".*>No panel for a mission no run ever staffs: RUS-HOU.</text>'
count_in "the shared font family" 1 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'

expect_exit 0 "compare as a table" forecast compare "$TMP/a.json" "$TMP/b.json" "$TMP/c.json"
cp "$TMP/out" "$TMP/table"
expect_exit 0 "compare with a chart" forecast compare "$TMP/a.json" "$TMP/b.json" "$TMP/c.json" --svg "$svg"
expect_same "the table is the same beside the chart" "$TMP/table" "$TMP/out"
well_formed "the comparison is well-formed XML"
count_in "a legend entry per scenario" 3 'class="scenario"'
count_in "the first is the baseline" 1 ">a: $TMP/a.json \\(the baseline\\), seed 7, 200 runs</text>"
count_in "a panel per side" 1 '>Russians</text>'
count_in "a band per scenario" 3 'class="band"'
count_in "a median per scenario" 3 'class="median"'
count_in "each median's last value" 3 'class="end-value"'
count_in "the difference from the baseline" 1 '>median in the last month: a [0-9]+, b [0-9]+ \([+-][0-9]+\), c [0-9]+ \(\+0\)</text>'
count_in "the baseline grey" 1 'class="band" fill="#d0d0d0"'

expect_exit 0 "compare missions with a chart" forecast compare "$TMP/a.json" "$TMP/b.json" --by mission --svg "$svg"
well_formed "the missions' comparison is well-formed XML"
count_in "a panel for the embassy" 1 '>RUS-WAS: Embassy of Russia</text>'
count_in "none for the consulate with no staff" 0 '>RUS-HOU: '
count_in "the footnote names it" 1 '>No panel for a mission no run of any scenario staffs: RUS-HOU.</text>'

expect_exit 1 "an unwritable comparison" forecast compare "$TMP/a.json" "$TMP/b.json" --svg "$TMP/no/such/dir/x.svg"
if [ -s "$TMP/out" ]; then not_ok "nothing printed when the chart fails"; else ok "nothing printed when the chart fails"; fi
expect_exit 2 "compare with --html" forecast compare "$TMP/a.json" "$TMP/b.json" --html "$TMP/x.html"

done_testing
