#!/bin/sh
# Hostile values (issue 11), each refused with FILE:LINE and the column on
# import, or naming the option in a command, with exit 3 and nothing
# written: ids past 64 bytes (the change log kept only 255 bytes of a key),
# control characters in text (terminal injection), a byte order mark inside
# an id, a space around an enumeration or an id (no longer trimmed), an
# empty boolean (exported as false), a birth date after today or after the
# person's posting, a dependent's accreditation revoked that was never
# granted, a tenure wave whose leave_by precedes its over_by. Dates at the
# ends of the range answer and never abort; JSON files may start with a
# byte order mark.
. tests/cli/lib.sh

setup_small
ch export "$TMP/before"

# bad_import NAME FILE: imports a copy of the registry with FILE from stdin.
bad_import() {
    d="$TMP/bad/$1"
    mkdir -p "$d"
    cp "$TMP/reg/"*.csv "$d/"
    cat >"$d/$2"
    CHANCERY_DB="$TMP/bad-$1.db" "$CHANCERY" init >/dev/null 2>&1
    CHANCERY_DB="$TMP/bad-$1.db" ch import "$d"
}

# expect_refused WHAT MESSAGE: the last command exited 3 with MESSAGE.
expect_refused() {
    rc=$?
    if [ $rc -eq 3 ] && grep -qF -- "$2" "$TMP/err"; then ok "$1"; else
        echo "# exit $rc; wanted 3 and: $2"; not_ok "$1"; fi
}

long=$(printf 'P%065d' 0)
persons_with() {
    head -n 1 "$TMP/reg/persons.csv"
    printf '%s\n' "$1"
}

persons_with "$long,Long,Id,M,1970-01-01,RUS," | bad_import long-id persons.csv
expect_refused "an id of 66 bytes" "persons.csv:2: column 'id': invalid id of 66 bytes: at most 64"
ch person add --id "$long" --family-name Long
expect_refused "person add: an id of 66 bytes" "--id: invalid id of 66 bytes: at most 64"

esc=$(printf 'Evil\033[2J\007')
persons_with "P9,$esc,Eve,F,1970-01-01,RUS," | bad_import esc persons.csv
expect_refused "ESC and BEL in a name" "persons.csv:2: column 'family_name': a control or invisible character at byte 5: not allowed in text"
ch person add --id P9 --family-name "$esc"
expect_refused "person add: ESC in a name" "--family-name: a control or invisible character at byte 5"

persons_with "$(printf 'P\357\273\2779'),Bom,Id,M,1970-01-01,RUS," | bad_import bom-id persons.csv
expect_refused "a byte order mark inside an id" "persons.csv:2: column 'id': invalid id: byte 2 is not printable ASCII"

{ head -n 1 "$TMP/reg/missions.csv"
  echo 'RUS-WAS,Embassy of Russia,RUS,USA,USA,Washington, embassy,1992-01-01,'
} | bad_import space-enum missions.csv
expect_refused "a space before an enumeration" "missions.csv:2: column 'kind': invalid mission kind ' embassy'"

{ head -n 1 "$TMP/reg/missions.csv"
  echo 'RUS-WAS ,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,'
} | bad_import space-id missions.csv
expect_refused "a space after an id" "missions.csv:2: column 'id': invalid id 'RUS-WAS ': no '/' or white space"

{ head -n 1 "$TMP/reg/postings.csv"
  echo 'T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,,2017-08-01,2017-08-21,2017-08-22,,,'
} | bad_import empty-bool postings.csv
expect_refused "an empty head_of_mission" "postings.csv:2: column 'head_of_mission': a value is required (true or false)"

persons_with "P9,Future,Born,M,9999-12-31,RUS," | bad_import born-9999 persons.csv
expect_refused "born on 9999-12-31" "persons.csv:2: column 'birth_date': birth date 9999-12-31 is after today"
ch person add --id P9 --family-name Future --birth-date 9999-12-31
expect_refused "person add: born on 9999-12-31" "birth date 9999-12-31 is after today"
ch person add --id P9 --family-name Future --birth-date 2021-12-05
expect_refused "person add: born tomorrow" "birth date 2021-12-05 is after today"

{ cat "$TMP/reg/persons.csv"; echo 'P9,Young,Ivan,M,2018-01-01,RUS,'; } >"$TMP/persons9.csv"
mkdir -p "$TMP/bad/born-late"
cp "$TMP/reg/"*.csv "$TMP/bad/born-late/"
cp "$TMP/persons9.csv" "$TMP/bad/born-late/persons.csv"
echo 'T9,P9,RUS-WAS,Attache,attache,admin_technical,false,2017-03-01,2017-03-15,2017-03-16,,,' >>"$TMP/bad/born-late/postings.csv"
CHANCERY_DB="$TMP/bad-born-late.db" "$CHANCERY" init >/dev/null 2>&1
CHANCERY_DB="$TMP/bad-born-late.db" ch import "$TMP/bad/born-late"
expect_refused "a posting before its person's birth" "postings.csv:7: column 'notified': notified 2017-03-01 is before the person's birth date 2018-01-01"

