#!/bin/sh
# A notification's warnings: the findings the registry would gain if it
# were accepted (a headcount cap exceeded, a spouse the rules deny, a
# child whose visa is refused), each with its explain chain, and a person
# once declared persona non grata (VCDR art. 9: an earlier posting ended
# so, or a departure order naming the person). Recomputed when decided.
. tests/cli/lib.sh
setup_small

notify_file() {
    printf '%s\n' "$2" >"$TMP/$1.json"
}

notify_file app '{"kind":"appointment","mission":"RUS-WAS","person":{"id":"P20","family_name":"Orlov","sex":"M"},
 "posting":{"id":"T20","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","notified":"2021-06-01","arrived":"2021-06-10","accredited":"2021-06-11"},
 "dependents":[{"person":{"id":"P21","family_name":"Orlova","sex":"F"},"relation":"spouse","joined":"2021-06-15","accredited":"2021-06-16"},
  {"person":{"id":"P22","family_name":"Orlov","birth_date":"2010-01-01"},"relation":"child","joined":"2021-06-15"}],
 "justification":"a new post"}'

# Without a policy there is nothing to warn of.
expect_exit 0 "an appointment is submitted" --format json notify "$TMP/app.json"
expect_out "with no warning" '"warnings": []'
expect_out "its justification" '"justification": "a new post"'

cat >"$TMP/rules.json" <<'JSON'
[{"id":"cap","kind":"headcount_cap","issuer":"USA","target":"RUS","effective":{"from":"2017-09-01"},"params":{"limit":2}},
 {"id":"fam","kind":"dependent_rule","issuer":"USA","target":"RUS","effective":{"from":"2021-01-01"},"params":{"spouse":"deny","child_visa":"deny"}}]
JSON
expect_exit 0 "a cap and a family rule" policy add "$TMP/rules.json"

expect_exit 0 "the same appointment again" --format json notify "$TMP/app.json"
expect_out "the cap exceeded" '"id": "cap:RUS"'
expect_out "how" '"detail": "3 staff of RUS in USA, limit 2: 1 over"'
expect_out "its explain chain" '"3 is above 2: 1 over the cap."'
expect_out "the spouse denied" '"id": "fam:P21/T20"'
expect_out "with its explain chain" '"Spouse P21 was accredited on 2021-06-16."'
expect_out "the child's visa refused" '"id": "fam:P22/T20"'
expect_out "with its explain chain" '"Child P22 is in the household."'
if grep -q '"fam:P5/T2"' "$TMP/out"; then not_ok "a finding the registry has already is no warning"; else
    ok "a finding the registry has already is no warning"; fi
expect_exit 0 "the table shows each warning's chain" notification show N000002
expect_out "numbered" "  3. 3 is above 2: 1 over the cap."
expect_exit 0 "the list counts them" notification list --format csv
expect_out "three warnings" "N000002,appointment,RUS-WAS,submitted,2021-12-04T00:00:00Z,test,,3,"
expect_out "none on the first" "N000001,appointment,RUS-WAS,submitted,2021-12-04T00:00:00Z,test,,0,"

# Recomputed at decision time: the first, submitted before the rules,
# gains them when accepted.
expect_exit 0 "the first is accepted" notification decide N000001 accept --format json
expect_out "with the warnings of today" '"id": "cap:RUS"'

# Persona non grata: a departure order naming the person.
cat >"$TMP/png.json" <<'JSON'
{"id":"png","title":"Expulsions","kind":"departure_order","issuer":"USA","target":"RUS","effective":{"from":"2016-12-29"},
 "params":{"persons":["P3"],"declared":"2016-12-29","leave_by":"2017-01-01","reason":"persona_non_grata"}}
JSON
expect_exit 0 "a departure order naming P3" policy add "$TMP/png.json"
notify_file p3 '{"kind":"appointment","mission":"RUS-UN","person":"P3",
 "posting":{"id":"T30","rank":"attache","category":"diplomatic_agent","notified":"2021-11-01"}}'
expect_exit 0 "P3 is notified again" --format json notify "$TMP/p3.json"
expect_out "the order is a warning" '"id": "png:P3"'
expect_out "naming it" '"detail": "named by departure order png declared 2016-12-29"'
expect_out "its chain names the person" '"It names person P3."'
expect_out "and the rule" '"Policy png (Expulsions, USA to RUS): a departure order declared 2016-12-29 naming 1 persons (VCDR art. 9)."'

# Persona non grata: an earlier posting ended so.
notify_file end5 '{"kind":"termination","mission":"RUS-UN","posting":"T5","ended":"2021-10-01","end_reason":"persona_non_grata"}'
expect_exit 0 "T5 is terminated as persona non grata" notify "$TMP/end5.json"
expect_exit 0 "and accepted" notification decide N000004 accept
notify_file p5 '{"kind":"appointment","mission":"RUS-WAS","person":"P5",
 "posting":{"id":"T31","rank":"attache","category":"admin_technical","notified":"2021-11-15"}}'
