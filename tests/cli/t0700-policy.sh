#!/bin/sh
# Policies: `policy add` and `import` validate every field and report each
# problem as "FILE: policy 'ID': field 'X': message", exit 3 and write
# nothing; list, show and retire; export writes policies/ID.json and
# export -> import -> export is byte-identical.
. tests/cli/lib.sh

setup_small
ch audit verify
log_before=$(cat "$TMP/out")

# A valid tenure cap, the base of most bad variants below.
good='{"id":"usa-rus-tenure","title":"Three years","kind":"tenure_cap",
"issuer":"USA","target":"RUS","scope":{"mission_kinds":["embassy"]},
"effective":{"from":"2020-12-01","to":null},
"params":{"max_tenure":"P3Y","rounding":"down",
"waves":[{"over_by":"2022-01-30","leave_by":"2022-01-30"}],"grace":"P0D"}}'

# bad_policy WHAT MESSAGE: `policy add` of stdin exits 3 naming MESSAGE,
# and neither the policies nor the change log changed. Its stderr is kept
# in $TMP/policy.err. (Input comes by redirection, never by a pipe, which
# would run it in a subshell and lose the test count.)
bad_policy() {
    cat >"$TMP/bad.json"
    ch policy add "$TMP/bad.json"
    rc=$?
    cp "$TMP/err" "$TMP/policy.err"
    if [ $rc -eq 3 ] && grep -qF -- "$2" "$TMP/err"; then ok "$1"; else
        echo "# exit $rc; wanted 3 and: $2"; not_ok "$1"; fi
    ch audit verify
    if [ "$(cat "$TMP/out")" = "$log_before" ]; then ok "$1: nothing written"
    else not_ok "$1: nothing written"; fi
}

# variant SED: the good policy edited by a sed expression.
variant() {
    printf '%s\n' "$good" | sed "$1"
}

B="$TMP/bad.json"
printf '{"id": "x",\n "kind": }\n' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "invalid JSON" "$B:2: invalid JSON:"
echo '42' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "neither object nor array" "$B: expected a policy object or an array of them"
echo '[1]' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "an array item that is no object" "$B:1: policy #1: expected a policy object"
variant 's/"tenure_cap"/"tenure_limit"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "unknown kind" \
    "$B:1: policy 'usa-rus-tenure': field 'kind': invalid policy kind 'tenure_limit' (expected one of: tenure_cap,"
variant 's/"grace":"P0D"/"grace":"P0D","max_stay":"P1Y"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "unknown param" \
    "$B:5: policy 'usa-rus-tenure': field 'params.max_stay': unknown param for tenure_cap"
variant 's/"title"/"titel"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "unknown field" \
    "$B:1: policy 'usa-rus-tenure': field 'titel': unknown field"
variant 's/"P3Y"/"P3X"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "bad period" \
    "$B:4: policy 'usa-rus-tenure': field 'params.max_tenure': invalid period 'P3X'"
variant 's/"P0D"/"-P1D"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "negative grace" \
    "field 'params.grace': the period '-P1D' must not be negative"
variant 's/"P3Y"/"P0D"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "zero tenure" \
    "field 'params.max_tenure': the period must not be zero"
variant 's/"from":"2020-12-01"/"from":"2021-02-30"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "bad date" \
    "$B:3: policy 'usa-rus-tenure': field 'effective.from': invalid date '2021-02-30'"
variant 's/"over_by":"2022-01-30"/"over_by":"30.1.2022"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "bad wave date" \
    "field 'params.waves[0].over_by': invalid date '30.1.2022'"
variant 's/"issuer":"USA"/"issuer":"USX"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "unknown issuer" \
    "$B:2: policy 'usa-rus-tenure': field 'issuer': unknown state 'USX'"
variant 's/"target":"RUS"/"target":"SUN"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "unknown target" \
    "field 'target': unknown state 'SUN'"
variant 's/"target":"RUS"/"target":"rus"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "malformed state code" \
    "field 'target': invalid state code 'rus'"
variant 's/"target":"RUS"/"target":"USA"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "a policy on oneself" \
    "field 'target': a state's policy cannot target itself"
variant 's/\["embassy"\]/["palace"]/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "scope value not a mission kind" \
    "field 'scope.mission_kinds': invalid mission kind 'palace' (expected one of: embassy,"
variant 's/"mission_kinds":\["embassy"\]/"categories":["spy"]/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "scope value not a category" \
    "field 'scope.categories': invalid staff category 'spy'"
