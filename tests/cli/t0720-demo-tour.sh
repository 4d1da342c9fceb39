#!/bin/sh
# The demo as a new user meets it. `chancery demo` records its registry as
# the office learned it, so --as-known-on walks through the episode: in
# mid-2016 no visa case and no 2017 cap; on 2021-11-30 the cap but not yet
# the demand that 55 leave in two waves; from 2021-12-01 the demand. Then
# every line of the README's tour and of the demo's "Try next" list, each
# command as written (read from README.md and from the demo's output, so
# that neither can drift from what is tested), exits 0 with non-empty
# output. The commands run in a folder of their own, with data/ linked in,
# so that the files they write (parity.svg, /tmp/... made $TMP/...) land
# there.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
expect_out "the demo says how it recorded the registry" "change sets, 1992-01-01 to 2021-12-04"
expect_out "the Russian staff on the tour date" "Russians in the USA           229            364"
cp "$TMP/out" "$TMP/demo.out"

# count_csv FILE: data rows of a CSV file (records, not lines: one title
# holds a quoted comma, none a line break).
count_csv() {
    echo $(($(wc -l <"$1") - 1))
}

# expect_rows WHAT FILE N
expect_rows() {
    got=$(count_csv "$2")
    if [ "$got" -eq "$3" ]; then ok "$1"; else
        echo "# $got rows in $2, wanted $3"; not_ok "$1"; fi
}

# expect_no WHAT TEXT: the last run's stdout lacks TEXT.
expect_no() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

# As known on 2016-06-30: the registry of mid-2016.
expect_exit 0 "policies known on 2016-06-30" --as-known-on 2016-06-30 policy list --format csv
expect_out "the UN visa practice" "usa-un-visa-sla,"
expect_no "not the 2016 expulsions" "usa-rus-expulsion-2016"
expect_no "not the 2017 cap" "rus-usa-cap-2017"
expect_exit 0 "export as known on 2016-06-30" --as-known-on 2016-06-30 export "$TMP/k16"
expect_rows "no visa case yet (the first was applied for on 2016-12-18)" "$TMP/k16/visas.csv" 0
expect_rows "postings notified by then" "$TMP/k16/postings.csv" 1895
# (Rows with a quoted comma are left out of this check: awk splits them.)
if grep -v '"' "$TMP/k16/postings.csv" |
    awk -F, 'NR > 1 && ($8 > "2016-06-30" || $9 > "2016-06-30" || $12 > "2016-06-30")' |
    grep -q .; then
    not_ok "no date after 2016-06-30 in the postings"
else ok "no date after 2016-06-30 in the postings"; fi
expect_exit 3 "a posting notified on 2016-08-31 is not known yet" --as-known-on 2016-06-30 posting show T01907
expect_exit 0 "the embassy's roster then" --as-known-on 2016-06-30 roster RUS-USA-EMB --as-of 2016-06-30
expect_out "a roster row" "diplomatic_agent"

# An expulsion is recorded on the day the tour ended.
expect_exit 0 "a posting before its expulsion" --as-known-on 2018-03-29 posting show T00990
if grep -qE '^ended +$' "$TMP/out"; then ok "no end known on 2018-03-29"; else not_ok "no end known on 2018-03-29"; fi
expect_exit 0 "the posting after it" --as-known-on 2018-03-30 posting show T00990
expect_out "its end known on 2018-03-30" "persona_non_grata"