{ head -n 1 "$TMP/reg/dependents.csv"; echo 'P5,T2,spouse,2018-12-10,,,2019-01-01'; } | bad_import revoked dependents.csv
expect_refused "revoked without accredited" "dependents.csv:2: column 'revoked': an accreditation is revoked only after 'accredited'"

cat >"$TMP/wave.json" <<'JSON'
{ "id": "wave", "kind": "tenure_cap", "issuer": "RUS", "target": "USA",
  "effective": { "from": "2021-12-01", "to": null },
  "params": { "max_tenure": "P3Y", "rounding": "down",
              "waves": [ { "over_by": "2022-07-01", "leave_by": "2022-06-30" } ] } }
JSON
ch policy add "$TMP/wave.json"
expect_refused "a wave leaving before it is over, with its line" "wave.json:4: policy 'wave': field 'params.waves[0].leave_by': leave_by 2022-06-30 is before over_by 2022-07-01"

# A policy's title comes from its JSON, not through the fields' parser:
# an ESC in it was stored, and then every read of the registry failed.
sed 's/"title": "Second group/"title": "\\u001b[2JSecond group/' \
    data/demo/policies/rus-usa-tenure-2.json >"$TMP/esc-title.json"
ch policy add "$TMP/esc-title.json"
expect_refused "ESC in a policy title" "policy 'rus-usa-tenure-2': field 'title': a control or invisible character at byte 1"
sed 's/"id": "rus-usa-tenure-2"/"id": "'"$(printf 'p%.0s' $(seq 70))"'"/' \
    data/demo/policies/rus-usa-tenure-2.json >"$TMP/long-id.json"
ch policy add "$TMP/long-id.json"
expect_refused "a policy id of 70 bytes" "field 'id': invalid id of 70 bytes: at most 64"
expect_exit 0 "the registry still reads" policy list

# Policy and scenario errors name the line of the field, or of the object
# a missing field belongs in.
printf '[\n  { "id": "a",\n    "kind": "tenure_cap" },\n  { "id": "b", "kind": "tenure_cap",\n    "issuer": "RUS",\n    "target": "USX" }\n]\n' >"$TMP/two.json"
ch policy add "$TMP/two.json"
expect_refused "a missing field: the line of its object" "two.json:2: policy 'a': field 'issuer': a value is required"
expect_err "a bad value: its own line" "two.json:6: policy 'b': field 'target': unknown state 'USX'"
printf '{ "start": "2021-12-04",\n  "horizon_months": 12,\n  "runs": 0 }\n' >"$TMP/lines.json"
ch forecast "$TMP/lines.json"
expect_refused "a scenario field's line" "lines.json:3: field 'runs': expected a whole number"

# Two identical tours of one person under two ids: one diplomat counted
# twice. Refused, in one file or against the registry; tours one after the
# other are fine.
{ cat "$TMP/reg/postings.csv"
  echo 'T9,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,'
} | bad_import twin postings.csv
expect_refused "two identical tours" "postings.csv:7: column 'person': person 'P1' already holds posting 'T1' at mission 'RUS-WAS' on 2017-08-21: the same tour is not held twice at once"
{ head -n 1 "$TMP/reg/postings.csv"
  echo 'T9,P2,RUS-WAS,Second Secretary,second_secretary,diplomatic_agent,false,2019-01-01,2019-01-10,2019-01-11,,,'
} >"$TMP/twin2.csv"
mkdir -p "$TMP/twin2"
cp "$TMP/twin2.csv" "$TMP/twin2/postings.csv"
ch import "$TMP/twin2/postings.csv"
expect_refused "a tour overlapping one in the registry" "postings.csv:2: column 'person': person 'P2' already holds posting 'T2' at mission 'RUS-WAS' on 2019-01-10"
{ head -n 1 "$TMP/reg/postings.csv"
  echo 'T9,P3,RUS-SEA,Consul,consul,consular_officer,false,2015-01-01,2015-01-10,2015-01-11,,2016-02-01,recalled'
} >"$TMP/twin2/postings.csv"
CHANCERY_DB="$TMP/seq.db" "$CHANCERY" init >/dev/null 2>&1
CHANCERY_DB="$TMP/seq.db" ch import "$TMP/reg"
CHANCERY_DB="$TMP/seq.db" expect_exit 0 "a tour ending as the next begins" import "$TMP/twin2/postings.csv"

ch posting notify --id T9 --person P1 --mission RUS-WAS --category diplomatic_agent --rank ambassador --title Ambassador --notified 2021-01-01
expect_refused "posting notify: a tour overlapping one held" "posting 'T9': column 'person': person 'P1' already holds posting 'T1' at mission 'RUS-WAS' on 2021-01-01"

# A visa's previous case may come later in the file; a chain that loops is
# called a cycle, and a case never read is unknown.
H=id,person,issuing,post,class,purpose,meeting,applied,decided,outcome,valid_until,previous
mkdir -p "$TMP/chain" "$TMP/cycle"
printf '%s\n' "$H" \
    'V12,P2,USA,USA-MOW,A-1,posting,,2021-12-01,2021-12-02,annulled,,V11' \
    'V11,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,' \
    >"$TMP/chain/visas.csv"