variant 's/"mission_kinds":\["embassy"\]/"missions":["RUS-NYC"]/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "scope names an unknown mission" \
    "field 'scope.missions': unknown mission 'RUS-NYC'"
variant 's/"to":null/"to":"2020-11-30"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "to before from" \
    "field 'effective.to': to 2020-11-30 is before from 2020-12-01"
variant 's/"id":"usa-rus-tenure",//' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "missing id" \
    "$B:1: policy #1: field 'id': a value is required"
variant 's/"id":"usa-rus-tenure"/"id":"..\/x"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "an id that is a path" \
    "field 'id': invalid id '../x'"
variant 's/"kind":"tenure_cap",//' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "missing kind" \
    "field 'kind': a value is required"
variant 's/"from":"2020-12-01",//' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "missing from" \
    "field 'effective.from': a value is required"
variant 's/"max_tenure":"P3Y",//' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "missing param" \
    "field 'params.max_tenure': a value is required"
variant 's/"down"/"sideways"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "bad rounding" \
    "field 'params.rounding': invalid rounding 'sideways' (expected one of: down, up, abort)"
variant 's/\[{"over_by":"2022-01-30","leave_by":"2022-01-30"}\]/[{"over_by":"2022-06-30","leave_by":"2022-06-30"},{"over_by":"2022-01-30","leave_by":"2022-01-30"}]/' |
    bad_policy "waves out of order" "field 'params.waves[1]': waves must be in order of over_by"
variant 's/"title":"Three years",/"title":"Three years","title":"Again",/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "a repeated key" \
    "invalid JSON: duplicate object key"
printf '[%s,%s]\n' "$good" "$good" >"$TMP/in.json"
bad_policy <"$TMP/in.json" "duplicate id in a file" \
    "$B:5: policy 'usa-rus-tenure': field 'id': duplicate policy 'usa-rus-tenure'"
echo '[]' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "an empty file" "no policy in the file"
bad_policy "limit and mirror together" "field 'params.mirror': give a limit or a mirror, not both" <<'JSON'
{"id":"cap","kind":"headcount_cap","issuer":"RUS","target":"USA",
 "effective":{"from":"2017-09-01"},"params":{"limit":455,"mirror":{"ratio":1.0}}}
JSON
bad_policy "a cap without limit or mirror" "field 'params.limit': a limit or a mirror is required" <<'JSON'
{"id":"cap","kind":"headcount_cap","issuer":"RUS","target":"USA",
 "effective":{"from":"2017-09-01"},"params":{}}
JSON
bad_policy "a bad ratio" "field 'params.mirror.ratio': expected a number above 0" <<'JSON'
{"id":"cap","kind":"headcount_cap","issuer":"RUS","target":"USA",
 "effective":{"from":"2017-09-01"},"params":{"mirror":{"ratio":-1,"lag":"P30D"}}}
JSON
bad_policy "a count flag that is no boolean" "field 'params.count.include_local_staff': expected true or false" <<'JSON'
{"id":"cap","kind":"headcount_cap","issuer":"RUS","target":"USA",
 "effective":{"from":"2017-09-01"},"params":{"limit":1,"count":{"include_local_staff":"yes"}}}
JSON
bad_policy "an order naming an unknown person" "$B:3: policy 'png': field 'params.persons': unknown person 'P99'" <<'JSON'
{"id":"png","kind":"departure_order","issuer":"USA","target":"RUS",
 "effective":{"from":"2016-12-29"},
 "params":{"persons":["P1","P99"],"declared":"2016-12-29","leave_by":"2017-01-01","reason":"persona_non_grata"}}
JSON
bad_policy "an order due before its declaration" "field 'params.leave_by': leave_by is before declared" <<'JSON'
{"id":"png","kind":"departure_order","issuer":"USA","target":"RUS",
 "effective":{"from":"2016-12-29"},
 "params":{"persons":["P1"],"declared":"2016-12-29","leave_by":"2016-12-01","reason":"persona_non_grata"}}
JSON
bad_policy "an order with persons and select" "field 'params.select': give persons or select, not both" <<'JSON'
{"id":"png","kind":"departure_order","issuer":"USA","target":"RUS",
 "effective":{"from":"2016-12-29"},
 "params":{"persons":["P1"],"select":{},"declared":"2016-12-29","leave_by":"2017-01-01","reason":"persona_non_grata"}}
