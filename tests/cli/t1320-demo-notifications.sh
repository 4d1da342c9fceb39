#!/bin/sh
# The demo's notifications (issue 12): Russia's appointments of 2021 to
# its missions in the United States and the US appointments to Russia,
# each accepted on its accreditation, refused on its refusal or still
# outstanding; and Russia's terminations of the 27 tours the first wave of
# the US tenure rule ends by 2022-01-30, submitted on 2021-12-04 and
# accepted on 2022-01-30 once that day has come, their postings ending
# then. Each is recorded on its own days, so --as-known-on follows them.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

# count STATE KIND MISSION-PREFIX: rows of the last CSV output.
count() {
    awk -F, -v s="$1" -v k="$2" -v m="$3" \
        'NR > 1 && $4 == s && $2 == k && index($3, m) == 1' "$TMP/out" | wc -l
}

expect_exit 0 "the demo's notifications" --format csv notification list
n=$(count accepted appointment RUS-USA)
if [ "$n" -eq 46 ]; then ok "Russia's 2021 appointments accepted: $n"; else not_ok "Russia's accepted: $n, wanted 46"; fi
n=$(count submitted appointment RUS-USA)
if [ "$n" -eq 22 ]; then ok "Russia's outstanding on 2021-12-04: $n"; else not_ok "Russia's outstanding: $n, wanted 22"; fi
n=$(count refused appointment RUS-USA)
if [ "$n" -eq 2 ]; then ok "Russia's refused: $n"; else not_ok "Russia's refused: $n, wanted 2"; fi
n=$(count accepted appointment USA-RUS)
if [ "$n" -eq 27 ]; then ok "the US appointments Russia accepted: $n"; else not_ok "the US accepted: $n, wanted 27"; fi
n=$(count submitted termination RUS-USA)
if [ "$n" -eq 27 ]; then ok "27 terminations outstanding on 2021-12-04"; else not_ok "terminations: $n, wanted 27"; fi

# The terminations are those of the 27 tours `check` gives until 2022-01-30.
expect_exit 0 "check's first wave" check --as-of 2021-12-04 --issuer USA --format csv
sed -n 's/^usa-rus-tenure:\([^,]*\),usa-rus-tenure,over_tenure,[^,]*,2022-01-30,.*/\1/p' "$TMP/out" | sort >"$TMP/due"
expect_exit 0 "the terminations" --format json notification list --kind termination
jq -r '.[].id' "$TMP/out" >"$TMP/ids"
: >"$TMP/ended"
while read -r id; do
    ch --format json notification show "$id"
    jq -r '.payload.posting' "$TMP/out" >>"$TMP/ended"
done <"$TMP/ids"
sort -o "$TMP/ended" "$TMP/ended"
if [ -s "$TMP/due" ] && cmp -s "$TMP/due" "$TMP/ended"; then ok "end exactly the 27 tours due by 2022-01-30"; else
    diff "$TMP/due" "$TMP/ended" | head -5 | sed 's/^/# /'; not_ok "end exactly the 27 tours due by 2022-01-30"; fi

# An accepted appointment: its decision on the day of accreditation.
expect_exit 0 "an accepted appointment" --format json notification show N000002
expect_out "submitted by the US embassy" '"submitted_by": "usa-embassy"'
expect_out "decided by Russia's protocol" '"decided_by": "rus-mfa-protocol"'
expect_out "both states in its history" '"state": "accepted"'
posting=$(jq -r '.payload.posting.id' "$TMP/out")
decided=$(jq -r '.decided_at[0:10]' "$TMP/out")
ch --format json posting show "$posting"
if [ "$(jq -r '.accredited' "$TMP/out")" = "$decided" ]; then ok "on the posting's accreditation"; else not_ok "on the posting's accreditation"; fi
expect_exit 0 "known the day before" --as-known-on "$(date -u -d "$decided - 1 day" +%F)" --format json notification show N000002
expect_out "it was still outstanding" '"state": "submitted"'

# The change log names who did what: the embassy submitted, the receiving
# state's protocol office decided, and its decision's change set holds the
# records accepting wrote (the posting's accreditation).
ch --format json notification show N000002
steps=$(jq -r '[.history[] | .state + ":" + .actor + ":" + .reason] | join(" ")' "$TMP/out")
if [ "$steps" = "submitted:usa-embassy:notification N000002 submitted accepted:rus-mfa-protocol:notification N000002 accepted" ]; then
    ok "submitted by the embassy, decided by the office, in the change log"; else
    echo "# $steps"; not_ok "submitted by the embassy, decided by the office, in the change log"; fi
