#!/bin/sh
# The Diplomatic List of the demo: on 2021-12-04 the United States' list
# has the Russian embassy with its ambassador first and at the head of the
# order of precedence, with the date the demo assumes for the credentials.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

expect_exit 0 "the demo's list" publish diplomatic-list --host USA --as-of 2021-12-04 --format json
got=$(jq -r '[(.missions | map(.mission) | join(" ")), .missions[0].staff[0].rank, .missions[0].staff[0].title, (.precedence | length), .precedence[0].mission, .precedence[0].credentials] | join("|")' "$TMP/out")
if [ "$got" = "RUS-USA-EMB|ambassador|Ambassador Extraordinary and Plenipotentiary|1|RUS-USA-EMB|2017-09-05" ]; then
    ok "the Russian embassy, its ambassador first and in precedence"; else
    echo "# got: $got"; not_ok "the Russian embassy, its ambassador first and in precedence"; fi
staff=$(jq '.missions[0].staff | length' "$TMP/out")
expect_exit 0 "headcount of diplomatic agents" headcount --sending RUS --host USA --as-of 2021-12-04 --by category --format json
agents=$(jq '[.[] | select(.category == "diplomatic_agent")][0].present' "$TMP/out")
if [ -n "$agents" ] && [ "$staff" -le "$agents" ] && [ "$staff" -gt 50 ]; then
    ok "the embassy's diplomatic agents are listed ($staff of $agents)"; else
    echo "# listed $staff, agents $agents"; not_ok "the embassy's diplomatic agents are listed"; fi

expect_exit 0 "Moscow's list" publish diplomatic-list --host RUS --as-of 2021-12-04 --format csv
expect_out "the US ambassador heads the precedence" "1,T02635,"

done_testing