JSON
bad_policy "a bad reason" "field 'params.reason': invalid reason 'rudeness'" <<'JSON'
{"id":"png","kind":"departure_order","issuer":"USA","target":"RUS",
 "effective":{"from":"2016-12-29"},
 "params":{"persons":["P1"],"declared":"2016-12-29","leave_by":"2017-01-01","reason":"rudeness"}}
JSON
bad_policy "a local staff ban without nationalities" "field 'params.nationalities': expected an array" <<'JSON'
{"id":"ban","kind":"local_staff_ban","issuer":"RUS","target":"USA",
 "effective":{"from":"2021-08-01"},"params":{"nationalities":[]}}
JSON
bad_policy "a family rule with a bad choice" "field 'params.spouse': invalid spouse rule 'exile'" <<'JSON'
{"id":"fam","kind":"dependent_rule","issuer":"USA","target":"RUS",
 "effective":{"from":"2021-12-01"},"params":{"spouse":"exile"}}
JSON
bad_policy "a visa deadline of zero days" "field 'params.max_days': expected a whole number from 1 to 3650" <<'JSON'
{"id":"sla","kind":"visa_sla","issuer":"USA","target":"*",
 "effective":{"from":"1947-11-21"},"params":{"max_days":0}}
JSON

# Every problem of a policy is reported, not only the first.
variant 's/"P3Y"/"P3X"/; s/"USA"/"USX"/' >"$TMP/in.json"
bad_policy <"$TMP/in.json" "every problem reported (1)" "field 'params.max_tenure'"
if grep -qF "field 'issuer': unknown state 'USX'" "$TMP/policy.err"; then
    ok "every problem reported (2)"; else not_ok "every problem reported (2)"; fi

expect_exit 2 "policy add without a file" policy add
expect_exit 1 "policy add of a missing file" policy add "$TMP/nowhere.json"
expect_exit 2 "policy without a subcommand" policy

# Import: a bad policy rejects the CSV files of the same import too.
CHANCERY_DB="$TMP/imp.db" "$CHANCERY" init >/dev/null
mkdir -p "$TMP/reg2/policies"
cp "$TMP/reg/"*.csv "$TMP/reg2/"
variant 's/"P3Y"/"three years"/' >"$TMP/reg2/policies/usa-rus-tenure.json"
CHANCERY_DB="$TMP/imp.db" expect_exit 3 "import with a bad policy" import "$TMP/reg2"
expect_err "import names the policy file" "reg2/policies/usa-rus-tenure.json:4: policy 'usa-rus-tenure': field 'params.max_tenure': invalid period 'three years'"
CHANCERY_DB="$TMP/imp.db" ch mission list --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "the bad import wrote no mission"; else
    not_ok "the bad import wrote no mission"; fi
printf '%s\n' "$good" >"$TMP/reg2/policies/usa-rus-tenure.json"
CHANCERY_DB="$TMP/imp.db" expect_exit 0 "import with a good policy" import "$TMP/reg2"
expect_out "import counts the policies" "1 policies"

# A policy file named directly, beside CSV files or alone.
sed 's/"usa-rus-tenure"/"usa-rus-tenure-2"/' "$TMP/reg2/policies/usa-rus-tenure.json" >"$TMP/direct.json"
CHANCERY_DB="$TMP/imp.db" expect_exit 0 "import a .json file named directly" import "$TMP/direct.json"
expect_out "one policy imported" "0 consular, 1 policies"
CHANCERY_DB="$TMP/imp.db" expect_exit 0 "it is recorded" policy show usa-rus-tenure-2

# add, list, show
printf '%s\n' "$good" >"$TMP/good.json"
expect_exit 0 "policy add" policy add "$TMP/good.json" --note "agreed 2020"
expect_out "policy add names the policy" "policy 'usa-rus-tenure' added"
expect_exit 3 "the same policy again is a duplicate" policy add "$TMP/good.json"
expect_err "duplicate with the registry" "field 'id': duplicate policy 'usa-rus-tenure'"
expect_exit 0 "policy list" policy list --format csv
expect_out "list row" "usa-rus-tenure,tenure_cap,USA,RUS,2020-12-01,,,Three years"
expect_exit 0 "policy list --issuer" policy list --issuer RUS --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "no policy of RUS"; else not_ok "no policy of RUS"; fi
expect_exit 0 "policy list --target '*', as its help says" policy list --target '*' --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "no policy for every state"; else not_ok "no policy for every state"; fi
expect_exit 3 "policy list --target of no state" policy list --target RSU
expect_err "names it" "--target: unknown state 'RSU'"
expect_exit 0 "policy show" policy show usa-rus-tenure
expect_out "show prints the JSON, indented" '  "max_tenure": "P3Y",'
expect_exit 3 "show an unknown policy" policy show nope
expect_exit 0 "history of a policy" history policy usa-rus-tenure --format csv
expect_out "the change log has the note" "agreed 2020"