set_seq=$(jq -r '.change_set' "$TMP/out")
ch --format csv history posting "$posting"
acc=$(awk -F, -v d="\"\"accredited\"\":\"\"$decided\"\"" 'index($0, d) && $4 == "update" {print $1 "," $3 "," $5}' "$TMP/out" | tail -n 1)
if [ "${acc#*,}" = "rus-mfa-protocol,notification N000002 accepted" ] && [ "${acc%%,*}" -ge "$set_seq" ]; then
    ok "the accreditation is in the decision's change set, by the office"; else
    echo "# $acc (change set $set_seq)"; not_ok "the accreditation is in the decision's change set, by the office"; fi
expect_exit 0 "an outstanding Russian appointment" --format json notification show N000001
expect_out "was submitted by the Russian embassy" '"actor": "rus-embassy"'

# Once 2022-01-30 has come, the terminations are accepted on that day.
export CHANCERY_TODAY=2022-03-01
export CHANCERY_DB="$TMP/later.db"
ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
expect_exit 0 "later, the terminations" --format csv notification list --kind termination --state accepted
n=$(($(wc -l <"$TMP/out") - 1))
if [ "$n" -eq 27 ]; then ok "are accepted"; else not_ok "accepted: $n, wanted 27"; fi
first=$(head -n 1 "$TMP/ended")
expect_exit 0 "a tour of the 27" --format json posting show "$first"
expect_out "ended on the day" '"ended": "2022-01-30"'
expect_out "by ordered departure" '"end_reason": "ordered_departure"'
expect_exit 0 "as known the day before" --as-known-on 2022-01-29 --format csv notification list --kind termination --state submitted
n=$(($(wc -l <"$TMP/out") - 1))
if [ "$n" -eq 27 ]; then ok "they were outstanding"; else not_ok "outstanding: $n, wanted 27"; fi
expect_exit 0 "the log verifies" audit verify

# Warnings are computed as `notify` computes them: with a tight US cap on
# Russian staff in force before the demo, each Russian appointment
# accepted gains the cap exceeded, with its explain chain, as counted on
# the day it was decided.
export CHANCERY_TODAY=2021-12-04
export CHANCERY_DB="$TMP/capped.db"
ch init
cat >"$TMP/cap.json" <<'JSON'
{"id":"tight-cap","kind":"headcount_cap","issuer":"USA","target":"RUS","effective":{"from":"2021-01-01"},"params":{"limit":10}}
JSON
ch policy add "$TMP/cap.json"
ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
expect_exit 0 "the notifications under the cap" --format csv notification list --kind appointment --state accepted --mission RUS-USA-EMB
n=$(awk -F, 'NR > 1 && $8 == 1' "$TMP/out" | wc -l)
all=$(($(wc -l <"$TMP/out") - 1))
if [ "$n" -eq "$all" ] && [ "$n" -gt 0 ]; then ok "each accepted Russian appointment has a warning ($n)"; else
    not_ok "each accepted Russian appointment has a warning ($n of $all)"; fi
id=$(sed -n 2p "$TMP/out" | cut -d, -f1)
expect_exit 0 "one of them" --format json notification show "$id"
expect_out "the cap exceeded" '"id": "tight-cap:RUS"'
day=$(jq -r '.decided_at[0:10]' "$TMP/out")
detail=$(jq -r '.warnings[0].detail' "$TMP/out")
ch --format json check --as-of "$day" --issuer USA
want=$(jq -r '.findings[] | select(.id == "tight-cap:RUS") | .detail' "$TMP/out" | head -n 1)
if [ -n "$detail" ] && [ "$detail" = "$want" ]; then ok "as check finds it on the day of the decision ($detail)"; else
    echo "# warning: $detail; check: $want"; not_ok "as check finds it on the day of the decision"; fi
expect_exit 0 "the US appointments in Russia" --format csv notification list --kind appointment --mission USA-RUS
if awk -F, 'NR > 1 && $8 != 0' "$TMP/out" | grep -q .; then not_ok "are not under a cap on Russia's staff"; else
    ok "are not under a cap on Russia's staff"; fi

done_testing