cp "$TMP/reg/"*.csv "$TMP/chain/"
CHANCERY_DB="$TMP/chain.db" "$CHANCERY" init >/dev/null 2>&1
CHANCERY_DB="$TMP/chain.db" expect_exit 0 "a previous case later in the file" import "$TMP/chain"
CHANCERY_DB="$TMP/chain.db" expect_exit 0 "the chain is kept" visa show V12 --format csv
expect_out "V12 follows V11" "V12,P2,USA,USA-MOW,A-1,posting,,2021-12-01,2021-12-02,annulled,,V11"
CHANCERY_DB="$TMP/chain.db" expect_exit 0 "the chained registry verifies" audit verify
CHANCERY_DB="$TMP/chain.db" ch export "$TMP/chain-exp"
CHANCERY_DB="$TMP/chain2.db" "$CHANCERY" init >/dev/null 2>&1
CHANCERY_DB="$TMP/chain2.db" ch import "$TMP/chain-exp"
CHANCERY_DB="$TMP/chain2.db" ch export "$TMP/chain-exp2"
expect_same "its export round-trips" "$TMP/chain-exp/visas.csv" "$TMP/chain-exp2/visas.csv"
printf '%s\n' "$H" \
    'V21,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,V23' \
    'V22,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,V21' \
    'V23,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,V22' \
    'V24,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,V24' \
    'V25,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,V99' \
    >"$TMP/cycle/visas.csv"
ch import "$TMP/cycle/visas.csv"
expect_refused "a cycle of three" "visas.csv:2: column 'previous': a cycle of references: V21 -> V23 -> V22 -> V21"
expect_err "a visa its own previous" "visas.csv:5: column 'previous': a cycle of references: V24 -> V24"
expect_err "an unknown previous" "visas.csv:6: column 'previous': unknown visa 'V99'"

# Found by fuzz-csv: without their person columns, a posting and its
# dependent both had no person, were taken for the same, and the message
# read a person that was not there (SIGSEGV).
mkdir -p "$TMP/bad/no-person"
cp "$TMP/reg/"*.csv "$TMP/bad/no-person/"
sed -i '1s/person,/persn,/' "$TMP/bad/no-person/postings.csv" "$TMP/bad/no-person/dependents.csv"
CHANCERY_DB="$TMP/bad-no-person.db" "$CHANCERY" init >/dev/null 2>&1
CHANCERY_DB="$TMP/bad-no-person.db" ch import "$TMP/bad/no-person"
expect_refused "no person columns: refused, no crash" "dependents.csv:1: column 'person': required column missing"

# Dates at the ends of the range: an answer or an error, never an abort.
expect_exit 0 "as known on 9999-12-31" --as-known-on 9999-12-31 posting list
expect_exit 0 "as known on 0001-01-01" --as-known-on 0001-01-01 posting list
expect_exit 2 "a year past 9999 is a usage error" --as-known-on 10000-01-01 posting list
for d in 0001-01-01 9999-12-31; do
    expect_exit 0 "roster as of $d" roster RUS-WAS --as-of "$d"
    expect_exit 0 "headcount as of $d" headcount --as-of "$d"
    expect_exit 0 "parity from $d" parity RUS USA --from 0001-01-01 --to "$d" --step year
done

ch export "$TMP/after"
if diff -r "$TMP/before" "$TMP/after" >/dev/null; then ok "nothing was written"; else
    not_ok "nothing was written"; fi

# The id of an annulment is made from the visa's: it stays within 64
# bytes (an id of 66 was stored, and no read could load it again).
v64=$(printf 'V%063d' 7)
ch visa add --id "$v64" --person P3 --issuing USA --post USA-MOW --class A-1 --purpose posting --applied 2021-01-04
ch visa decide "$v64" --on 2021-01-05 --outcome issued --valid-until 2022-01-05
expect_exit 0 "annul a visa with a 64-byte id" visa annul "$v64" --on 2021-02-01
expect_out "the annulment's id is cut to 64 bytes" "$(printf 'V%061d' 0)-A"
expect_exit 0 "the registry still reads after" visa list

# A JSON file may start with a byte order mark.
printf '\357\273\277' >"$TMP/bom.json"
cat data/demo/policies/rus-usa-tenure-2.json >>"$TMP/bom.json"
expect_exit 0 "a policy file with a byte order mark" policy add "$TMP/bom.json"
printf '\357\273\277{ "start": "2021-12-04", "horizon_months": 3, "runs": 10, "seed": 7, "sides": [ { "name": "Russians", "sending": "RUS", "country": "USA" } ], "replacement": { "probability": 0.9, "visa": { "refusal": 0.5, "delay": { "median": "P3M", "p90": "P1Y" } }, "tour": "P3Y" } }' >"$TMP/bom-s.json"
expect_exit 0 "a scenario file with a byte order mark" forecast "$TMP/bom-s.json"

done_testing
