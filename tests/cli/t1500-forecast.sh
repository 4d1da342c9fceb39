#!/bin/sh
# forecast and forecast compare: the output and its formats, the seed
# printed and honoured (the same bytes on one thread and on two), the
# charts and the report page, and every bad-input path: usage (exit 2),
# files that cannot be read (1), and each kind of bad scenario field (3),
# named by its path.
. tests/cli/lib.sh

setup_small

# scenario NAME JSON: writes $TMP/NAME.json.
scenario() {
    printf '%s\n' "$2" >"$TMP/$1.json"
}

GOOD_SIDE='{ "name": "Russians", "sending": "RUS", "country": "USA" }'
GOOD_REPL='{ "probability": 0.9, "visa": { "refusal": 0.5, "delay": { "median": "P3M", "p90": "P1Y" } }, "tour": "P3Y" }'

# body EXTRA: a valid scenario with EXTRA fields appended.
body() {
    printf '{ "start": "2021-12-04", "horizon_months": 12, "runs": 200, "seed": 7, "sides": [ %s ], "replacement": %s%s }' \
        "$GOOD_SIDE" "$GOOD_REPL" "${1:-}"
}

scenario good "$(body ', "minimum_staffing": { "RUS-WAS": 2 }')"
expect_exit 0 "forecast a scenario" forecast "$TMP/good.json"
expect_out "the title line" "forecast: $TMP/good.json ($TMP/good.json)"
expect_out "the seed is printed" "seed 7, 200 runs, 12 monthly steps from 2021-12-04 to 2022-12-04"
expect_out "a side row" "Russians "
expect_out "a mission row" "RUS-WAS "
expect_out "the header" "p10  p50  p90"
cp "$TMP/out" "$TMP/table"

expect_exit 0 "one thread" forecast "$TMP/good.json" --threads 1 --format csv
cp "$TMP/out" "$TMP/one.csv"
expect_exit 0 "two threads" forecast "$TMP/good.json" --threads 2 --format csv
expect_same "the same bytes on one thread and on two" "$TMP/one.csv" "$TMP/out"
expect_out "CSV header" "series,kind,step,date,p10,p50,p90,mean,shortage,departures,arrivals,gap"
expect_err "CSV: the seed on stderr" "seed 7, 200 runs"
expect_exit 0 "another seed" forecast "$TMP/good.json" --seed 8 --format csv
expect_err "the seed given" "seed 8, 200 runs"
expect_exit 0 "more runs" forecast "$TMP/good.json" --runs 300 --by side
expect_out "--runs overrides the file" "seed 7, 300 runs"
if grep -q "RUS-WAS" "$TMP/out"; then not_ok "--by side shows sides only"; else ok "--by side shows sides only"; fi
expect_exit 0 "by mission" forecast "$TMP/good.json" --by mission --format csv
if grep -q "^Russians," "$TMP/out"; then not_ok "--by mission shows missions only"; else ok "--by mission shows missions only"; fi
expect_exit 0 "JSON" --format json forecast "$TMP/good.json"
expect_out "JSON seed" '"seed": 7'
expect_out "JSON series" '"name": "RUS-WAS"'
expect_out "JSON steps" '"p50": '
expect_out "JSON minimum" '"minimum": 2'

expect_exit 0 "charts and page" forecast "$TMP/good.json" --svg "$TMP/f.svg" --html "$TMP/f.html"
expect_same "the table is the same with files written" "$TMP/table" "$TMP/out"
if grep -q '<svg xmlns="http://www.w3.org/2000/svg"' "$TMP/f.svg" && grep -q "RUS-WAS" "$TMP/f.svg"; then
    ok "the SVG has the panels"; else not_ok "the SVG has the panels"; fi
if grep -q "What this forecast assumes" "$TMP/f.html" && grep -q "<svg" "$TMP/f.html" &&
    grep -q "How to read the charts" "$TMP/f.html" && ! grep -q "<script\|<link\| src=\|@import" "$TMP/f.html"; then
    ok "the page is self-contained and explains itself"; else not_ok "the page is self-contained and explains itself"; fi