expect_exit 0 "P5 is notified again" --format json notify "$TMP/p5.json"
expect_out "the declaration is a warning" '"id": "vcdr-art9:P5"'
expect_out "naming the posting" '"detail": "declared persona non grata: posting T5 ended 2021-10-01"'
expect_out "its chain cites VCDR art. 9" '"VCDR art. 9(1): the receiving State may declare a member of a mission persona non grata'
expect_out "and the posting" '"Person P5 held posting T5 at mission RUS-UN, which ended on 2021-10-01 with end_reason persona_non_grata."'
notify_file p4 '{"kind":"appointment","mission":"RUS-WAS","person":"P2",
 "posting":{"id":"T32","rank":"attache","category":"admin_technical","notified":"2021-11-15"}}'
expect_exit 0 "someone never declared" --format json notify "$TMP/p4.json"
if grep -q 'vcdr-art9\|"png:' "$TMP/out"; then not_ok "has no such warning"; else ok "has no such warning"; fi

# A tour that would pass a tenure cap before its planned end.
cat >"$TMP/tenure.json" <<'JSON'
{"id":"tenure","title":"Three years","kind":"tenure_cap","issuer":"USA","target":"RUS",
 "scope":{"mission_kinds":["embassy"]},"effective":{"from":"2020-12-01"},
 "params":{"max_tenure":"P3Y","rounding":"down","grace":"P0D"}}
JSON
expect_exit 0 "a tenure cap" policy add "$TMP/tenure.json"
notify_file long '{"kind":"appointment","mission":"RUS-WAS","person":{"id":"P40","family_name":"Long"},"planned_end":"2025-06-30",
 "posting":{"id":"T40","rank":"attache","category":"diplomatic_agent","notified":"2021-06-01","arrived":"2021-06-10"}}'
expect_exit 0 "a tour planned past its cap" --format json notify "$TMP/long.json"
expect_out "is a warning" '"id": "tenure:T40"'
expect_out "its detail" '"detail": "arrived 2021-06-10, cap date 2024-06-10; leave by 2024-06-10"'
expect_out "its chain" '"Cap date: 2021-06-10 + P3Y = 2024-06-10; the tour is over the cap on every date after it."'
sed 's/2025-06-30/2024-06-10/; s/P40/P41/; s/T40/T41/' "$TMP/long.json" >"$TMP/short.json"
expect_exit 0 "a tour planned to end on its cap date" --format json notify "$TMP/short.json"
if grep -q '"tenure:T41"' "$TMP/out"; then not_ok "is no warning"; else ok "is no warning"; fi
sed 's/2025-06-30/someday/; s/P40/P42/; s/T40/T42/' "$TMP/long.json" >"$TMP/bad.json"
expect_exit 3 "a planned end that is no date" notify "$TMP/bad.json"
expect_err "is refused" "bad.json: planned_end: expected a date YYYY-MM-DD"

# An appointment into a mission closed on its date is a warning, with its
# explanation, not a refusal; the office cannot accept it while the
# mission stays closed (exit 3, nothing written).
notify_file sea '{"kind":"appointment","mission":"RUS-SEA","person":{"id":"P50","family_name":"Sokolov"},
 "posting":{"id":"T50","rank":"consul","category":"consular_officer","notified":"2021-06-01"}}'
expect_exit 0 "an appointment into a closed mission is submitted" --format json notify "$TMP/sea.json"
expect_out "with a warning" '"id": "mission-closed:T50"'
expect_out "of its kind" '"kind": "mission_closed"'
expect_out "its detail" '"detail": "mission RUS-SEA closed on 2018-04-24: posting T50 would begin on 2021-06-01"'
expect_out "its chain names the closure" '"Mission RUS-SEA (Consulate General of Russia, RUS in USA) closed on 2018-04-24."'
expect_out "and the rule" '"A posting begins while its mission is open: the office cannot accept the appointment while the mission stays closed."'
sea=$(sed -n 's/^ *"id": "\(N[0-9]*\)",*$/\1/p' "$TMP/out" | head -n 1)
expect_exit 3 "accepting it is refused" notification decide "$sea" accept
expect_err "naming the closure" "notification $sea: posting.notified: mission 'RUS-SEA' was not open on 2021-06-01 (closed 2018-04-24)"
expect_exit 0 "it stays submitted" --format csv notification list --mission RUS-SEA
expect_out "as it was" "$sea,appointment,RUS-SEA,submitted"

done_testing