# retire
expect_exit 2 "retire without --on" policy retire usa-rus-tenure
expect_exit 2 "retire with a bad date" policy retire usa-rus-tenure --on 2022-13-01
expect_exit 3 "retire an unknown policy" policy retire nope --on 2022-01-01
expect_exit 3 "retire on the first day" policy retire usa-rus-tenure --on 2020-12-01
expect_err "retire on the first day: message" "takes effect on 2020-12-01"
expect_exit 0 "retire" policy retire usa-rus-tenure --on 2022-07-01 --note "superseded"
expect_out "retire says the last day" "retired on 2022-07-01 (last day in effect 2022-06-30)"
expect_exit 0 "show after retire" policy show usa-rus-tenure
expect_out "the body has the end" '"to": "2022-06-30"'
expect_exit 0 "list after retire" policy list --format csv
expect_out "the record has the end" "usa-rus-tenure,tenure_cap,USA,RUS,2020-12-01,2022-06-30,"
expect_exit 3 "retire after it ended" policy retire usa-rus-tenure --on 2022-08-01
expect_err "retire after it ended: message" "already ended: its last day in effect is 2022-06-30, before 2022-08-01"
expect_exit 0 "retire earlier still" policy retire usa-rus-tenure --on 2022-03-01
expect_exit 0 "history after retire" history policy usa-rus-tenure --format csv
expect_out "the retirement's note" "superseded"
expect_exit 0 "as known before the retirement" --as-known-on 2021-01-01 policy list --format csv

# Export writes policies/ID.json; export -> import -> export is identical.
expect_exit 0 "export" export "$TMP/exp1"
if [ -f "$TMP/exp1/policies/usa-rus-tenure.json" ]; then ok "export wrote the policy"; else
    not_ok "export wrote the policy"; fi
CHANCERY_DB="$TMP/copy.db" "$CHANCERY" init >/dev/null
CHANCERY_DB="$TMP/copy.db" expect_exit 0 "import the export" import "$TMP/exp1"
CHANCERY_DB="$TMP/copy.db" expect_exit 0 "export again" export "$TMP/exp2"
expect_same "the policy is byte-identical" "$TMP/exp1/policies/usa-rus-tenure.json" "$TMP/exp2/policies/usa-rus-tenure.json"
expect_same "the postings are byte-identical" "$TMP/exp1/postings.csv" "$TMP/exp2/postings.csv"

# A registry of schema 1 (before policies and visas; the schema-3 fixture
# without them) gains their tables when opened, keeping its records.
if command -v sqlite3 >/dev/null; then
    sqlite3 "$TMP/old.db" <"$TOP/tests/fixtures/registry-v3.sql"
    sqlite3 "$TMP/old.db" "DELETE FROM changes WHERE entity = 'visa'; DROP TABLE policies; DROP TABLE visas; DROP TABLE consular; PRAGMA user_version = 1"
    CHANCERY_DB="$TMP/old.db" expect_exit 0 "a schema-1 registry opens" policy list --format csv
    if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "with no policy"; else not_ok "with no policy"; fi
    CHANCERY_DB="$TMP/old.db" expect_exit 0 "and takes one" policy add "$TMP/good.json"
    CHANCERY_DB="$TMP/old.db" expect_exit 0 "its log verifies, the new policy chained on" audit verify
    expect_out "every entry" "verified 283 changes"
    CHANCERY_DB="$TMP/old.db" expect_exit 0 "its missions are kept" mission list --format csv
    expect_out "a mission of the old registry" "RUS-WAS,"
else
    ok "schema-1 migration # skip sqlite3 not installed"
fi

# The demo's policies come back exactly as written.
CHANCERY_DB="$TMP/demo.db" "$CHANCERY" demo >/dev/null 2>&1
CHANCERY_DB="$TMP/demo.db" expect_exit 0 "export the demo" export "$TMP/demo-exp"
for f in "$TOP"/data/demo/policies/*.json; do
    expect_same "demo policy $(basename "$f")" "$f" "$TMP/demo-exp/policies/$(basename "$f")"
done

done_testing