scenario other "$(body ', "policies": { "registry": false }')"
expect_exit 0 "compare two scenarios" forecast compare "$TMP/good.json" "$TMP/other.json"
expect_out "compare legend" "a: $TMP/good.json"
expect_out "compare columns" "b_minus_a_mean"
expect_exit 0 "compare as CSV" --format csv forecast compare "$TMP/good.json" "$TMP/other.json" --by mission
expect_out "compare CSV header" "series,kind,step,date,a_mean,a_shortage,b_mean,b_shortage,b_minus_a_mean,b_minus_a_shortage"
expect_exit 0 "compare as JSON" --format json forecast compare "$TMP/good.json" "$TMP/other.json"
expect_out "compare JSON" '"letter": "b"'

# Usage.
expect_exit 0 "forecast --help" forecast --help
expect_exit 2 "no scenario" forecast
expect_exit 2 "two scenarios without compare" forecast "$TMP/good.json" "$TMP/good.json"
expect_exit 2 "compare one scenario" forecast compare "$TMP/good.json"
expect_exit 2 "an unknown option" forecast "$TMP/good.json" --bogus
expect_exit 2 "--runs 0" forecast "$TMP/good.json" --runs 0
expect_err "--runs message" "--runs: expected a whole number from 1 to 1000000, not '0'"
expect_exit 2 "--runs too many" forecast "$TMP/good.json" --runs 1000001
expect_exit 2 "--runs not a number" forecast "$TMP/good.json" --runs lots
expect_exit 2 "--seed negative" forecast "$TMP/good.json" --seed -1
expect_exit 2 "--seed not a number" forecast "$TMP/good.json" --seed x1
expect_exit 2 "--threads 0" forecast "$TMP/good.json" --threads 0
expect_exit 2 "--threads 300" forecast "$TMP/good.json" --threads 300
expect_exit 2 "--by bogus" forecast "$TMP/good.json" --by year
expect_err "--by message" "--by: 'year' is not side or mission"
expect_exit 2 "compare with --html" forecast compare "$TMP/good.json" "$TMP/other.json" --html "$TMP/x.html"
expect_err "compare with --html message" "--html is for one scenario"

# Files that cannot be read or written.
expect_exit 1 "a missing scenario" forecast "$TMP/none.json"
expect_err "missing file message" "cannot read '$TMP/none.json'"
expect_exit 1 "an unwritable SVG" forecast "$TMP/good.json" --svg "$TMP/no/such/dir/f.svg"
CHANCERY_DB="$TMP/none.db" expect_exit 1 "no registry" forecast "$TMP/good.json"

# bad WHAT JSON MESSAGE: the scenario JSON is refused (exit 3) with MESSAGE.
bad() {
    scenario bad "$2"
    expect_exit 3 "$1" forecast "$TMP/bad.json"
    expect_err "$1: message" "$3"
}