# As known on 2021-11-30: the 2017 cap, not the demand of the 55.
expect_exit 0 "policies known on 2021-11-30" --as-known-on 2021-11-30 policy list --format csv
expect_out "the 2017 cap" "rus-usa-cap-2017,"
expect_out "the 2021 departure order" "usa-rus-departure-2021-09,"
expect_no "not the US three-year demand" "usa-rus-tenure,"
expect_no "not Russia's reply" "rus-usa-tenure"
expect_exit 0 "check as known on 2021-11-30" --as-known-on 2021-11-30 check --as-of 2021-12-04 --issuer USA --format csv
expect_no "no finding of the 55" "usa-rus-tenure:"
expect_exit 0 "policies known on 2021-12-01" --as-known-on 2021-12-01 policy list --format csv
expect_out "the demand of the 55" "usa-rus-tenure,"
expect_exit 0 "check as known on 2021-12-01" --as-known-on 2021-12-01 check --as-of 2021-12-04 --issuer USA --format csv
if [ "$(grep -c '^usa-rus-tenure:' "$TMP/out")" -eq 55 ]; then ok "the 55"; else not_ok "the 55"; fi
expect_exit 0 "export as known on 2021-12-01" --as-known-on 2021-12-01 export "$TMP/k21"
expect_rows "every posting notified by then" "$TMP/k21/postings.csv" 3000
if [ "$(count_csv "$TMP/k21/visas.csv")" -gt 900 ]; then ok "visa cases"; else not_ok "visa cases"; fi
if [ "$(ls "$TMP/k21/policies" | wc -l)" -eq 13 ]; then ok "13 policies"; else not_ok "13 policies"; fi

# Running the demo again keeps the registry.
expect_exit 0 "the demo again" demo
expect_no "records nothing" "change sets"
expect_out "says so" "kept the registry as it was"
expect_out "keeps the registry" "14 missions, 5270 persons, 3000 postings"

# On a registry begun today (init, then demo), nothing can be recorded
# before the log's start: the demo says so.
CHANCERY_DB="$TMP/late.db" expect_exit 0 "init a registry" init
CHANCERY_DB="$TMP/late.db" expect_exit 0 "the demo on it" demo
expect_out "says the log begins today" "the registry's change log begins on 2021-12-04T00:00:00Z"
CHANCERY_DB="$TMP/late.db" expect_exit 0 "the registry now" policy list --format csv
expect_out "has the demand of the 55" "usa-rus-tenure,"
CHANCERY_DB="$TMP/late.db" expect_exit 0 "audit verify" audit verify

# run_tour WHAT < LINES: runs each command line (comments cut, /tmp/ made
# $TMP/tour/) once: a line already run is not run again.
run_tour() {
    what=$1
    while IFS= read -r line; do
        case "$line" in "chancery demo"*) continue ;; esac
        if grep -qxF -- "$line" "$TMP/ran"; then continue; fi
        printf '%s\n' "$line" >>"$TMP/ran"
        cmd=$(printf '%s\n' "$line" | sed -e 's/[[:space:]]\{1,\}#.*$//' \
            -e 's/^chancery //' -e "s|/tmp/|$TMP/tour/|g")
        eval "set -- $cmd"
        (cd "$TMP/tour" && ${VALGRIND:-} "$CHANCERY" "$@" >"$TMP/out" 2>"$TMP/err")
        rc=$?
        written=$(find "$TMP/tour" -newer "$TMP/stamp" -type f -size +0 | head -n 1)
        if [ "$rc" -eq 0 ] && { [ -s "$TMP/out" ] || [ -n "$written" ]; }; then
            ok "$what: $line"
        else
            echo "# exit $rc"; not_ok "$what: $line"
        fi
        touch "$TMP/stamp"
    done
}

: >"$TMP/ran"
mkdir -p "$TMP/tour"
ln -s "$TOP/data" "$TMP/tour/data"
touch "$TMP/stamp"
sed -n '/^## A tour/,/^## /p' README.md | sed -n 's/^    chancery /chancery /p' >"$TMP/readme-tour"
if [ "$(wc -l <"$TMP/readme-tour")" -ge 15 ]; then ok "the README's tour is read"; else not_ok "the README's tour is read"; fi
run_tour "README" <"$TMP/readme-tour"
sed -n '/^Try next:/,$p' "$TMP/demo.out" | sed -n 's/^  chancery /chancery /p' >"$TMP/next-steps"
if [ "$(wc -l <"$TMP/next-steps")" -ge 10 ]; then ok "the demo's next steps are read"; else not_ok "the demo's next steps are read"; fi
run_tour "next steps" <"$TMP/next-steps"

done_testing
