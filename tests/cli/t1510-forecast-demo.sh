#!/bin/sh
# The demo's three scenarios (data/demo/scenarios) on the demo registry:
# each is valid and runs; the rules give the waves of the seed report (27
# Russian staff leave by 2022-01-30 and 28 by 2022-06-30; 14 US staff by
# 2022-01-31); the US compromise of 2022-07-01 changes nothing before that
# date, and keeps Russia's second group of US staff from August; the
# visa agreement of December 2021 keeps more Russian staff than the
# measures as announced.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
D=data/demo/scenarios

for s in measures-as-announced us-compromise visa-agreement; do
    expect_exit 0 "$s runs" forecast "$D/$s.json" --runs 200 --by side
    expect_out "$s: its seed" "seed 20211204, 200 runs, 24 monthly steps from 2021-12-04 to 2023-12-04"
done
expect_out "the first US wave" "2022-01-30  Russian missions in the USA: 27 leave by the deadline of usa-rus-tenure"
expect_out "the second US wave" "2022-06-30  Russian missions in the USA: 28 leave by the deadline of usa-rus-tenure"
expect_out "the Russian deadline" "2022-01-31  US missions in Russia: 14 leave by the deadline of rus-usa-tenure"

expect_exit 0 "compare the three" --format csv forecast compare "$D/measures-as-announced.json" \
    "$D/us-compromise.json" "$D/visa-agreement.json" --runs 200
# field N of the row of series S on step K
field() {
    awk -F, -v s="$1" -v k="$2" -v n="$3" '$1 == s && $3 == k { print $n }' "$TMP/out"
}
R="Russian missions in the USA"
U="US missions in Russia"
if [ "$(field "$R" 7 11)" = "+0.00" ] && [ "$(field "$R" 12 11)" != "+0.00" ]; then
    ok "the compromise changes the Russian side from July 2022 only"
else not_ok "the compromise changes the Russian side from July 2022 only"; fi
# On the US side the compromise voids Russia's second rule: nothing moves
# before July 2022, and from August the second group is still there.
same=1
for k in 0 3 6; do [ "$(field "$U" $k 11)" = "+0.00" ] || same=0; done
if [ $same -eq 1 ]; then ok "the compromise leaves the US side as it was until July"; else
    not_ok "the compromise leaves the US side as it was until July"; fi
more=1
for k in 8 12 18 24; do
    awk -v x="$(field "$U" $k 11)" 'BEGIN { exit !(x > 0) }' || more=0
done
if [ $more -eq 1 ]; then ok "the compromise keeps more US staff from August 2022"; else
    not_ok "the compromise keeps more US staff from August 2022"; fi
if awk -v x="$(field "$R" 24 13)" 'BEGIN { exit !(x > 20) }'; then
    ok "the visa agreement keeps more Russian staff"; else
    not_ok "the visa agreement keeps more Russian staff"; fi

expect_exit 0 "the report page" forecast "$D/measures-as-announced.json" --runs 200 --html "$TMP/f.html"
if grep -q "27 leave by the deadline of usa-rus-tenure" "$TMP/f.html" &&
    grep -q "In short" "$TMP/f.html"; then ok "the page names the waves"; else
    not_ok "the page names the waves"; fi

done_testing
