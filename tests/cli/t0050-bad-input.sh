#!/bin/sh
# Every id, code and condition on the command line is checked, through
# every command (issue 10): an unknown state, mission, person, posting,
# policy, visa or --assume condition exits 3 naming it and the closest
# known ones; a malformed option value or an unknown option exits 2; a
# roster of a closed mission says since when. One table of cases, on the
# demo registry.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

# Each case: EXIT|TEXT ON STDERR|ARGUMENTS (word-split; no spaces inside).
while IFS='|' read -r want text args; do
    case "$want" in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2086 # the arguments are meant to be split
    expect_exit "$want" "$args: exit $want" $args
    expect_err "$args: says $text" "$text"
done <<'CASES'
# unknown state or organization codes, with the closest known one
3|unknown state 'RU' (did you mean RUS?)|headcount --sending RU
3|unknown state 'XYZ'|headcount --sending XYZ
3|unknown state 'rus' (did you mean RUS?)|headcount --sending rus
3|--host: unknown state 'US' (did you mean USA?)|headcount --host US
3|--country: unknown state 'US' (did you mean USA?)|headcount --country US
3|--sending: unknown state 'ru' (did you mean RUS?)|mission list --sending ru
3|--host: unknown state 'XYZ'|mission list --host XYZ
3|--country: unknown state 'usa' (did you mean USA?)|mission list --country usa
3|--nationality: unknown state 'RU' (did you mean RUS?)|person list --nationality RU
3|--issuer: unknown state 'RU' (did you mean RUS?)|policy list --issuer RU
3|--target: unknown state 'XYZ'|policy list --target XYZ
3|--issuer: unknown state 'RU' (did you mean RUS?)|check --issuer RU
3|--target: unknown state 'us' (did you mean USA?)|check --target us
3|unknown state 'RU' (did you mean RUS?)|parity RU USA
3|unknown state 'usa' (did you mean USA?)|plan RUS usa --by 2022-06-30
3|--issuing: unknown state 'US' (did you mean USA?)|visa list --issuing US
3|--nationality: unknown state 'RU' (did you mean RUS?)|visa stats --nationality RU
3|--issuing: unknown state 'XYZ'|visa report --un --from 2021-01-01 --to 2021-12-31 --issuing XYZ
3|--nationality: unknown state 'RU' (did you mean RUS?)|consular status --nationality RU
3|--nationality: unknown state 'RU' (did you mean RUS?)|consular where --nationality RU
3|--residence: unknown state 'XYZ'|consular where --nationality RUS --residence XYZ
3|--nationality: unknown state 'RU' (did you mean RUS?)|person add --id P90000 --family-name X --nationality RU
3|--issuing: unknown state 'US' (did you mean USA?)|visa add --id V90000 --person P00001 --issuing US --post USA-RUS-EMB --class A-1 --purpose posting --applied 2021-11-01
# unknown missions, persons, postings, policies, visas
3|unknown mission 'RUS-USA-EM' (did you mean RUS-USA-EMB?)|roster RUS-USA-EM
3|unknown mission 'rus-usa-emb' (did you mean RUS-USA-EMB?)|mission show rus-usa-emb
3|--mission: unknown mission 'USA-RUS-EMX' (did you mean USA-RUS-EMB?)|posting list --mission USA-RUS-EMX
3|--person: unknown person 'P0000001'|posting list --person P0000001
3|--post: unknown mission 'USA-RUS-EM' (did you mean USA-RUS-EMB?)|visa list --post USA-RUS-EM
3|--post: unknown mission 'NOPE'|consular status --post NOPE
3|--post: unknown mission 'NOPE'|consular history --post NOPE
3|unknown person 'p00001' (did you mean P00001?)|person show p00001
3|unknown posting 't00001' (did you mean T00001?)|posting show t00001
3|unknown posting 'T0000' (did you mean|posting arrive T0000
3|unknown posting 'T0000' (did you mean|posting end T0000 --reason recalled
3|unknown visa 'v0001' (did you mean V0001?)|visa show v0001
3|unknown visa 'V00001' (did you mean V0001?)|visa decide V00001 --outcome issued
3|unknown policy 'rus-usa-tenur' (did you mean rus-usa-tenure?)|policy show rus-usa-tenur
3|unknown policy 'rus-usa-tenur' (did you mean rus-usa-tenure?)|policy retire rus-usa-tenur --on 2022-01-01
3|--mission: unknown mission 'RUS-USA-EM' (did you mean RUS-USA-EMB?)|posting notify --id T90000 --person P00001 --mission RUS-USA-EM --category diplomatic_agent
3|--person: unknown person 'P0000001'|dependent add --person P0000001 --posting T00001 --relation spouse
3|--posting: unknown posting 'T0000001'|dependent add --person P00001 --posting T0000001 --relation spouse
3|unknown mission 'RUS-USA-EM' (did you mean RUS-USA-EMB?)|history mission RUS-USA-EM
3|unknown policy 'rus-usa-tenur' (did you mean rus-usa-tenure?)|history policy rus-usa-tenur
3|no finding 'usa-rus-tenure:T1907' on 2021-12-04 (did you mean usa-rus-tenure:T01907?)|explain usa-rus-tenure:T1907 --as-of 2021-12-04
# a condition no policy names, with the conditions the policies name
3|--assume: unknown condition 'us-compromis' (conditions named by policies: us-compromise)|check --assume us-compromis
3|--assume: unknown condition 'us-compromis' (conditions named by policies: us-compromise)|explain x --assume us-compromis
3|--assume: unknown condition 'compromise' (conditions named by policies: us-compromise)|parity RUS USA --assume compromise
3|--assume: unknown condition 'us-compromis' (conditions named by policies: us-compromise)|plan USA RUS --by 2022-06-30 --assume us-compromis
# malformed values, unknown options, missing operands: usage, exit 2
2|--as-of|headcount --as-of 2021-13-01
2|--by: 'state' is not category or mission|headcount --by state
2|--category: 'diplomat' is not|headcount --category diplomat
2|'--sending' needs a value|headcount --sending
2|unknown option '--bogus'|headcount --bogus
2|--open-on|mission list --open-on yesterday
2|--step: 'week' is not month, quarter or year|parity RUS USA --from 2021-01-01 --to 2022-01-01 --step week
2|--count: 'all' is not bilateral or country|parity RUS USA --count all
2|--by is required|plan USA RUS
2|--runs: 'lots' is not a whole number|forecast x.json --runs lots
2|--purpose: 'work' is not|visa list --purpose work
2|--service: 'visa' is not|consular where --nationality RUS --service visa
2|--on is required|policy retire rus-usa-tenure
2|'roster' needs MISSION|roster
2|'mission show' takes ID|mission show A B
2|unknown option '--force'|init --force
2|unknown option '--bogus'|demo --bogus
2|unknown option '--bogus'|import --bogus x
2|'export' needs DIR|export
2|unknown option '--bogus'|audit verify --bogus
2|'history' needs ENTITY ID|history posting
2|--un is required|visa report --from 2021-01-01 --to 2021-12-31
CASES

# A roster of a closed mission is empty and says since when.
expect_exit 0 "roster of a closed mission" roster RUS-USA-CG-SEA --as-of 2021-12-04
expect_err "it says since when" "mission 'RUS-USA-CG-SEA' closed on 2018-04-02"
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "the table is empty"; else
    not_ok "the table is empty"; fi
expect_exit 0 "roster before the closure" roster RUS-USA-CG-SEA --as-of 2017-12-04
if grep -q "closed" "$TMP/err"; then not_ok "no note while open"; else
    ok "no note while open"; fi
if [ "$(wc -l <"$TMP/out")" -gt 1 ]; then ok "staff while open"; else
    not_ok "staff while open"; fi

# Known codes still answer, and a condition the policies name is taken.
expect_exit 0 "a known code" headcount --sending RUS --host USA
expect_out "a row" "RUS"
expect_exit 0 "a known condition" check --as-of 2022-07-15 --issuer RUS --assume us-compromise

done_testing