F="$TMP/bad.json:1: field"
bad "invalid JSON" '{ "start": ' "$TMP/bad.json:2: invalid JSON"
bad "not an object" '[1, 2]' "$TMP/bad.json: expected a scenario object"
bad "an unknown field" "$(body ', "colour": "red"')" "$F 'colour': unknown field"
bad "no start" '{ "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'start': a value is required"
bad "a bad start" '{ "start": "2021-02-30", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'start': "
bad "no horizon" '{ "start": "2021-12-04", "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'horizon_months': a value is required"
bad "horizon 0" '{ "start": "2021-12-04", "horizon_months": 0, "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'horizon_months': expected a whole number from 1 to 600"
bad "a horizon in years" '{ "start": "2021-12-04", "horizon_months": 1.5, "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'horizon_months': expected a whole number"
bad "a weekly step" "$(body ', "step": "week"')" "$F 'step': only 'month' is supported, not 'week'"
bad "runs 0" '{ "start": "2021-12-04", "horizon_months": 12, "runs": 0, "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'runs': expected a whole number from 1 to 1000000"
bad "a negative seed" '{ "start": "2021-12-04", "horizon_months": 12, "seed": -3, "sides": [ '"$GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'seed': expected a whole number from 0"
bad "pending not a boolean" "$(body ', "pending": "yes"')" "$F 'pending': expected true or false"
bad "no sides" '{ "start": "2021-12-04", "horizon_months": 12, "replacement": '"$GOOD_REPL"' }' "$F 'sides': expected an array of one or two sides"
bad "three sides" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE, $GOOD_SIDE, $GOOD_SIDE"' ], "replacement": '"$GOOD_REPL"' }' "$F 'sides': expected an array of one or two sides"
bad "a side not an object" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ 1 ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[0]': expected an object"
bad "a side without a name" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "sending": "RUS", "country": "USA" } ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[0].name': a value is required"
bad "an unknown sending state" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "XXX", "country": "USA" } ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[0].sending': unknown state 'XXX'"
bad "a side in its own country" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "USA", "country": "USA" } ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[0]': a state's missions are not in its own country"
bad "an unknown side field" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "RUS", "country": "USA", "host": "USA" } ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[0].host': unknown field"
bad "two sides of one name" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "RUS", "country": "USA" }, { "name": "x", "sending": "USA", "country": "RUS" } ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[1].name': the two sides need two names"
bad "the same side twice" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "RUS", "country": "USA" }, { "name": "y", "sending": "RUS", "country": "USA" } ], "replacement": '"$GOOD_REPL"' }' "$F 'sides[1]': the two sides are the same missions"
bad "a side with no mission" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "RUS", "country": "CHE" } ], "replacement": '"$GOOD_REPL"' }' "the sides have no mission open on the start date"
bad "no replacement" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ] }' "$F 'replacement': a value is required"
bad "a probability above 1" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1.5, "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y" } }' "$F 'replacement.probability': must be between 0 and 1"
bad "a probability in words" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": "high", "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y" } }' "$F 'replacement.probability': must be between 0 and 1"
bad "a side's bad replacement" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ { "name": "x", "sending": "RUS", "country": "USA", "replacement": { "probability": -1, "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y" } } ] }' "$F 'sides[0].replacement.probability': must be between 0 and 1"
bad "a bad lead" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "lead": "two months", "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y" } }' "$F 'replacement.lead': "
bad "a negative lead" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "lead": "-P1M", "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y" } }' "$F 'replacement.lead': the period '-P1M' must not be negative"
bad "an unknown replacement field" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y", "speed": 2 } }' "$F 'replacement.speed': unknown field"
bad "no visa" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "tour": "P3Y" } }' "$F 'replacement.visa': a value is required"
bad "a visa not an object" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": "easy", "tour": "P3Y" } }' "$F 'replacement.visa': expected an object"
bad "no refusal" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "delay": "P0D" }, "tour": "P3Y" } }' "$F 'replacement.visa.refusal': a value is required"
bad "no delay" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0 }, "tour": "P3Y" } }' "$F 'replacement.visa.delay': a value is required"
bad "a delay as a number" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": 30 }, "tour": "P3Y" } }' "$F 'replacement.visa.delay': expected a period"
bad "a p90 under the median" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": { "median": "P2M", "p90": "P1M" } }, "tour": "P3Y" } }' "$F 'replacement.visa.delay.p90': must be longer than the median"
bad "a median of nothing" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": { "median": "P0D", "p90": "P1M" } }, "tour": "P3Y" } }' "$F 'replacement.visa.delay.median': must be at least one day"
bad "a lognormal without p90" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": { "median": "P1M" } }, "tour": "P3Y" } }' "$F 'replacement.visa.delay.p90': a value is required"
bad "phases out of order" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": [ { "refusal": 0, "delay": "P0D" }, { "from": "2022-06-01", "refusal": 0, "delay": "P0D" }, { "from": "2022-03-01", "refusal": 0, "delay": "P0D" } ], "tour": "P3Y" } }' "$F 'replacement.visa[2].from': must be later than the phase before"
bad "a later phase without a date" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": [ { "refusal": 0, "delay": "P0D" }, { "refusal": 0, "delay": "P0D" } ], "tour": "P3Y" } }' "$F 'replacement.visa[1].from': a value is required after the first phase"
bad "an empty list of phases" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": [], "tour": "P3Y" } }' "$F 'replacement.visa': a value is required"
bad "both history and parameters" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "from_registry": { "issuing": "USA", "purpose": "posting" } }, "tour": "P3Y" } }' "$F 'replacement.visa': give either from_registry, or refusal and delay, not both"
bad "history of an unknown purpose" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "from_registry": { "issuing": "USA", "purpose": "tourism" } }, "tour": "P3Y" } }' "$F 'replacement.visa.from_registry.purpose': invalid visa purpose 'tourism'"
bad "history with no cases" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "from_registry": { "issuing": "USA", "purpose": "posting" } }, "tour": "P3Y" } }' "$F 'replacement.visa.from_registry': the registry has no visa case of USA for purpose 'posting'"
bad "history not an object" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "from_registry": "USA" }, "tour": "P3Y" } }' "$F 'replacement.visa.from_registry': expected an object"
bad "no tour" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": "P0D" } } }' "$F 'replacement.tour': a value is required"
bad "a tour of nothing" '{ "start": "2021-12-04", "horizon_months": 12, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 1, "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P0D" } }' "$F 'replacement.tour': must be at least one day"
bad "policies not an object" "$(body ', "policies": []')" "$F 'policies': expected an object"
bad "registry not a boolean" "$(body ', "policies": { "registry": "yes" }')" "$F 'policies.registry': expected true or false"
bad "an unknown policies field" "$(body ', "policies": { "keep": [] }')" "$F 'policies.keep': unknown field"
bad "removing an unknown policy" "$(body ', "policies": { "remove": [ "nope" ] }')" "$F 'policies.remove[0]': unknown policy 'nope'"
bad "removing with no registry" "$(body ', "policies": { "registry": false, "remove": [ "nope" ] }')" "$F 'policies.remove[0]': the registry's policies are not used"
bad "remove not a list" "$(body ', "policies": { "remove": "nope" }')" "$F 'policies.remove': expected an array of policy ids"
bad "adding a bad policy" "$(body ', "policies": { "add": [ { "id": "t", "kind": "tenure_cap", "issuer": "USA", "target": "RUS", "effective": { "from": "2021-01-01" }, "params": { "rounding": "down" } } ] }')" "$TMP/bad.json:1: policies.add[0]: policy 't': field 'params.max_tenure': a value is required"
bad "adding one policy twice" "$(body ', "policies": { "add": [ { "id": "t", "kind": "tenure_cap", "issuer": "USA", "target": "RUS", "effective": { "from": "2021-01-01" }, "params": { "max_tenure": "P3Y", "rounding": "down" } }, { "id": "t", "kind": "tenure_cap", "issuer": "USA", "target": "RUS", "effective": { "from": "2021-01-01" }, "params": { "max_tenure": "P3Y", "rounding": "down" } } ] }')" "$F 'policies.add[1].id': policy 't' is already in the scenario"
bad "add not a list" "$(body ', "policies": { "add": {} }')" "$F 'policies.add': expected an array of policies"
bad "assuming what voids nothing" "$(body ', "policies": { "assume": [ { "condition": "peace", "from": "2022-07-01" } ] }')" "$F 'policies.assume[0].condition': no policy of the scenario is void under condition 'peace'"
bad "assuming from a bad date" "$(body ', "policies": { "assume": [ { "condition": "peace", "from": "July" } ] }')" "$F 'policies.assume[0].from': "
bad "assuming a number" "$(body ', "policies": { "assume": [ 3 ] }')" "$F 'policies.assume[0]': expected a condition name"
bad "a minimum at an unknown mission" "$(body ', "minimum_staffing": { "XX": 3 }')" "$F 'minimum_staffing.XX': unknown mission 'XX'"
bad "a minimum in words" "$(body ', "minimum_staffing": { "RUS-WAS": "ten" }')" "$F 'minimum_staffing.RUS-WAS': expected a whole number of staff, 0 or more"
bad "a negative minimum" "$(body ', "minimum_staffing": { "RUS-WAS": -1 }')" "$F 'minimum_staffing.RUS-WAS': expected a whole number"
bad "a minimum outside the sides" "$(body ', "minimum_staffing": { "USA-MOW": 3 }')" "$F 'minimum_staffing.USA-MOW': mission 'USA-MOW' is in neither side of the scenario"
bad "a minimum at a closed mission" "$(body ', "minimum_staffing": { "RUS-SEA": 3 }')" "mission 'RUS-SEA' is in neither side"

# Every problem of a file at once, counted.
scenario bad '{ "start": "2021-13-01", "horizon_months": 0, "sides": [ '"$GOOD_SIDE"' ], "replacement": { "probability": 2, "visa": { "refusal": 0, "delay": "P0D" }, "tour": "P3Y" } }'
expect_exit 3 "three problems at once" forecast "$TMP/bad.json"
expect_err "the start" "$F 'start'"
expect_err "the horizon" "$F 'horizon_months'"
expect_err "the probability" "$F 'replacement.probability'"
expect_err "the count" "$TMP/bad.json: 3 errors in the scenario"

# Scenarios that cannot be compared.
scenario short "$(body '' | sed 's/"horizon_months": 12/"horizon_months": 6/')"
expect_exit 3 "compare different horizons" forecast compare "$TMP/good.json" "$TMP/short.json"
expect_err "compare message" "differ in their start, horizon or sides"
expect_exit 3 "compare with a bad scenario" forecast compare "$TMP/good.json" "$TMP/bad.json"

done_testing
